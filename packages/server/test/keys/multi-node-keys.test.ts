import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { InProcessSignals } from '../../src/adapters/signals/in-process-signals.js';
import { loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.js';

/**
 * Two Wharf nodes on one PostgreSQL database (one test process, two data directories, one signals bus standing in
 * for Redis/PostgreSQL): tokens of one are valid on the other, a rotation reaches both, and a node with another
 * secret key refuses to start.
 */
const ADMIN = 'Harbor12345';
const KEY = randomBytes(32).toString('base64');
const clock = new ManualClock(Date.now());
const signals = new InProcessSignals();
let database: TestDatabase;
const dirs: string[] = [];
const nodes: Wharf[] = [];

async function node(secretKey: string): Promise<Wharf> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-keys-node-'));
  dirs.push(dir);
  const config = loadConfig({
    env: {
      WHARF_DATA_DIR: dir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN,
      WHARF_DATABASE_DRIVER: 'postgres',
      WHARF_DATABASE_URL: database.url,
      WHARF_SECRETS_KEY: secretKey,
    },
  });
  const wharf = await createWharf(config, undefined, { clock, signals });
  nodes.push(wharf);
  return wharf;
}

async function tokenFrom(wharf: Wharf): Promise<string> {
  const res = await wharf.app.inject({
    method: 'GET',
    url: '/service/token?service=wharf-registry&scope=repository:library/app:pull',
    headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN}`).toString('base64')}` },
  });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
}

/** A /v2 pull of a manifest that does not exist: 404 when the token is accepted, 401 when not. */
async function pullStatus(wharf: Wharf, token: string): Promise<number> {
  const res = await wharf.app.inject({
    method: 'GET',
    url: '/v2/library/app/manifests/latest',
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  return res.statusCode;
}

async function tokenKeyRows(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ kid: string; private_key: string }>(
      'select kid, private_key from token_keys order by kid',
    );
    return rows.map((r) => `${r.kid}=${r.private_key}`);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const wharf of nodes) await wharf.close();
  await signals.close();
  await database.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('keys shared by two nodes on one PostgreSQL database', () => {
  let a: Wharf;
  let b: Wharf;

  it('a token issued by A is accepted by B for /v2 pulls, and the other way round', async () => {
    a = await node(KEY);
    b = await node(KEY);
    expect(b.keys.tokenKeySource).toBe('database');
    expect(b.keys.ring.current().kid).toBe(a.keys.ring.current().kid);
    const fromA = await tokenFrom(a);
    const fromB = await tokenFrom(b);
    expect(await pullStatus(b, fromA)).toBe(404);
    expect(await pullStatus(a, fromB)).toBe(404);
    expect(await pullStatus(b, `${fromA.slice(0, -4)}AAAA`)).toBe(401);
  });

  it('after a rotation on A, B signs with the new key within a second; old tokens work until they expire', async () => {
    const old = await tokenFrom(b);
    const oldKid = kidOf(old);
    const newKid = await a.keys.rotateTokenKey();
    expect(newKid).not.toBe(oldKid);
    expect(kidOf(await tokenFrom(a))).toBe(newKid);
    await vi.waitFor(async () => expect(kidOf(await tokenFrom(b))).toBe(newKid), { timeout: 1000, interval: 20 });
    expect(await pullStatus(a, old)).toBe(404);
    expect(await pullStatus(b, old)).toBe(404);
    expect(await pullStatus(a, await tokenFrom(b))).toBe(404);
    // Past the token lifetime (30 minutes by default) and the retirement of the old key: the old token is refused,
    // new ones are not; the old key is no longer among the verifying ones.
    clock.advance(31 * 60 * 1000 + 60_000);
    expect(await pullStatus(b, old)).toBe(401);
    expect(await pullStatus(b, await tokenFrom(a))).toBe(404);
    expect(b.keys.ring.verificationKeys().map((k) => k.kid)).toEqual([newKid]);
  });

  it('a node learns a key it has not heard of from the database when a token names it (signal lost)', async () => {
    const quiet = new InProcessSignals();
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-keys-node-'));
    dirs.push(dir);
    const c = await createWharf(
      loadConfig({
        env: {
          WHARF_DATA_DIR: dir,
          WHARF_LOG_LEVEL: 'silent',
          WHARF_ADMIN_PASSWORD: ADMIN,
          WHARF_DATABASE_DRIVER: 'postgres',
          WHARF_DATABASE_URL: database.url,
          WHARF_SECRETS_KEY: KEY,
        },
      }),
      undefined,
      { clock, signals: quiet },
    );
    nodes.push(c);
    const kid = await a.keys.rotateTokenKey();
    expect(c.keys.ring.current().kid).not.toBe(kid);
    expect(await pullStatus(c, await tokenFrom(a))).toBe(404);
    expect(c.keys.ring.current().kid).toBe(kid);
    // A forged key id costs one look-up per few seconds, then is refused without one.
    const forged = (await tokenFrom(a)).replace(
      /^[^.]+/,
      Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'FORGED' })).toString('base64url'),
    );
    expect(await pullStatus(c, forged)).toBe(401);
    expect(await pullStatus(c, forged)).toBe(401);
  });

  it('a node with another secret key refuses to start, naming the key id, and changes nothing', async () => {
    const before = await tokenKeyRows();
    const other = randomBytes(32).toString('base64');
    await expect(node(other)).rejects.toThrow(/secret key id [0-9a-f]{16}, which this node does not have/);
    expect(await tokenKeyRows()).toEqual(before);
    expect(await pullStatus(a, await tokenFrom(b))).toBe(404);
  });

  it('secret-key rotation reseals everything; the old key can then be removed', async () => {
    const next = randomBytes(32).toString('base64');
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-keys-node-'));
    dirs.push(dir);
    const env = {
      WHARF_DATA_DIR: dir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_ADMIN_PASSWORD: ADMIN,
      WHARF_DATABASE_DRIVER: 'postgres',
      WHARF_DATABASE_URL: database.url,
    };
    const d = await createWharf(
      loadConfig({ env: { ...env, WHARF_SECRETS_KEY: next, WHARF_SECRETS_PREVIOUSKEYS: KEY } }),
      undefined,
      {
        clock,
        signals,
      },
    );
    nodes.push(d);
    const progress = await d.keys.resealSecrets(1);
    expect(progress.resealed).toBeGreaterThan(0);
    expect((await d.keys.resealSecrets(1)).resealed).toBe(0);
    const e = await createWharf(loadConfig({ env: { ...env, WHARF_SECRETS_KEY: next } }), undefined, {
      clock,
      signals,
    });
    nodes.push(e);
    expect(await pullStatus(e, await tokenFrom(a))).toBe(404);
    // The former key alone no longer opens the database's secrets.
    await expect(node(KEY)).rejects.toThrow(/does not have/);
  });
});
