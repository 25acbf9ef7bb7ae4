import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidError } from '../domain/errors.js';
import type { ApiAuthentication } from './api/security.js';
import { HarborError, sendHarborError } from './error-handler.js';
import { clearSessionCookies, sessionIdOf, setSessionCookies } from './session-cookies.js';
import type { RateLimitHooks } from '../rate-limits/http-hooks.js';

/** Login forms are small; anything bigger is not one. */
const FORM_BODY_LIMIT = 16 * 1024;

/**
 * Harbor's portal session endpoints, outside /api/v2.0:
 *
 * - `POST /c/login` with `principal` and `password` (form-encoded as the portal sends them, or JSON): 200 with the
 *   `sid` session cookie and the CSRF token; 401 for wrong credentials; 429 with `Retry-After` while the account or
 *   the client address is locked after failed logins, or while password checks are saturated; 403 when `Origin` names another site.
 * - `GET /c/log_out` (Harbor's) and `POST /c/logout`: end the session server-side and clear the cookies; 200 also
 *   without a session; 403 (and no logout) when the browser says the request comes from another site.
 */
export function registerSessionRoutes(
  app: FastifyInstance,
  auth: ApiAuthentication,
  rateLimits?: RateLimitHooks,
): void {
  void app.register((web, _opts, done) => {
    web.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));
    web.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    // With rate limits, logins count in the `auth` class per client address, before the form is even read.
    const limited = rateLimits && {
      onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
        const refusal = await rateLimits.limit(req, reply, 'auth');
        if (refusal) throw new HarborError('TOO_MANY_REQUESTS', refusal.message);
      },
    };
    web.post('/c/login', limited ?? {}, async (req, reply) => {
      refuseCrossSite(req, auth.cookies.baseUrl);
      const { principal, password } = credentialsOf(req.body);
      const result = await auth.guard.login(principal, password, { clientAddress: req.ip, channel: 'session' });
      if (!result.ok) {
        if (result.reason === 'invalid') throw new HarborError('UNAUTHORIZED', 'invalid username or password');
        void reply.header('Retry-After', String(result.retryAfterSeconds ?? 1));
        if (result.reason === 'busy') throw new HarborError('TOO_MANY_REQUESTS', 'too many logins at once; try again');
        throw new HarborError('TOO_MANY_REQUESTS', 'too many failed logins; try again later');
      }
      if (result.ctx.kind !== 'user') throw new HarborError('UNAUTHORIZED', 'invalid username or password');
      // A fresh id at every login (no session fixation); the session the browser had, if any, ends.
      const previous = sessionIdOf(req);
      if (previous !== undefined) await auth.sessions.close(previous);
      const session = await auth.sessions.open(result.ctx.user, req.ip);
      setSessionCookies(req, reply, auth.cookies, session.id, session.maxAgeSeconds);
      return reply.code(200).send();
    });

    const logout = async (req: FastifyRequest, reply: FastifyReply) => {
      const sessionId = sessionIdOf(req);
      if (sessionId !== undefined) {
        const user = await auth.sessions.close(sessionId);
        if (user) {
          auth.events.record({
            principal: user.username,
            clientAddress: req.ip,
            channel: 'session',
            outcome: 'logout',
          });
        }
      }
      clearSessionCookies(req, reply, auth.cookies);
      return reply.code(200).send();
    };
    // A cross-site GET (a link or an image on another site) must not log the user out.
    web.get('/c/log_out', async (req, reply) => {
      refuseCrossSite(req, auth.cookies.baseUrl);
      return logout(req, reply);
    });
    web.post('/c/logout', async (req, reply) => {
      refuseCrossSite(req, auth.cookies.baseUrl);
      return logout(req, reply);
    });
    done();
  });
}

function credentialsOf(body: unknown): { principal: string; password: string } {
  const { principal, password } = (body ?? {}) as { principal?: unknown; password?: unknown };
  if (typeof principal !== 'string' || principal === '' || typeof password !== 'string' || password === '') {
    throw new InvalidError('field', 'principal and password are required');
  }
  return { principal, password };
}

/**
 * Refuses requests a browser says come from another site: `Sec-Fetch-Site: cross-site`, or an `Origin` whose host
 * is neither the request's `Host` nor the public base URL's. Requests without `Origin` (non-browser clients) pass.
 */
export function refuseCrossSite(req: FastifyRequest, baseUrl: string | undefined): void {
  const refused = new HarborError('FORBIDDEN', 'cross-site request refused');
  if (req.headers['sec-fetch-site'] === 'cross-site') throw refused;
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const allowed = [hostOf(`${req.protocol}://${req.host}`), baseUrl === undefined ? undefined : hostOf(baseUrl)];
  const host = hostOf(origin);
  if (host === undefined || !allowed.includes(host)) throw refused;
}

/** The `host[:port]` of a URL (default ports dropped); undefined when it is none (e.g. the `null` origin). */
function hostOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.host : undefined;
  } catch {
    return undefined;
  }
}
