import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfTokenOf } from '../services/csrf.js';
import { CSRF_COOKIE, CSRF_HEADER } from './credentials.js';
import { parseCookies, serializeCookie } from './cookies.js';

/** The session cookie's name, as Harbor's. */
export const SESSION_COOKIE = 'sid';

/** How the session cookies are written: Secure when the server or its public URL is HTTPS. */
export interface SessionCookiePolicy {
  /** Public base URL (http.baseUrl): an https one means browsers reach Wharf over HTTPS behind a proxy. */
  readonly baseUrl?: string | undefined;
}

/** The session id the request's `sid` cookie carries, if any. */
export function sessionIdOf(req: FastifyRequest): string | undefined {
  const value = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  return value === undefined || value === '' ? undefined : value;
}

/** HTTPS as the browser sees it: TLS on this socket (or, with trusted proxies, X-Forwarded-Proto), or an https base URL. */
function isSecure(req: FastifyRequest, policy: SessionCookiePolicy): boolean {
  return req.protocol === 'https' || (policy.baseUrl?.startsWith('https:') ?? false);
}

/**
 * Sets the session cookie (HttpOnly) and the readable CSRF cookie, both expiring with the session, and hands the
 * CSRF token out in Harbor's response header.
 */
export function setSessionCookies(
  req: FastifyRequest,
  reply: FastifyReply,
  policy: SessionCookiePolicy,
  sessionId: string,
  maxAgeSeconds: number,
): void {
  const secure = isSecure(req, policy);
  void reply.header(
    'set-cookie',
    serializeCookie(SESSION_COOKIE, sessionId, { maxAgeSeconds, httpOnly: true, secure, sameSite: 'Lax' }),
  );
  issueCsrfToken(req, reply, policy, sessionId, maxAgeSeconds);
}

/** Hands out the session's CSRF token: in the `X-Harbor-CSRF-Token` response header and the `__csrf` cookie. */
export function issueCsrfToken(
  req: FastifyRequest,
  reply: FastifyReply,
  policy: SessionCookiePolicy,
  sessionId: string,
  maxAgeSeconds: number,
): void {
  const token = csrfTokenOf(sessionId);
  void reply.header(CSRF_HEADER, token);
  void reply.header(
    'set-cookie',
    serializeCookie(CSRF_COOKIE, token, {
      maxAgeSeconds,
      httpOnly: false,
      secure: isSecure(req, policy),
      sameSite: 'Lax',
    }),
  );
}

/** Tells the browser to drop both cookies. */
export function clearSessionCookies(req: FastifyRequest, reply: FastifyReply, policy: SessionCookiePolicy): void {
  const secure = isSecure(req, policy);
  void reply.header(
    'set-cookie',
    serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure, sameSite: 'Lax' }),
  );
  void reply.header(
    'set-cookie',
    serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure, sameSite: 'Lax' }),
  );
}
