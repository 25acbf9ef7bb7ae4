import type { FastifyRequest } from 'fastify';

/**
 * The one place where requests' credentials are read, for /v2, /api/v2.0 and /service/token alike: the
 * `Authorization` header (HTTP Basic or a Bearer token) and Harbor's CSRF header. The session cookie is read by
 * `session-cookies.ts`. Services never see headers, only what these return.
 */
export type RequestCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string }
  /** An `Authorization` header of another scheme, or one that does not parse. */
  | { readonly kind: 'malformed' };

/** Harbor's header for the CSRF token, in both directions. */
export const CSRF_HEADER = 'X-Harbor-CSRF-Token';
/** The readable cookie Harbor's portal takes the token from (Angular's XSRF support reads it). */
export const CSRF_COOKIE = '__csrf';

/** `Basic base64(user:password)` → its parts; undefined when the header is absent, another scheme or malformed. */
export function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The credentials of the request's `Authorization` header. */
export function credentialsOf(req: FastifyRequest): RequestCredentials {
  const header = req.headers.authorization;
  if (header === undefined) return { kind: 'none' };
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (bearer !== undefined) return { kind: 'bearer', token: bearer };
  const basic = parseBasic(header);
  return basic ? { kind: 'basic', ...basic } : { kind: 'malformed' };
}

/** The CSRF token the request sent (`X-Harbor-CSRF-Token`), if any. */
export function sentCsrfToken(req: FastifyRequest): string | undefined {
  const value = req.headers[CSRF_HEADER.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a request with this method may change state: everything but GET, HEAD and OPTIONS (an unknown method
 * counts as a write). Read-only mode, CSRF checks and /v2's session and write rules all ask here.
 */
export function isWriteMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * Requests that stay allowed in read-only mode: changing the configurations (so an administrator can turn it
 * off), and logging in and out. `path` is the route pattern or the path without the query string.
 */
export function isExemptFromReadOnly(method: string, path: string): boolean {
  const bare = path.replace(/\/+$/, '');
  if (method === 'PUT' && bare === '/api/v2.0/configurations') return true;
  return bare === '/c/login' || bare === '/c/logout';
}
