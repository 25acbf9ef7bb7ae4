import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { testRedisUrl } from '../../src/adapters/redis/redis-test.js';
import { loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { ADMIN, api, basic, createUser, type Credentials } from '../helpers/api-client.js';
import { login, sessionApi } from '../helpers/session-client.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

/**
 * Two Wharf instances ("nodes") in this process on one PostgreSQL database: a change made through node A takes
 * effect on node B's requests at once, through signals (over Redis, and over PostgreSQL's NOTIFY without Redis),
 * not only when B's caches expire. Each check first makes B cache what is about to change (a request that
 * succeeds), then changes it on A, then polls B: the caches trust an entry for one second, so an effect well within
 * half a second of the change came from the signal. Always PostgreSQL: only there do nodes share a database.
 */

/** Within this much of the change (ms) B must show it: half the caches' own lifetime. */
const SIGNALLED_WITHIN_MS = 500;

const delays: Record<string, number[]> = {};

/** Polls `effect` until true; returns how long after `since` (ms) it first held, or fails after 3 s. */
async function effectAfter(since: number, effect: () => Promise<boolean>): Promise<number> {
  while (Date.now() - since < 3000) {
    if (await effect()) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the change never took effect on the other node');
}

for (const medium of ['redis', 'postgres'] as const) {
  describe(`two nodes, signals over ${medium}`, () => {
    let database: TestDatabase;
    let dataDir: string;
    let a: Wharf;
    let b: Wharf;

    const measured = async (what: string, since: number, effect: () => Promise<boolean>) => {
      const delay = await effectAfter(since, effect);
      (delays[`${medium}: ${what}`] ??= []).push(delay);
      expect(delay, `${what} reached the other node after ${delay} ms`).toBeLessThan(SIGNALLED_WITHIN_MS);
    };

    beforeAll(async () => {
      database = await createTestDatabase();
      dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-coherence-'));
      const env: Record<string, string> = {
        WHARF_DATA_DIR: dataDir,
        WHARF_HTTP_ADDR: '127.0.0.1:0',
        WHARF_LOG_LEVEL: 'silent',
        WHARF_HTTP_ACCESSLOG: 'false',
        WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
        WHARF_DATABASE_DRIVER: 'postgres',
        WHARF_DATABASE_URL: database.url,
      };
      if (medium === 'redis') {
        env.WHARF_REDIS_URL = testRedisUrl();
        env.WHARF_REDIS_KEYPREFIX = `wharf-test-${randomUUID()}:`;
      }
      const config = loadConfig({ env });
      a = await createWharf(config);
      b = await createWharf(config);
      // Listening starts the outbox relays, which hand committed events to the publishing subscriber.
      await a.listen();
      await b.listen();
      for (const project of [
        { project_name: 'open', metadata: { public: 'true' } },
        { project_name: 'closed', metadata: { public: 'false' } },
      ]) {
        const res = await api(a.app, 'POST', '/projects', ADMIN, project);
        expect(res.statusCode, res.body).toBe(201);
      }
    });

    afterAll(async () => {
      await b?.close();
      await a?.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
      if (medium === 'postgres') console.log('propagation delays (ms):', JSON.stringify(delays));
    });

    /** A registry token from `node` for `scope`, as `as` (anonymous when undefined). */
    async function token(node: Wharf, scope: string, as?: Credentials): Promise<string> {
      const res = await node.app.inject({
        method: 'GET',
        url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(scope)}`,
        headers: as ? { authorization: basic(as) } : {},
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ token: string }>().token;
    }

    /** Lists the tags of a repository that does not exist: 404 NAME_UNKNOWN when allowed to pull, 401 otherwise. */
    function tags(node: Wharf, repository: string, bearer: string): Promise<LightMyRequestResponse> {
      return node.app.inject({
        method: 'GET',
        url: `/v2/${repository}/tags/list`,
        headers: { authorization: `Bearer ${bearer}` },
      });
    }

    it('uses the signals the configuration asks for', () => {
      expect(a.signals.kind).toBe(medium);
      expect(b.signals.kind).toBe(medium);
    });

    // Hashing the new password on A takes about as long as B's caches trust an entry, so this one alone would also
    // pass by expiry; the robot and sysadmin checks below go through the same account signal and would not.
    it('a password changed on A revokes the user’s tokens on B', async () => {
      const user = await createUser(a.app, `pw${medium}`);
      const issued = await token(b, 'repository:open/app:pull', user.credentials);
      expect((await tags(b, 'open/app', issued)).statusCode).toBe(404);
      const res = await api(a.app, 'PUT', `/users/${user.id}/password`, ADMIN, { new_password: 'An0ther-Password' });
      expect(res.statusCode, res.body).toBe(200);
      await measured(
        'password changed',
        Date.now(),
        async () => (await tags(b, 'open/app', issued)).statusCode === 401,
      );
    });

    it('a robot disabled on A is refused on B', async () => {
      const created = await api(a.app, 'POST', '/robots', ADMIN, {
        name: `r${medium}`,
        level: 'system',
        duration: -1,
        permissions: [{ kind: 'project', namespace: 'closed', access: [{ resource: 'repository', action: 'pull' }] }],
      });
      expect(created.statusCode, created.body).toBe(201);
      const robot = created.json<{ id: number; name: string; secret: string }>();
      const issued = await token(b, 'repository:closed/app:pull', { username: robot.name, password: robot.secret });
      expect((await tags(b, 'closed/app', issued)).statusCode).toBe(404);
      const res = await api(a.app, 'PUT', `/robots/${robot.id}`, ADMIN, { disable: true });
      expect(res.statusCode, res.body).toBe(200);
      await measured(
        'robot disabled',
        Date.now(),
        async () => (await tags(b, 'closed/app', issued)).statusCode === 401,
      );
    });

    it('a sysadmin demoted on A loses a private project’s pull on B', async () => {
      const user = await createUser(a.app, `sys${medium}`);
      expect((await api(a.app, 'PUT', `/users/${user.id}/sysadmin`, ADMIN, { sysadmin_flag: true })).statusCode).toBe(
        200,
      );
      const issued = await token(b, 'repository:closed/app:pull', user.credentials);
      expect((await tags(b, 'closed/app', issued)).statusCode).toBe(404);
      const res = await api(a.app, 'PUT', `/users/${user.id}/sysadmin`, ADMIN, { sysadmin_flag: false });
      expect(res.statusCode, res.body).toBe(200);
      await measured(
        'sysadmin demoted',
        Date.now(),
        async () => (await tags(b, 'closed/app', issued)).statusCode === 401,
      );
    });

    it('a project made private on A refuses anonymous pulls on B', async () => {
      const created = await api(a.app, 'POST', '/projects', ADMIN, {
        project_name: `vis${medium}`,
        metadata: { public: 'true' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const issued = await token(b, `repository:vis${medium}/app:pull`);
      expect((await tags(b, `vis${medium}/app`, issued)).statusCode).toBe(404);
      const res = await api(a.app, 'PUT', `/projects/vis${medium}/metadatas/public`, ADMIN, { public: 'false' });
      expect(res.statusCode, res.body).toBe(200);
      await measured(
        'project made private',
        Date.now(),
        async () => (await tags(b, `vis${medium}/app`, issued)).statusCode === 401,
      );
    });

    it('read-only mode set on A refuses pushes on B; unset, B accepts them again', async () => {
      const upload = () =>
        b.app.inject({
          method: 'POST',
          url: '/v2/open/app/blobs/uploads/',
          headers: { authorization: basic(ADMIN) },
        });
      expect((await upload()).statusCode).toBe(202);
      const on = await api(a.app, 'PUT', '/configurations', ADMIN, { read_only: true });
      expect(on.statusCode, on.body).toBe(200);
      await measured('read-only set', Date.now(), async () => (await upload()).statusCode === 403);
      const off = await api(a.app, 'PUT', '/configurations', ADMIN, { read_only: false });
      expect(off.statusCode, off.body).toBe(200);
      await measured('read-only unset', Date.now(), async () => (await upload()).statusCode === 202);
    });

    it('a session logged out on A is refused on B', async () => {
      const user = await createUser(a.app, `ses${medium}`);
      const session = await login(b.app, user.credentials);
      expect((await sessionApi(b.app, 'GET', '/users/current', session)).statusCode).toBe(200);
      const out = await a.app.inject({ method: 'GET', url: '/c/log_out', headers: { cookie: `sid=${session.sid}` } });
      expect(out.statusCode).toBe(200);
      // Sessions are read from the database on every request: nothing to wait for.
      expect((await sessionApi(b.app, 'GET', '/users/current', session)).statusCode).toBe(401);
    });

    it('a password changed on A ends the user’s sessions on B', async () => {
      const user = await createUser(a.app, `sespw${medium}`);
      const session = await login(b.app, user.credentials);
      expect((await sessionApi(b.app, 'GET', '/users/current', session)).statusCode).toBe(200);
      const res = await api(a.app, 'PUT', `/users/${user.id}/password`, ADMIN, { new_password: 'An0ther-Password' });
      expect(res.statusCode, res.body).toBe(200);
      expect((await sessionApi(b.app, 'GET', '/users/current', session)).statusCode).toBe(401);
    });
  });
}
