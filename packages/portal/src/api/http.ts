import { serverUrl } from './base-path';
import { apiErrorOf } from './api-error';

/** Where Harbor's management API lives. */
export const API_BASE = '/api/v2.0';

/** Harbor's CSRF header: every response carries a token, every state-changing call made with a session sends it. */
export const CSRF_HEADER = 'X-Harbor-CSRF-Token';

let csrfToken: string | undefined;

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  readonly method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** A form-encoded body (the session login). */
  readonly form?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Unsuccessful statuses that are an answer, not an error (LDAP import's 404 listing the users it failed). */
  readonly accept?: readonly number[];
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, String(value));
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}

function bodyOf(opts: RequestOptions): { body?: BodyInit; contentType?: string } {
  if (opts.form) return { body: new URLSearchParams(opts.form), contentType: 'application/x-www-form-urlencoded' };
  if (opts.json !== undefined) return { body: JSON.stringify(opts.json), contentType: 'application/json' };
  return {};
}

/**
 * One call to Wharf with the session cookie. Remembers the CSRF token of every response and sends the latest on
 * state-changing calls; a failed call throws ApiError with the server's message.
 */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET';
  const { body, contentType } = bodyOf(opts);
  const headers = new Headers(opts.headers);
  if (contentType) headers.set('Content-Type', contentType);
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers.set(CSRF_HEADER, csrfToken);
  // Under a reverse proxy's prefix (index.html's <base href>), every server path is asked for under it.
  const res = await fetch(serverUrl(urlOf(path, opts.query)), { method, headers, body, credentials: 'same-origin' });
  const token = res.headers.get(CSRF_HEADER);
  if (token) csrfToken = token;
  if (!res.ok && !opts.accept?.includes(res.status)) throw await apiErrorOf(res);
  return res;
}

/** A call under /api/v2.0 answered with JSON (or nothing: undefined). */
export async function apiJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(API_BASE + path, opts);
  const text = await res.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** A call under /api/v2.0 whose answer is ignored. */
export async function apiCall(path: string, opts: RequestOptions = {}): Promise<void> {
  await (await request(API_BASE + path, opts)).arrayBuffer();
}
