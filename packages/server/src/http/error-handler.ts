import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import {
  ContentMissingError,
  DomainError,
  InvalidError,
  NotFoundError,
  UnavailableError,
  QuotaExceededError,
  type InvalidReason,
} from '../domain/errors.js';
import { OCI_ERRORS, RegistryError, type OciErrorCode } from './oci/errcode.js';

/**
 * The only place that turns errors into replies. Domain errors become OCI codes (on /v2) or Harbor codes (on
 * /api/v2.0) here; anything unexpected is logged with its stack and answered with a bare 500 that leaks nothing.
 */
const INVALID_CODES: Record<InvalidReason, OciErrorCode> = {
  name: 'NAME_INVALID',
  reference: 'TAG_INVALID',
  digest: 'DIGEST_INVALID',
  size: 'SIZE_INVALID',
  manifest: 'MANIFEST_INVALID',
  'manifest-blob-unknown': 'MANIFEST_BLOB_UNKNOWN',
  upload: 'BLOB_UPLOAD_INVALID',
  range: 'RANGE_INVALID',
  'too-large': 'SIZE_INVALID',
  field: 'UNSUPPORTED',
};

const NOT_FOUND_CODES: Record<NotFoundError['entity'], OciErrorCode> = {
  blob: 'BLOB_UNKNOWN',
  manifest: 'MANIFEST_UNKNOWN',
  tag: 'MANIFEST_UNKNOWN',
  artifact: 'MANIFEST_UNKNOWN',
  repository: 'NAME_UNKNOWN',
  upload: 'BLOB_UPLOAD_UNKNOWN',
  project: 'NAME_UNKNOWN',
  member: 'NAME_UNKNOWN',
  robot: 'NAME_UNKNOWN',
  user: 'NAME_UNKNOWN',
  'user-group': 'NAME_UNKNOWN',
  session: 'NAME_UNKNOWN',
  'immutable-rule': 'NAME_UNKNOWN',
  label: 'NAME_UNKNOWN',
  job: 'NAME_UNKNOWN',
  quota: 'NAME_UNKNOWN',
  'tag-history': 'NAME_UNKNOWN',
};

export function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (err instanceof DomainError) return fromDomain(err);
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework-level rejections (malformed request line, headers): a client error, say what it was.
    return new RegistryError('UNSUPPORTED', (err as Error).message, undefined, status);
  }
  return new RegistryError('UNKNOWN');
}

function fromDomain(err: DomainError): RegistryError {
  if (err instanceof NotFoundError)
    return new RegistryError(NOT_FOUND_CODES[err.entity], err.message, { [err.entity]: err.id });
  if (err instanceof InvalidError) {
    const status = err.reason === 'too-large' ? 413 : undefined;
    return new RegistryError(INVALID_CODES[err.reason], err.message, err.detail, status);
  }
  switch (err.kind) {
    case 'unauthenticated':
      return new RegistryError('UNAUTHORIZED', err.message);
    case 'permission-denied':
      return new RegistryError('DENIED', err.message);
    case 'conflict':
      return new RegistryError('DENIED', err.message, undefined, 409);
    case 'precondition-failed':
      // Harbor answers 412 (an immutable tag, for one); OCI has no such code, so DENIED with Harbor's status.
      return new RegistryError('DENIED', err.message, undefined, 412);
    case 'unavailable':
      return new RegistryError('UNAVAILABLE', err.message);
    default:
      return new RegistryError('UNKNOWN');
  }
}

/**
 * Writes the OCI error envelope `{"errors":[{code,message,detail}]}` as `application/json`, without the charset
 * parameter Fastify would add (distribution sends none). The body is a Buffer so that Fastify leaves the type alone.
 */
export function sendOciError(reply: FastifyReply, err: unknown, log: FastifyBaseLogger): FastifyReply {
  const wire = toRegistryError(err);
  // A retryable refusal (an upload session busy on another node) is expected: no stack, its message kept.
  const retryable = err instanceof UnavailableError;
  if (retryable) {
    log.warn({ reason: err.message }, 'request refused for now, retryable');
    void reply.header('Retry-After', String(err.retryAfterSeconds));
  } else if (wire.status >= 500) log.error({ err }, 'request failed');
  if (err instanceof ContentMissingError) {
    logContentMissing(log, err);
    // Found missing while answering (the file vanished after the checks): drop what described the content.
    for (const header of CONTENT_HEADERS) reply.removeHeader(header);
  }
  const message = wire.status >= 500 && !retryable ? OCI_ERRORS[wire.code].message : wire.message;
  const body = {
    errors: [{ code: wire.code, message, ...(wire.detail === undefined ? {} : { detail: wire.detail }) }],
  };
  if (wire.code === 'RANGE_INVALID') void reply.header('Range', rangeOf(wire.detail));
  return reply
    .code(wire.status)
    .type('application/json')
    .send(Buffer.from(JSON.stringify(body)));
}

const CONTENT_HEADERS = ['docker-content-digest', 'etag', 'cache-control', 'accept-ranges', 'content-range'];

/** Storage lost content the database records: the client gets a 404, the operator this warning. */
export function logContentMissing(log: FastifyBaseLogger, err: ContentMissingError): void {
  log.warn({ digest: err.digest, path: err.path, entity: err.entity }, 'content missing from storage');
}

function rangeOf(detail: unknown): string {
  const expected = (detail as { expected?: unknown } | undefined)?.expected;
  return typeof expected === 'number' ? `0-${Math.max(expected - 1, 0)}` : '0-0';
}

/** The error codes of Harbor's management API, with their status. */
export const HARBOR_ERRORS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  DENIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PRECONDITION: 412,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type HarborErrorCode = keyof typeof HARBOR_ERRORS;

/** An error the management API answers with directly (routing and parameter problems found at the edge). */
export class HarborError extends Error {
  constructor(
    readonly code: HarborErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DOMAIN_HARBOR_CODES: Readonly<Record<string, HarborErrorCode>> = {
  'not-found': 'NOT_FOUND',
  invalid: 'BAD_REQUEST',
  conflict: 'CONFLICT',
  unauthenticated: 'UNAUTHORIZED',
  'permission-denied': 'FORBIDDEN',
  'precondition-failed': 'PRECONDITION',
  unavailable: 'SERVICE_UNAVAILABLE',
};

function toHarborError(err: unknown): HarborError {
  if (err instanceof HarborError) return err;
  // Harbor's quota refusal is its DeniedError: 403 with the code DENIED on the API too.
  if (err instanceof QuotaExceededError) return new HarborError('DENIED', err.message);
  if (err instanceof DomainError) {
    const code = DOMAIN_HARBOR_CODES[err.kind];
    if (code) return new HarborError(code, err.message);
  }
  const status = (err as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Framework-level rejections (malformed JSON, wrong content type, body too large).
    const code = (Object.keys(HARBOR_ERRORS) as HarborErrorCode[]).find((c) => HARBOR_ERRORS[c] === status);
    return new HarborError(code ?? 'BAD_REQUEST', (err as Error).message);
  }
  return new HarborError('INTERNAL_SERVER_ERROR', 'internal server error');
}

/** Writes Harbor's error envelope `{"errors":[{code,message}]}`. */
export function sendHarborError(reply: FastifyReply, err: unknown, log: FastifyBaseLogger): FastifyReply {
  const wire = toHarborError(err);
  const status = HARBOR_ERRORS[wire.code];
  if (status >= 500 && !(err instanceof UnavailableError)) log.error({ err }, 'request failed');
  if (err instanceof UnavailableError) {
    log.warn({ err }, 'request failed: a service it needs is unavailable');
    void reply.header('Retry-After', String(err.retryAfterSeconds));
  }
  if (err instanceof ContentMissingError) logContentMissing(log, err);
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ errors: [{ code: wire.code, message: wire.message }] });
}
