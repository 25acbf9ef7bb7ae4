import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../../domain/errors.js';
import type { AuthDecisionSink } from '../../services/auth-events.js';
import { ANONYMOUS, inRequest, type SecurityContext } from '../../services/authenticator.js';
import { isValidCsrfToken } from '../../services/csrf.js';
import { credentialsOf, isWriteMethod, sentCsrfToken, type RequestCredentials } from '../credentials.js';
import type { LoginGuard } from '../../services/login-guard.js';
import type { SessionService } from '../../services/sessions.js';
import { HarborError } from '../error-handler.js';
import { originOf } from '../request-origin.js';
import {
  clearSessionCookies,
  issueCsrfToken,
  sessionIdOf,
  setSessionCookies,
  type SessionCookiePolicy,
} from '../session-cookies.js';

const contexts = new WeakMap<FastifyRequest, SecurityContext>();

/**
 * The security context the authentication hook attached to `req` (anonymous when it did not run), acting in the
 * request (its origin is recorded with the events of the changes it makes).
 */
export function securityOf(req: FastifyRequest): SecurityContext {
  const ctx = contexts.get(req);
  if (ctx) return ctx;
  const anonymous = inRequest(ANONYMOUS, originOf(req));
  contexts.set(req, anonymous);
  return anonymous;
}

/** What the management API authenticates with: Basic credentials through the login guard, or a session cookie. */
export interface ApiAuthentication {
  readonly guard: LoginGuard;
  readonly sessions: SessionService;
  readonly events: AuthDecisionSink;
  readonly cookies: SessionCookiePolicy;
}

/**
 * Authenticates a management API request.
 *
 * - An `Authorization` header wins: HTTP Basic credentials (users and robots) go through the login guard; wrong
 *   credentials, a locked account or address (with `Retry-After`), another scheme or a malformed header get 401
 *   on every route, so a typo never silently degrades to anonymous access; 429 TOO_MANY_REQUESTS with
 *   `Retry-After` while password checks are saturated. No CSRF token is needed.
 * - Otherwise a live `sid` session cookie authenticates its user. State-changing methods then need the session's
 *   CSRF token in `X-Harbor-CSRF-Token` (403 "CSRF token invalid" without it); GET and HEAD responses hand the
 *   token out. A session cookie that is no longer valid is cleared and the request is anonymous.
 * - Neither: anonymous.
 */
export async function authenticate(req: FastifyRequest, reply: FastifyReply, auth: ApiAuthentication): Promise<void> {
  const credentials = credentialsOf(req);
  if (credentials.kind !== 'none') {
    contexts.set(req, inRequest(await withBasic(req, reply, credentials, auth), originOf(req)));
    return;
  }
  const sessionId = sessionIdOf(req);
  if (sessionId === undefined) return;
  const session = await auth.sessions.resolve(sessionId);
  if (!session) {
    clearSessionCookies(req, reply, auth.cookies);
    return;
  }
  if (isWriteMethod(req.method) && !isValidCsrfToken(sessionId, sentCsrfToken(req))) {
    throw new HarborError('FORBIDDEN', 'CSRF token invalid');
  }
  contexts.set(req, inRequest(session.ctx, originOf(req)));
  const maxAge = auth.sessions.secondsUntil(session.expiresAt);
  if (session.refreshed) setSessionCookies(req, reply, auth.cookies, sessionId, maxAge);
  else if (!isWriteMethod(req.method)) issueCsrfToken(req, reply, auth.cookies, sessionId, maxAge);
}

/**
 * The user of the request's live session cookie, for the read-only /v2 requests the portal makes (no CSRF token is
 * involved: only GET and HEAD consult it). Keeps the cookie's expiry in step with the session's; an invalid cookie
 * is simply no credential.
 */
export async function sessionContextOf(
  req: FastifyRequest,
  reply: FastifyReply,
  auth: ApiAuthentication,
): Promise<SecurityContext | undefined> {
  const sessionId = sessionIdOf(req);
  const session = sessionId === undefined ? undefined : await auth.sessions.resolve(sessionId);
  if (!session) return undefined;
  if (session.refreshed) {
    setSessionCookies(req, reply, auth.cookies, sessionId!, auth.sessions.secondsUntil(session.expiresAt));
  }
  return session.ctx;
}

async function withBasic(
  req: FastifyRequest,
  reply: FastifyReply,
  credentials: RequestCredentials,
  auth: ApiAuthentication,
): Promise<SecurityContext> {
  if (credentials.kind !== 'basic') {
    auth.events.record({
      principal: '',
      clientAddress: req.ip,
      channel: 'api',
      outcome: 'failure',
      reason: 'malformed or unsupported Authorization header',
    });
    throw new UnauthenticatedError('invalid username or password');
  }
  const result = await auth.guard.login(credentials.username, credentials.password, {
    clientAddress: req.ip,
    channel: 'api',
  });
  if (result.ok) return result.ctx;
  if (result.retryAfterSeconds !== undefined) void reply.header('Retry-After', String(result.retryAfterSeconds));
  if (result.reason === 'busy') throw new HarborError('TOO_MANY_REQUESTS', 'too many logins at once; try again');
  if (result.reason === 'throttled') throw new UnauthenticatedError('too many failed logins; try again later');
  throw new UnauthenticatedError('invalid username or password');
}
