import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { ManualClock } from '../../src/ports/clock.js';
import { api } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

interface Report {
  status: string;
  components: { name: string; status: string; error?: string }[];
}

/** A filesystem blob store that counts the health probe's writes. */
function countingStorage(counter: { puts: number }) {
  return (root: string): BlobStore => {
    const inner = createBlobStore({ driver: 'filesystem', rootDirectory: root });
    return new Proxy(inner, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === 'putContent') {
          return (p: string, content: Buffer) => {
            if (p.startsWith('health/')) counter.puts++;
            return target.putContent(p, content);
          };
        }
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
}

const clock = new ManualClock();
const probes = { puts: 0 };
let reg: TestRegistry;

beforeAll(async () => {
  reg = await startTestRegistry({}, { clock, storage: countingStorage(probes) });
});
afterAll(() => reg.close());

describe('/livez and /readyz', () => {
  it('answer 200 without authentication once the instance started, telling nothing more', async () => {
    const live = await reg.app.inject({ method: 'GET', url: '/livez' });
    expect(live.statusCode).toBe(200);
    expect(live.body).toBe('ok');
    const ready = await reg.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.body).toBe('ok');
    expect(ready.headers['cache-control']).toBe('no-store');
  });
});

describe('GET /api/v2.0/health', () => {
  it('is public and lists database, job engine and storage', async () => {
    const res = await api(reg.app, 'GET', '/health');
    expect(res.statusCode).toBe(200);
    expect(res.json<Report>()).toEqual({
      status: 'healthy',
      components: [
        { name: 'database', status: 'healthy' },
        { name: 'jobservice', status: 'healthy' },
        { name: 'storage', status: 'healthy' },
      ],
    });
  });

  it('shares one probe per component a second among concurrent and repeated callers', async () => {
    clock.advance(5000);
    const before = probes.puts;
    const replies = await Promise.all(Array.from({ length: 25 }, () => api(reg.app, 'GET', '/health')));
    expect(replies.every((r) => r.json<Report>().status === 'healthy')).toBe(true);
    for (let i = 0; i < 5; i++) await reg.app.inject({ method: 'GET', url: '/readyz' });
    expect(probes.puts - before).toBe(1);
    clock.advance(999);
    await api(reg.app, 'GET', '/health');
    expect(probes.puts - before).toBe(1);
    clock.advance(2);
    await api(reg.app, 'GET', '/health');
    expect(probes.puts - before).toBe(2);
  });
});

describe('an instance whose parts fail', () => {
  it('reports unwritable storage, a stopped job engine, and a database that does not answer (not ready)', async () => {
    const own = new ManualClock();
    const other = await startTestRegistry({}, { clock: own });
    try {
      // A file where the probe's directory must be: every storage write below it fails (even for root).
      const probeDir = path.join(other.dataDir, 'storage', 'health');
      await rm(probeDir, { recursive: true, force: true });
      await mkdir(path.dirname(probeDir), { recursive: true });
      await writeFile(probeDir, 'not a directory');
      const storage = (await api(other.app, 'GET', '/health')).json<Report>();
      expect(storage.status).toBe('unhealthy');
      expect(storage.components).toEqual([
        { name: 'database', status: 'healthy' },
        { name: 'jobservice', status: 'healthy' },
        // A generic message: the endpoint is public and names no paths.
        { name: 'storage', status: 'unhealthy', error: 'storage check failed' },
      ]);
      // Storage does not decide readiness.
      expect((await other.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

      await other.wharf.jobs.close();
      own.advance(1001);
      const jobs = (await api(other.app, 'GET', '/health')).json<Report>();
      expect(jobs.components[1]).toEqual({
        name: 'jobservice',
        status: 'unhealthy',
        error: 'the job engine is stopped',
      });

      await other.wharf.store.close();
      // Within the second, the cached answer stands; after it the database is probed again.
      expect((await other.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      own.advance(1001);
      const notReady = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.body).toBe('not ready: database');
      const database = (await api(other.app, 'GET', '/health')).json<Report>();
      expect(database.components[0]).toEqual({
        name: 'database',
        status: 'unhealthy',
        error: 'database check failed',
      });

      // Shutting down: not ready whatever the database says.
      other.wharf.health.markStopping();
      const stopping = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(stopping.statusCode).toBe(503);
      expect(stopping.body).toBe('not ready: stopping');
      expect((await other.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    } finally {
      // Closing twice is harmless; a PostgreSQL test database is dropped.
      await other.close();
    }
  });
});
