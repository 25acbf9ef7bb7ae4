import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a session: HMAC-SHA256 keyed with the session id itself. Only the holder of the session
 * cookie can compute it, it is bound to that session, and every node derives the same token with no shared secret
 * to distribute (the database knows only the id's hash; the id arrives with every request). The token does not
 * reveal the session id.
 */
export function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('wharf csrf token v1').digest('base64url');
}

/** Whether `token` (a request header's value) is the session's CSRF token; compared in constant time. */
export function isValidCsrfToken(sessionId: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(sessionId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
