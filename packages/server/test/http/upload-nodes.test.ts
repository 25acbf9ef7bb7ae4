import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.js';
import { expectOciError, sha256 } from '../helpers/inject-client.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

/**
 * Two Wharf instances ("nodes") on one PostgreSQL database and one storage root, sharing a ManualClock: what a
 * request on an upload session answers while the other node holds the session's lease, and when the other node
 * took the session over from a request that stalled. Always PostgreSQL: only there do nodes share leases.
 */
const authorization = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
const clock = new ManualClock();
let database: TestDatabase;
let dataDir: string;
let a: Wharf;
let b: Wharf;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-upload-nodes-'));
  const config = loadConfig({
    env: {
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WHARF_DATABASE_DRIVER: 'postgres',
      WHARF_DATABASE_URL: database.url,
      WHARF_UPLOADS_SESSIONLOCKWAIT: '50ms',
    },
  });
  a = await createWharf(config, undefined, { clock });
  b = await createWharf(config, undefined, { clock });
  await a.store.projects.create({ name: 'nodes', public: false });
});

afterAll(async () => {
  await b?.close();
  await a?.close();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** A request body that sends `head`, says so, and sends `tail` once `resume` resolves. */
function stalledBody(head: string, reading: () => void, resume: Promise<void>, tail: string): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from(head);
      reading();
      await resume;
      yield Buffer.from(tail);
    })(),
  );
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

async function startSession(node: Wharf, name: string): Promise<string> {
  const res = await node.app.inject({ method: 'POST', url: `/v2/${name}/blobs/uploads/`, headers: { authorization } });
  expect(res.statusCode, res.body).toBe(202);
  return res.headers.location as string;
}

describe('an upload session on two nodes', () => {
  it('a PATCH that cannot get the session’s lease in time answers 503 UNAVAILABLE with Retry-After', async () => {
    const location = await startSession(a, 'nodes/busy');
    const reading = gate();
    const resume = gate();
    const first = a.app.inject({
      method: 'PATCH',
      url: location,
      headers: { authorization, 'content-type': 'application/octet-stream' },
      payload: stalledBody('held-', reading.open, resume.opened, 'open'),
    });
    await reading.opened;
    const started = performance.now();
    const refused = await b.app.inject({
      method: 'PATCH',
      url: location,
      headers: { authorization, 'content-range': '0-5' },
      payload: 'second',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expectOciError(refused, 503, 'UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect(refused.json<{ errors: Array<{ message: string }> }>().errors[0]?.message).toContain('is busy');
    resume.open();
    const done = await first;
    expect(done.statusCode, done.body).toBe(202);
    expect(done.headers.range).toBe('0-8');
    // The client's retry, once the other request finished, continues on the other node.
    const retried = await b.app.inject({
      method: 'PUT',
      url: `${location}?digest=${sha256('held-open!')}`,
      headers: { authorization, 'content-range': '9-9' },
      payload: '!',
    });
    expect(retried.statusCode, retried.body).toBe(201);
  });

  it('a request that stalled past its lease while another node took over is refused, and its state not saved', async () => {
    const location = await startSession(a, 'nodes/stale');
    const reading = gate();
    const resume = gate();
    const stale = a.app.inject({
      method: 'PATCH',
      url: location,
      headers: { authorization },
      payload: stalledBody('', reading.open, resume.opened, 'stale-bytes'),
    });
    await reading.opened;
    // Node a stalls past the lease's time-to-live (60 s); node b takes the session over.
    clock.advanceSeconds(61);
    const fresh = await b.app.inject({
      method: 'PATCH',
      url: location,
      headers: { authorization, 'content-range': '0-4' },
      payload: 'fresh',
    });
    expect(fresh.statusCode, fresh.body).toBe(202);
    resume.open();
    const refused = await stale;
    expectOciError(refused, 503, 'UNAVAILABLE');
    expect(refused.headers['retry-after']).toBe('1');
    // The session's state is the newer holder's on either node.
    for (const node of [a, b]) {
      const status = await node.app.inject({ method: 'GET', url: location, headers: { authorization } });
      expect(status.statusCode, status.body).toBe(204);
      expect(status.headers.range).toBe('0-4');
    }
  });
});
