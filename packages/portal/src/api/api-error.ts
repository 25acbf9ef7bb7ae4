/**
 * An unsuccessful answer from Wharf, carrying Harbor's error envelope `{"errors":[{"code","message"}]}` (or the OCI
 * envelope on /v2, which has the same shape). `code` is Harbor's (NOT_FOUND, CONFLICT, …) or HTTP_<status> when the
 * body had none.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEnvelope {
  errors?: { code?: unknown; message?: unknown }[];
}

/** Reads the error envelope of a failed response; a body that is not one yields the status text. */
export async function apiErrorOf(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let first: { code?: unknown; message?: unknown } | undefined;
  try {
    first = (JSON.parse(text) as ErrorEnvelope).errors?.[0];
  } catch {
    // not JSON: fall through to the status line
  }
  const code = typeof first?.code === 'string' ? first.code : `HTTP_${res.status}`;
  const message = typeof first?.message === 'string' ? first.message : text.trim() || res.statusText;
  return new ApiError(res.status, code, message);
}
