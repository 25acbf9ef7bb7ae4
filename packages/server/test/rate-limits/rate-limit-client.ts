import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { basic, type Credentials } from '../helpers/api-client.js';

/** Small limits, so tests reach them in a few requests (in-memory counters unless a test adds Redis). */
export const SMALL_LIMITS: Record<string, string> = {
  WHARF_RATELIMITS_ENABLED: 'true',
  WHARF_RATELIMITS_PULL_AUTHENTICATED_REQUESTS: '4',
  WHARF_RATELIMITS_PULL_ANONYMOUS_REQUESTS: '2',
  WHARF_RATELIMITS_PUSH_AUTHENTICATED_REQUESTS: '2',
  WHARF_RATELIMITS_PUSH_ANONYMOUS_REQUESTS: '1',
  WHARF_RATELIMITS_API_AUTHENTICATED_REQUESTS: '3',
  WHARF_RATELIMITS_API_ANONYMOUS_REQUESTS: '2',
  WHARF_RATELIMITS_AUTH_REQUESTS: '2',
};

/** One /v2 request as `as` (anonymous without), from `remoteAddress`. */
export function v2(
  app: FastifyInstance,
  method: 'GET' | 'HEAD' | 'POST',
  path: string,
  as?: Credentials,
  remoteAddress = '127.0.0.1',
): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `/v2/${path}`, remoteAddress, headers: as ? { authorization: basic(as) } : {} });
}

/** One /api/v2.0 request as `as` (anonymous without), from `remoteAddress`. */
export function apiAs(
  app: FastifyInstance,
  path: string,
  as?: Credentials,
  remoteAddress = '127.0.0.1',
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: `/api/v2.0${path}`,
    remoteAddress,
    headers: as ? { authorization: basic(as) } : {},
  });
}

/** The statuses of `count` requests made one after the other. */
export async function statuses(count: number, request: () => Promise<LightMyRequestResponse>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await request()).statusCode);
  return seen;
}

/** Asserts a rate-limit refusal: 429, a Retry-After of 1..window seconds, and `code` in the body's one error. */
export function expectRefused(res: LightMyRequestResponse, code: string, windowSeconds = 60): string {
  expect(res.statusCode, res.body).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const body = res.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.code).toBe(code);
  expect(body.errors[0]?.message).toMatch(/^rate limit exceeded: at most \d+ \w+ requests every \d+s per /);
  return body.errors[0]!.message;
}
