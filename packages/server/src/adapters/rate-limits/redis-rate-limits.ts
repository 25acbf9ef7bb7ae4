import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimitCounters } from '../../ports/rate-limits.js';
import { FlexibleCounters } from './flexible-counters.js';

export interface RedisRateLimitOptions {
  /** Prefix of every counter key (`<redis.keyPrefix>ratelimit:` in Wharf). */
  readonly keyPrefix: string;
  /** Closes the connection with the counters (when they own it). */
  readonly quitOnClose?: boolean;
}

/**
 * Counters in Redis (rate-limiter-flexible's RateLimiterRedis): each request is one atomic Lua script (increment,
 * set the expiry on the first), so every process and node sharing the Redis counts it once. While the connection is
 * not ready the library refuses at once (`rejectIfRedisNotReady`) instead of queueing, so a Redis outage costs a
 * request nothing but the check.
 */
export function redisRateLimitCounters(redis: Redis, opts: RedisRateLimitOptions): RateLimitCounters {
  return new FlexibleCounters(
    (rule, keyPrefix) =>
      new RateLimiterRedis({
        storeClient: redis,
        points: rule.requests,
        duration: rule.windowSeconds,
        keyPrefix,
        rejectIfRedisNotReady: true,
      }),
    opts.keyPrefix,
    async () => {
      if (opts.quitOnClose) await redis.quit().catch(() => redis.disconnect());
    },
  );
}
