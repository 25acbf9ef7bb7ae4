import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter, RateLimitRefusal } from './rate-limiter.js';
import { refusalMessage } from './rate-limiter.js';
import type { RouteClass } from './settings.js';

/** A refused request: what the edge answers with its own error envelope (Retry-After is already set). */
export interface HttpRefusal extends RateLimitRefusal {
  readonly message: string;
}

/**
 * The HTTP side of the rate limits, handed to the edges only when `rateLimits.enabled` (otherwise they get undefined
 * and add nothing to the request path). Each edge calls `limit` once per request, where it knows the principal, and
 * answers a refusal in its own envelope: /v2 `TOOMANYREQUESTS`, /api/v2.0 and /c/login Harbor's `TOO_MANY_REQUESTS`,
 * /service/token the token service's `{"errors":[…]}`.
 */
export class RateLimitHooks {
  constructor(private readonly limiter: RateLimiter) {}

  /**
   * Counts `req` in `routeClass` for `account` (a user or `robot$…` name), or for its client address when there is
   * none. The address is `req.ip`: with `http.trustedProxies`, the client's address from `X-Forwarded-For`.
   */
  async limit(
    req: FastifyRequest,
    reply: FastifyReply,
    routeClass: RouteClass,
    account?: string,
  ): Promise<HttpRefusal | undefined> {
    const refusal = await this.limiter.check(routeClass, { account, address: req.ip });
    if (!refusal) return undefined;
    void reply.header('Retry-After', String(refusal.retryAfterSeconds));
    return { ...refusal, message: refusalMessage(routeClass, refusal) };
  }
}

/**
 * Whether a /v2 request presents anything that may authenticate it: an `Authorization` header or a cookie (the
 * portal's session, GET and HEAD only). Requests presenting nothing are anonymous without asking anyone, so they are
 * counted by address before authorisation; the others after it, by the principal it found.
 */
export function presentsCredentials(req: FastifyRequest): boolean {
  return req.headers.authorization !== undefined || req.headers.cookie !== undefined;
}

/** The class of a /v2 request: uploads and every write count as `push`, every other read as `pull`. */
export function ociRouteClass(method: string, kind: string): RouteClass {
  if (kind === 'uploads' || kind === 'upload') return 'push';
  return method === 'GET' || method === 'HEAD' ? 'pull' : 'push';
}
