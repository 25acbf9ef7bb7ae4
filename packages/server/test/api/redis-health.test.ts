import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedisUrl } from '../../src/adapters/redis/redis-test.js';
import { api } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

interface Report {
  status: string;
  components: { name: string; status: string; error?: string }[];
}

const components = async (reg: TestRegistry) =>
  (await api(reg.app, 'GET', '/health')).json<Report>().components.map(({ name, status }) => ({ name, status }));

describe('the health of Redis (redis.url set)', () => {
  let reachable: TestRegistry;
  let unreachable: TestRegistry;
  let silent: Server;

  beforeAll(async () => {
    // A port that accepts connections and never answers: Redis "down" without a refused connection.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const prefix = `wharf-test-${randomUUID()}:`;
    reachable = await startTestRegistry({ WHARF_REDIS_URL: testRedisUrl(), WHARF_REDIS_KEYPREFIX: prefix });
    unreachable = await startTestRegistry({
      WHARF_REDIS_URL: `redis://127.0.0.1:${port}`,
      WHARF_REDIS_KEYPREFIX: prefix,
    });
  });

  afterAll(async () => {
    await reachable?.close();
    await unreachable?.close();
    silent?.close();
  });

  it('lists a healthy redis component and is ready while Redis answers', async () => {
    expect(reachable.wharf.signals.kind).toBe('redis');
    expect(await components(reachable)).toContainEqual({ name: 'redis', status: 'healthy' });
    expect((await reachable.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('reports redis unhealthy but stays ready while Redis does not answer: Redis is optional', async () => {
    expect(await components(unreachable)).toContainEqual({ name: 'redis', status: 'unhealthy' });
    // Without Redis a node still serves correctly (caches fall back to their lifetimes, rate limits fail open): a
    // Redis outage must not take every node out of the load balancer.
    const ready = await unreachable.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
  });

  it('lists no redis component without redis.url', async () => {
    const plain = await startTestRegistry();
    try {
      expect((await components(plain)).map((c) => c.name)).not.toContain('redis');
    } finally {
      await plain.close();
    }
  });
});
