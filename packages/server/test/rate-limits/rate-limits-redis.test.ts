import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';
import { createUserDirect } from '../helpers/principals.js';
import { apiAs, expectRefused, SMALL_LIMITS, statuses } from './rate-limit-client.js';

/** The Redis shared with other work: each test has a key prefix of its own, and never flushes anything. */
const REDIS_URL = 'redis://127.0.0.1:6379';

/** A TCP relay to the real Redis that a test can stop (as if Redis went down) and start again on the same port. */
class RedisRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Waits until `check` holds, polling (the connection comes back on ioredis's schedule, not the test's). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('rate limits with Redis', () => {
  const started: TestRegistry[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((r) => r.close()));
  });
  const start = async (env: Record<string, string>, log?: pino.Logger) => {
    const registry = await startTestRegistry({ ...SMALL_LIMITS, ...env }, log ? { log } : {});
    started.push(registry);
    return registry;
  };

  it('share the counts between two instances on one Redis (per account and per address)', async () => {
    const shared = { WHARF_REDIS_URL: REDIS_URL, WHARF_REDIS_KEYPREFIX: `wharf-test:${randomUUID()}:` };
    const [one, two] = [await start(shared), await start(shared)];
    // The same account on both nodes (each has its own database here; the count is by name).
    const alice = await createUserDirect(one.wharf, 'alice');
    await createUserDirect(two.wharf, 'alice');
    const nodes = [one, two];
    let turn = 0;
    const alternate = (address?: string) => () => apiAs(nodes[turn++ % 2]!.app, '/users/current', alice, address);
    expect(await statuses(3, alternate())).toEqual([200, 200, 200]);
    expectRefused(await alternate()(), 'TOO_MANY_REQUESTS');
    expectRefused(await alternate()(), 'TOO_MANY_REQUESTS');
    turn = 0;
    const anonymous = () => apiAs(nodes[turn++ % 2]!.app, '/systeminfo', undefined, '198.51.100.50');
    expect(await statuses(3, anonymous)).toEqual([200, 200, 429]);
    // A third instance with another key prefix (another deployment on the same Redis) counts apart.
    const other = await start({ WHARF_REDIS_URL: REDIS_URL, WHARF_REDIS_KEYPREFIX: `wharf-test:${randomUUID()}:` });
    expect((await apiAs(other.app, '/systeminfo', undefined, '198.51.100.50')).statusCode).toBe(200);
  });

  it('fail open when Redis is unreachable: requests pass uncounted, and a warning says so', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // Port 1 on the loopback is closed: the connection never becomes ready.
    const registry = await start({ WHARF_REDIS_URL: 'redis://127.0.0.1:1' }, pino({ level: 'warn' }, sink));
    const began = Date.now();
    const seen = await statuses(6, () => apiAs(registry.app, '/systeminfo', undefined, '198.51.100.60'));
    expect(seen).toEqual(Array(6).fill(200));
    // Without waiting for Redis: the counters refuse at once while the connection is down.
    expect(Date.now() - began).toBeLessThan(2000);
    const warnings = lines.filter((line) => line.includes('rate limit counters unavailable'));
    expect(warnings).toHaveLength(1); // one warning per ten seconds, not one per request
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, uncounted: 1 });
  });

  it('fail open while Redis is down and count again once it is back', async () => {
    const relay = new RedisRelay();
    await relay.start();
    try {
      const registry = await start({
        WHARF_REDIS_URL: `redis://127.0.0.1:${relay.port}`,
        WHARF_REDIS_KEYPREFIX: `wharf-test:${randomUUID()}:`,
        WHARF_RATELIMITS_API_ANONYMOUS_REQUESTS: '1',
      });
      const from = (address: string) => () => apiAs(registry.app, '/systeminfo', undefined, address);
      expect(await eventually(async () => (await from('198.51.100.70')()).statusCode === 429)).toBe(true);
      await relay.stop();
      expect(await statuses(4, from('198.51.100.71'))).toEqual([200, 200, 200, 200]);
      await relay.start();
      // Back: the counters count again (a fresh address: its first request passes, the next is refused).
      expect(await eventually(async () => (await from('198.51.100.72')()).statusCode === 429)).toBe(true);
    } finally {
      await relay.stop();
    }
  });
});
