import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimitHooks } from '../rate-limits/http-hooks.js';
import type { PasswordResetService } from '../self-service/password-reset.js';
import { ReadOnlyModeError } from '../services/read-only.js';
import { HarborError, sendHarborError } from './error-handler.js';
import { refuseCrossSite } from './session-routes.js';

const FORM_BODY_LIMIT = 16 * 1024;

export interface PasswordResetRoutesOptions {
  readonly resets: PasswordResetService;
  /** The public base URL (cross-site checks). */
  readonly baseUrl?: string | undefined;
  readonly rateLimits?: RateLimitHooks | undefined;
}

/**
 * Harbor 1.x's password reset endpoints, outside /api/v2.0 beside `/c/login`:
 *
 * - `GET /c/sendEmail?email=…`: 200 whether or not a user has that address (the mail, if any, goes out afterwards);
 *   400 for a malformed address; 429 with `Retry-After` while the client address or the e-mail address asked too
 *   often; 403 while the registry is read-only.
 * - `POST /c/reset` with `reset_uuid` and `password` (form-encoded or JSON): 200 once the password is set (the
 *   user's sessions end); 400 for a password the policy refuses, or a link that is unknown, used or expired; 403 when
 *   the browser says the request comes from another site.
 */
export function registerPasswordResetRoutes(app: FastifyInstance, opts: PasswordResetRoutesOptions): void {
  void app.register((web, _opts, done) => {
    // Read-only mode is Harbor's 403 DENIED, as on /api/v2.0.
    web.setErrorHandler((err, req, reply) =>
      sendHarborError(reply, err instanceof ReadOnlyModeError ? new HarborError('DENIED', err.message) : err, req.log),
    );
    web.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, body, parsed) => parsed(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    // Counted in the rate limits' `auth` class per client address, as logins are.
    const limited = opts.rateLimits && {
      onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
        const refusal = await opts.rateLimits!.limit(req, reply, 'auth');
        if (refusal) throw new HarborError('TOO_MANY_REQUESTS', refusal.message);
      },
    };

    web.get('/c/sendEmail', limited ?? {}, async (req, reply) => {
      const { email } = req.query as { email?: unknown };
      const result = await opts.resets.request(typeof email === 'string' ? email : undefined, req.ip);
      if (!result.ok) {
        void reply.header('Retry-After', String(result.retryAfterSeconds));
        throw new HarborError('TOO_MANY_REQUESTS', 'too many password reset requests; try again later');
      }
      return reply.code(200).send();
    });

    web.post('/c/reset', limited ?? {}, async (req, reply) => {
      refuseCrossSite(req, opts.baseUrl);
      const body = (req.body ?? {}) as { reset_uuid?: unknown; password?: unknown };
      await opts.resets.reset(
        typeof body.reset_uuid === 'string' ? body.reset_uuid : undefined,
        typeof body.password === 'string' ? body.password : undefined,
        req.ip,
      );
      return reply.code(200).send();
    });
    done();
  });
}
