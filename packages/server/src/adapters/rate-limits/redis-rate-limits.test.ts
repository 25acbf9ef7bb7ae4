import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RateLimitStoreError } from '../../ports/rate-limits.js';
import { openRedis } from '../redis/redis-connection.js';
import { describeRateLimitCounters } from './rate-limit-counters.suite.js';
import { redisRateLimitCounters } from './redis-rate-limits.js';

/** The Redis the tests share with other work: keys carry a prefix of their own and expire with their window. */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** Opens counters on a fresh connection, waiting until it is ready (a missing Redis fails the test loudly). */
async function countersOn(keyPrefix: string) {
  const redis = openRedis({ url: REDIS_URL, keyPrefix: '' });
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
  return redisRateLimitCounters(redis, { keyPrefix, quitOnClose: true });
}

describeRateLimitCounters(
  'Redis',
  async () => {
    const keyPrefix = `wharf-test:ratelimit:${randomUUID()}:`;
    const counters = await countersOn(keyPrefix);
    const others: ReturnType<typeof redisRateLimitCounters>[] = [];
    return {
      counters,
      anotherNode: async () => {
        const other = await countersOn(keyPrefix);
        others.push(other);
        return other;
      },
      dispose: async () => {
        await counters.close();
        await Promise.all(others.map((o) => o.close()));
      },
    };
  },
  { shared: true },
);

describe('Redis rate limit counters without Redis', () => {
  it('refuse to count at once with RateLimitStoreError while the connection is down (a closed port)', async () => {
    // Port 1 on the loopback is closed: the connection never becomes ready.
    const redis = openRedis({ url: 'redis://127.0.0.1:1', keyPrefix: '' });
    const counters = redisRateLimitCounters(redis, { keyPrefix: 'wharf-test:none:', quitOnClose: true });
    const started = Date.now();
    try {
      const outcome = await counters.consume({ name: 'pull.anonymous', requests: 5, windowSeconds: 60 }, 'ip:1');
      expect.unreachable(`counted without Redis: ${JSON.stringify(outcome)}`);
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimitStoreError);
      // Refused at once, not after ioredis's command timeout: a Redis outage must not slow requests down.
      expect(Date.now() - started).toBeLessThan(200);
    } finally {
      await counters.close();
    }
  });
});
