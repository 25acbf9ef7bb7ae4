import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { InProcessSignals } from '../../src/adapters/signals/in-process-signals.js';
import { loadConfig } from '../../src/config/index.js';
import { hashPassword } from '../../src/lib/password-hash.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ManualClock } from '../../src/ports/clock.js';

/**
 * Two Wharf nodes on one PostgreSQL database, each with signals of its own (so no signal crosses between them): a
 * personal access token revoked on one node stops at once on the other, for Basic logins and for a bearer token the
 * other node issued and has already seen, because nothing caches a token's validity.
 */
const KEY = randomBytes(32).toString('base64');
const clock = new ManualClock(Date.now());
let database: TestDatabase;
const dirs: string[] = [];
const nodes: Wharf[] = [];

async function node(): Promise<Wharf> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-pat-node-'));
  dirs.push(dir);
  const config = loadConfig({
    env: {
      WHARF_DATA_DIR: dir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: 'Harbor12345',
      WHARF_DATABASE_DRIVER: 'postgres',
      WHARF_DATABASE_URL: database.url,
      WHARF_SECRETS_KEY: KEY,
    },
  });
  const wharf = await createWharf(config, undefined, { clock, signals: new InProcessSignals() });
  nodes.push(wharf);
  return wharf;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const wharf of nodes) await wharf.close();
  await database?.drop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('personal access tokens on several nodes', () => {
  it('a token revoked on one node fails at the next request on another, with Basic and with a bearer token', async () => {
    const a = await node();
    const b = await node();
    const project = await a.store.projects.create({ name: 'multi', public: false });
    const user = await a.store.users.create({ username: 'multi-dev', passwordHash: await hashPassword('Passw0rd1') });
    await a.store.members.add({ projectId: project.id, entityType: 'u', entityId: user.id, roleId: 2 });
    const password = basic('multi-dev', 'Passw0rd1');
    const created = await a.app.inject({
      method: 'POST',
      url: `/api/v2.0/users/${user.id}/tokens`,
      headers: { authorization: password },
      payload: {
        name: 'ci',
        duration: -1,
        permissions: [{ kind: 'project', namespace: 'multi', access: [{ resource: 'repository', action: 'pull' }] }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, secret } = created.json<{ id: number; secret: string }>();
    const pat = basic('multi-dev', secret);

    const issued = await b.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:multi/app:pull',
      headers: { authorization: pat },
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const bearer = `Bearer ${issued.json<{ token: string }>().token}`;
    const tags = (authorization: string) =>
      b.app.inject({ method: 'GET', url: '/v2/multi/app/tags/list', headers: { authorization } });
    // Accepted (the repository does not exist: 404), twice, so that anything cacheable was cached on node b.
    expect((await tags(bearer)).statusCode).toBe(404);
    expect((await tags(bearer)).statusCode).toBe(404);
    expect((await tags(pat)).statusCode).toBe(404);
    const current = () =>
      b.app.inject({ method: 'GET', url: '/api/v2.0/users/current', headers: { authorization: pat } });
    expect((await current()).statusCode).toBe(200);

    const revoked = await a.app.inject({
      method: 'DELETE',
      url: `/api/v2.0/users/${user.id}/tokens/${id}`,
      headers: { authorization: password },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await tags(bearer)).statusCode).toBe(401);
    expect((await tags(pat)).statusCode).toBe(401);
    expect((await current()).statusCode).toBe(401);
  });
});
