import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import { ADMIN, api, createUser, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const registry = useTestRegistry();

interface QuotaBody {
  id: number;
  ref: { id: number; name: string; owner_name?: string };
  hard: { storage: number };
  used: { storage: number };
  creation_time: string;
  update_time: string;
}

async function quotaIdOf(project: string): Promise<number> {
  const id = (await registry.wharf.store.projects.getByName(project))!.id;
  return (await registry.wharf.store.quotas.ofProject(id))!.id;
}

describe('storage_limit and storage_per_project', () => {
  it('gives a project the limit a system administrator asks for, otherwise the configured default', async () => {
    expect(
      (await api(registry.app, 'POST', '/projects', ADMIN, { project_name: 'sized', storage_limit: 4096 })).statusCode,
    ).toBe(201);
    const sized = await api(registry.app, 'GET', `/quotas/${await quotaIdOf('sized')}`, ADMIN);
    expect(sized.json<QuotaBody>()).toMatchObject({
      ref: { name: 'sized', owner_name: 'admin' },
      hard: { storage: 4096 },
      used: { storage: 0 },
    });
    // The default for new projects, readable and settable as Harbor's configuration key.
    const config = await api(registry.app, 'GET', '/configurations', ADMIN);
    expect(config.json<Record<string, unknown>>().storage_per_project).toEqual({ value: -1, editable: true });
    expect((await api(registry.app, 'PUT', '/configurations', ADMIN, { storage_per_project: 10_240 })).statusCode).toBe(
      200,
    );
    expect((await api(registry.app, 'POST', '/projects', ADMIN, { project_name: 'defaulted' })).statusCode).toBe(201);
    expect(
      (await registry.wharf.store.quotas.ofProject((await registry.wharf.store.projects.getByName('defaulted'))!.id))
        ?.hard,
    ).toBe(10_240);
    // A user who is no administrator cannot choose the limit: the default applies (as Harbor).
    const { credentials } = await createUser(registry.app, 'creator');
    expect(
      (await api(registry.app, 'POST', '/projects', credentials, { project_name: 'mine', storage_limit: -1 }))
        .statusCode,
    ).toBe(201);
    expect(
      (await registry.wharf.store.quotas.ofProject((await registry.wharf.store.projects.getByName('mine'))!.id))?.hard,
    ).toBe(10_240);
    for (const bad of [0, -2, 1.5, 'big']) {
      expectHarborError(
        await api(registry.app, 'PUT', '/configurations', ADMIN, { storage_per_project: bad }),
        400,
        'BAD_REQUEST',
      );
      const res = await api(registry.app, 'POST', '/projects', ADMIN, { project_name: 'never', storage_limit: bad });
      expect(expectHarborError(res, 400, 'BAD_REQUEST')).toContain('storage_limit');
    }
    expect((await api(registry.app, 'PUT', '/configurations', ADMIN, { storage_per_project: -1 })).statusCode).toBe(
      200,
    );
  });

  it('removes the quota with its project', async () => {
    expect((await api(registry.app, 'POST', '/projects', ADMIN, { project_name: 'brief' })).statusCode).toBe(201);
    const id = await quotaIdOf('brief');
    expect((await api(registry.app, 'DELETE', '/projects/brief', ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'GET', `/quotas/${id}`, ADMIN), 404, 'NOT_FOUND');
  });
});

describe('GET /quotas, GET and PUT /quotas/{id}', () => {
  it('lists quotas with reference filters, sort and paging headers', async () => {
    for (const [name, limit] of [
      ['qlist-a', 3000],
      ['qlist-b', 100_000],
      ['qlist-c', 2000],
    ] as const) {
      expect(
        (await api(registry.app, 'POST', '/projects', ADMIN, { project_name: name, storage_limit: limit })).statusCode,
      ).toBe(201);
    }
    const image = await pushImage(registry.app, 'qlist-b/app', 'v1');
    const all = await api(registry.app, 'GET', '/quotas?page_size=100&sort=-hard.storage', ADMIN);
    expect(all.statusCode).toBe(200);
    const items = all.json<QuotaBody[]>();
    expect(Number(all.headers['x-total-count'])).toBe(items.length);
    const hards = items.map((q) => q.hard.storage);
    expect(hards).toEqual([...hards].sort((a, b) => b - a));
    // library has its quota from the migration, unlimited.
    expect(items.find((q) => q.ref.name === 'library')).toMatchObject({ hard: { storage: -1 } });
    const paged = await api(registry.app, 'GET', '/quotas?page=1&page_size=1&sort=used.storage', ADMIN);
    expect(paged.json<QuotaBody[]>()).toHaveLength(1);
    expect(paged.headers.link).toContain('rel="next"');
    const b = (await registry.wharf.store.projects.getByName('qlist-b'))!.id;
    const one = await api(registry.app, 'GET', `/quotas?reference=project&reference_id=${b}`, ADMIN);
    expect(one.json<QuotaBody[]>().map((q) => [q.ref.id, q.used.storage])).toEqual([[b, image.totalSize]]);
    expect((await api(registry.app, 'GET', '/quotas?reference=user', ADMIN)).json()).toEqual([]);
    expect((await api(registry.app, 'GET', '/quotas?reference_id=x', ADMIN)).json()).toEqual([]);
    expectHarborError(await api(registry.app, 'GET', '/quotas?sort=name', ADMIN), 400, 'BAD_REQUEST');
  });

  it('changes the hard limit; refuses what Harbor refuses', async () => {
    expect((await api(registry.app, 'POST', '/projects', ADMIN, { project_name: 'qput' })).statusCode).toBe(201);
    const id = await quotaIdOf('qput');
    expect((await api(registry.app, 'PUT', `/quotas/${id}`, ADMIN, { hard: { storage: 123_456 } })).statusCode).toBe(
      200,
    );
    const after = (await api(registry.app, 'GET', `/quotas/${id}`, ADMIN)).json<QuotaBody>();
    expect(after.hard.storage).toBe(123_456);
    const summary = await api(registry.app, 'GET', '/projects/qput/summary', ADMIN);
    expect(summary.json<{ quota: unknown }>().quota).toEqual({ hard: { storage: 123_456 }, used: { storage: 0 } });
    const cases: [unknown, string][] = [
      [{}, 'hard required in body'],
      [{ hard: {} }, 'hard required in body'],
      [{ hard: { count: 3 } }, 'resource count not support'],
      [{ hard: { storage: 0 } }, 'invalid value for resource storage'],
      [{ hard: { storage: -5 } }, 'invalid value for resource storage'],
      [{ hard: { storage: '1' } }, 'invalid value for resource storage'],
    ];
    for (const [body, message] of cases) {
      const res = await api(registry.app, 'PUT', `/quotas/${id}`, ADMIN, body);
      expect(expectHarborError(res, 400, 'BAD_REQUEST'), JSON.stringify(body)).toContain(message);
    }
    expectHarborError(
      await api(registry.app, 'PUT', '/quotas/999999', ADMIN, { hard: { storage: 1 } }),
      404,
      'NOT_FOUND',
    );
    expectHarborError(await api(registry.app, 'GET', '/quotas/999999', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/quotas/abc', ADMIN), 400, 'BAD_REQUEST');
  });
});

/**
 * Who may use /quotas (Harbor: the system resource `quota`, so system administrators only; project members read
 * their project's quota in its summary): anonymous callers 401, everyone else but administrators 403.
 */
type Caller = 'anonymous' | 'outsider' | ProjectRole | 'robot' | 'sysadmin';
const CALLERS: readonly Caller[] = ['anonymous', 'outsider', ...PROJECT_ROLES, 'robot', 'sysadmin'];

describe('authorisation of the quota endpoints', () => {
  let fixture: ProjectWithMembers;
  const callers = {} as Record<Caller, Credentials | undefined>;
  let quotaId = 0;
  beforeAll(async () => {
    fixture = await createProjectWithMembers(registry.wharf, 'qauth', { public: true });
    quotaId = await quotaIdOf('qauth');
    callers.anonymous = undefined;
    callers.outsider = await createUserDirect(registry.wharf, 'qauth-outsider');
    for (const role of PROJECT_ROLES) callers[role] = fixture.members[role];
    callers.robot = await createRobotDirect(
      registry.wharf,
      'quota-reader',
      [{ resource: 'repository', action: 'pull' }],
      fixture.project,
    );
    callers.sysadmin = await createUserDirect(registry.wharf, 'qauth-admin', true);
  });

  const denied = (c: Caller) => (c === 'anonymous' ? 401 : 403);
  const rows = [
    { label: 'GET /quotas', method: 'GET', path: () => '/quotas', ok: 200 },
    { label: 'GET /quotas/{id}', method: 'GET', path: () => `/quotas/${quotaId}`, ok: 200 },
    {
      label: 'PUT /quotas/{id}',
      method: 'PUT',
      path: () => `/quotas/${quotaId}`,
      ok: 200,
      body: { hard: { storage: -1 } },
    },
  ] as const;
  for (const row of rows) {
    it(`${row.label}: system administrators only`, async () => {
      const seen: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const caller of CALLERS) {
        const res = await api(
          registry.app,
          row.method,
          row.path(),
          callers[caller],
          'body' in row ? row.body : undefined,
        );
        seen[caller] = res.statusCode;
        expected[caller] = caller === 'sysadmin' ? row.ok : denied(caller);
      }
      expect(seen).toEqual(expected);
    });
  }

  it('the project summary shows the quota to every member and administrators, not to others', async () => {
    const seen: Record<string, boolean> = {};
    for (const caller of CALLERS) {
      const res = await api(registry.app, 'GET', '/projects/qauth/summary', callers[caller]);
      expect(res.statusCode, caller).toBe(200);
      seen[caller] = 'quota' in res.json<object>();
    }
    expect(seen).toEqual({
      anonymous: false,
      outsider: false,
      projectAdmin: true,
      maintainer: true,
      developer: true,
      guest: true,
      limitedGuest: true,
      robot: false,
      sysadmin: true,
    });
  });
});
