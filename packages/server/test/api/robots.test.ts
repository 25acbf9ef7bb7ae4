import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPassword } from '../../src/domain/users/password-policy.js';
import type { ProjectRecord } from '../../src/ports/identity-store.js';
import { ADMIN, api, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, type ProjectWithMembers } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const registry = useTestRegistry();

interface Created {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

const pull = { resource: 'repository', action: 'pull' };
const push = { resource: 'repository', action: 'push' };

function projectRobot(name: string, project: string, access: object[] = [pull], extra: object = {}) {
  return {
    name,
    level: 'project',
    duration: 30,
    permissions: [{ kind: 'project', namespace: project, access }],
    ...extra,
  };
}

async function create(as: Credentials, body: object): Promise<Created> {
  const res = await api(registry.app, 'POST', '/robots', as, body);
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json<Created>();
  expect(res.headers.location).toBe(`/api/v2.0/robots/${created.id}`);
  return created;
}

/** Whether `robot` can authenticate: its permission list comes back only when its credentials verify. */
async function loginStatus(credentials: Credentials): Promise<number> {
  return (await api(registry.app, 'GET', '/users/current/permissions?scope=/system', credentials)).statusCode;
}

const credentialsOf = (robot: { name: string; secret: string }): Credentials => ({
  username: robot.name,
  password: robot.secret,
});

let team: ProjectWithMembers;
let other: ProjectRecord;
beforeAll(async () => {
  team = await createProjectWithMembers(registry.wharf, 'team', { public: false });
  other = await registry.wharf.store.projects.create({ name: 'other', public: false });
});

describe('POST /robots', () => {
  it('creates a project robot whose secret is shown once, meets the password policy and works at once', async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = await create(ADMIN, projectRobot('ci', 'team', [pull, push], { description: 'CI' }));
    expect(created.name).toBe('robot$team+ci');
    expect(checkPassword(created.secret).ok).toBe(true);
    expect(Date.parse(created.creation_time)).not.toBeNaN();
    expect(created.expires_at).toBeGreaterThanOrEqual(before + 30 * 86400);
    expect(created.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 30 * 86400);
    expect(await loginStatus(credentialsOf(created))).toBe(200);

    const res = await api(registry.app, 'GET', `/robots/${created.id}`, ADMIN);
    expect(res.statusCode).toBe(200);
    const robot = res.json<Record<string, unknown>>();
    expect(robot).toEqual({
      id: created.id,
      name: 'robot$team+ci',
      description: 'CI',
      level: 'project',
      duration: 30,
      editable: true,
      disable: false,
      expires_at: created.expires_at,
      permissions: [{ kind: 'project', namespace: 'team', access: [pull, push] }],
      creator_type: 'local',
      creation_time: created.creation_time,
      update_time: expect.any(String) as string,
    });
    expect(res.body).not.toContain(created.secret);
    expect(res.body).not.toMatch(/scrypt|secret/);
    const stored = await registry.wharf.store.robots.get(created.id);
    expect(stored?.secretHash).toMatch(/^scrypt\$/);
    expect(stored?.secretHash).not.toContain(created.secret);
  });

  it('creates a system robot that never expires, with system and all-project permissions', async () => {
    const created = await create(ADMIN, {
      name: 'ops',
      level: 'system',
      duration: -1,
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] },
        { kind: 'project', namespace: '*', access: [pull] },
        { kind: 'project', namespace: 'other', access: [push] },
      ],
    });
    expect(created).toMatchObject({ name: 'robot$ops', expires_at: -1 });
    const robot = (await api(registry.app, 'GET', `/robots/${created.id}`, ADMIN)).json<Record<string, unknown>>();
    expect(robot).toMatchObject({ level: 'system', duration: -1, expires_at: -1 });
    const permissions = await api(
      registry.app,
      'GET',
      `/users/current/permissions?scope=/project/${other.id}&relative=true`,
      credentialsOf(created),
    );
    expect(permissions.json()).toEqual([
      { resource: 'repository', action: 'pull' },
      { resource: 'repository', action: 'push' },
    ]);
  });

  it('takes a chosen secret that meets the policy', async () => {
    const created = await create(ADMIN, projectRobot('chosen', 'team', [pull], { secret: 'Chosen-Secret1' }));
    expect(created.secret).toBe('Chosen-Secret1');
    expect(await loginStatus({ username: 'robot$team+chosen', password: 'Chosen-Secret1' })).toBe(200);
  });

  it('refuses a taken name with 409', async () => {
    await create(ADMIN, projectRobot('twice', 'team'));
    expectHarborError(
      await api(registry.app, 'POST', '/robots', ADMIN, projectRobot('twice', 'team')),
      409,
      'CONFLICT',
    );
    // The same short name in another project is another robot.
    await create(ADMIN, projectRobot('twice', 'other'));
  });

  it('answers 404 for a project that does not exist', async () => {
    expectHarborError(
      await api(registry.app, 'POST', '/robots', ADMIN, projectRobot('x', 'nowhere')),
      404,
      'NOT_FOUND',
    );
    const system = {
      name: 'lost',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'nowhere', access: [pull] }],
    };
    expectHarborError(await api(registry.app, 'POST', '/robots', ADMIN, system), 404, 'NOT_FOUND');
  });

  const invalid: [string, object][] = [
    ['upper-case name', projectRobot('CI', 'team')],
    ['name with +', projectRobot('a+b', 'team')],
    ['name with $', projectRobot('a$b', 'team')],
    ['doubled separator', projectRobot('a--b', 'team')],
    ['missing name', { ...projectRobot('x', 'team'), name: undefined }],
    ['unknown level', projectRobot('x', 'team', [pull], { level: 'global' })],
    ['duration 0', projectRobot('x', 'team', [pull], { duration: 0 })],
    ['duration -2', projectRobot('x', 'team', [pull], { duration: -2 })],
    ['fractional duration', projectRobot('x', 'team', [pull], { duration: 1.5 })],
    ['duration as text', projectRobot('x', 'team', [pull], { duration: '30' })],
    ['missing duration', { ...projectRobot('x', 'team'), duration: undefined }],
    ['no permissions', projectRobot('x', 'team', [pull], { permissions: [] })],
    ['no access', projectRobot('x', 'team', [])],
    ['a resource that does not exist', projectRobot('x', 'team', [{ resource: 'galaxy', action: 'read' }])],
    ['a pair robots cannot hold', projectRobot('x', 'team', [{ resource: 'repository', action: 'create' }])],
    ['a wildcard', projectRobot('x', 'team', [{ resource: '*', action: '*' }])],
    ['an unknown effect', projectRobot('x', 'team', [{ ...pull, effect: 'maybe' }])],
    ['a weak chosen secret', projectRobot('x', 'team', [pull], { secret: 'weak' })],
    ['a long description', projectRobot('x', 'team', [pull], { description: 'd'.repeat(1025) })],
    [
      'two blocks on a project robot',
      projectRobot('x', 'team', [pull], {
        permissions: [
          { kind: 'project', namespace: 'team', access: [pull] },
          { kind: 'project', namespace: 'other', access: [pull] },
        ],
      }),
    ],
    [
      'a system block on a project robot',
      projectRobot('x', 'team', [pull], {
        permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] }],
      }),
    ],
    [
      'every project on a project robot',
      projectRobot('x', 'team', [pull], { permissions: [{ kind: 'project', namespace: '*', access: [pull] }] }),
    ],
    [
      'a project pair at system scope',
      {
        name: 'x',
        level: 'system',
        duration: -1,
        permissions: [{ kind: 'system', namespace: '/', access: [pull] }],
      },
    ],
    [
      'a system block with a namespace',
      {
        name: 'x',
        level: 'system',
        duration: -1,
        permissions: [{ kind: 'system', namespace: 'team', access: [{ resource: 'project', action: 'create' }] }],
      },
    ],
    [
      'an unknown permission kind',
      projectRobot('x', 'team', [pull], { permissions: [{ kind: 'repo', access: [pull] }] }),
    ],
  ];
  it.each(invalid)('refuses %s with 400', async (_label, body) => {
    expectHarborError(await api(registry.app, 'POST', '/robots', ADMIN, body), 400, 'BAD_REQUEST');
  });

  it('refuses a body that is not an object, and a full name longer than 255 characters', async () => {
    expectHarborError(await api(registry.app, 'POST', '/robots', ADMIN, [1]), 400, 'BAD_REQUEST');
    const long = projectRobot('n'.repeat(260), 'team');
    expect(expectHarborError(await api(registry.app, 'POST', '/robots', ADMIN, long), 400, 'BAD_REQUEST')).toContain(
      '255',
    );
  });
});

describe('who may create which robot', () => {
  it('lets a project admin create robots in their project only, and never system robots', async () => {
    const admin = team.members.projectAdmin;
    await create(admin, projectRobot('by-admin', 'team', [pull, push]));
    expectHarborError(await api(registry.app, 'POST', '/robots', admin, projectRobot('y', 'other')), 403, 'FORBIDDEN');
    const system = {
      name: 'y',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: '*', access: [pull] }],
    };
    expectHarborError(await api(registry.app, 'POST', '/robots', admin, system), 403, 'FORBIDDEN');
    expectHarborError(
      await api(registry.app, 'POST', '/robots', team.members.maintainer, projectRobot('z', 'team')),
      403,
      'FORBIDDEN',
    );
    expectHarborError(
      await api(registry.app, 'POST', '/robots', undefined, projectRobot('z', 'team')),
      401,
      'UNAUTHORIZED',
    );
  });

  it('lets a robot create robots with no more than it holds', async () => {
    const maker = await createRobotDirect(
      registry.wharf,
      'maker',
      [{ resource: 'robot', action: 'create' }, pull],
      team.project,
    );
    const child = await create(maker, projectRobot('child', 'team', [pull]));
    expect(await loginStatus(credentialsOf(child))).toBe(200);
    const robot = (await api(registry.app, 'GET', `/robots/${child.id}`, ADMIN)).json<{ creator_type: string }>();
    expect(robot.creator_type).toBe('robot');
    const message = expectHarborError(
      await api(registry.app, 'POST', '/robots', maker, projectRobot('greedy', 'team', [pull, push])),
      403,
      'FORBIDDEN',
    );
    expect(message).toContain('repository:push');
    expectHarborError(
      await api(
        registry.app,
        'POST',
        '/robots',
        maker,
        projectRobot('spawner', 'team', [{ resource: 'robot', action: 'delete' }]),
      ),
      403,
      'FORBIDDEN',
    );
    // Denials grant nothing, so passing them on is no escalation.
    await create(maker, projectRobot('denied', 'team', [pull, { ...push, effect: 'deny' }]));
  });

  it('lets a system robot with robot creation create system robots within its own permissions', async () => {
    const creator = await create(ADMIN, {
      name: 'creator',
      level: 'system',
      duration: -1,
      permissions: [
        { kind: 'system', namespace: '/', access: [{ resource: 'robot', action: 'create' }] },
        { kind: 'project', namespace: '*', access: [pull] },
      ],
    });
    const as = credentialsOf(creator);
    const everywhere = { kind: 'project', namespace: '*', access: [pull] };
    await create(as, { name: 'puller', level: 'system', duration: 7, permissions: [everywhere] });
    // Project robots are created under the project's own `robot` resource, which this one does not hold.
    expectHarborError(
      await api(registry.app, 'POST', '/robots', as, projectRobot('scoped', 'other')),
      403,
      'FORBIDDEN',
    );
    const greedy = { name: 'greedy', level: 'system', duration: 7, permissions: [{ ...everywhere, access: [push] }] };
    expectHarborError(await api(registry.app, 'POST', '/robots', as, greedy), 403, 'FORBIDDEN');
    const admin = {
      name: 'admin-maker',
      level: 'system',
      duration: 7,
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'user', action: 'create' }] }],
    };
    expectHarborError(await api(registry.app, 'POST', '/robots', as, admin), 403, 'FORBIDDEN');
  });
});

describe('GET /robots', () => {
  it('lists system robots by default and a project robots with q, paged, filtered and sorted', async () => {
    const project = await registry.wharf.store.projects.create({ name: 'listed', public: false });
    for (const name of ['b', 'a', 'c']) await create(ADMIN, projectRobot(name, 'listed'));
    const q = encodeURIComponent(`Level=project,ProjectID=${project.id}`);
    const page = await api(registry.app, 'GET', `/robots?q=${q}&page=1&page_size=2`, ADMIN);
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.headers.link).toContain('rel="next"');
    expect(page.json<{ name: string }[]>().map((r) => r.name)).toEqual(['robot$listed+a', 'robot$listed+b']);
    const sorted = await api(registry.app, 'GET', `/robots?q=${q}&sort=-name`, ADMIN);
    expect(sorted.json<{ name: string }[]>().map((r) => r.name)).toEqual([
      'robot$listed+c',
      'robot$listed+b',
      'robot$listed+a',
    ]);
    const fuzzy = await api(registry.app, 'GET', `/robots?q=${q}${encodeURIComponent(',name=~+B')}`, ADMIN);
    expect(fuzzy.json<{ name: string }[]>().map((r) => r.name)).toEqual(['robot$listed+b']);
    const exact = await api(registry.app, 'GET', `/robots?q=${q}${encodeURIComponent(',name=listed+c')}`, ADMIN);
    expect(exact.json<{ name: string }[]>().map((r) => r.name)).toEqual(['robot$listed+c']);
    const lower = await api(
      registry.app,
      'GET',
      `/robots?q=${encodeURIComponent(`level=project,project_id=${project.id}`)}`,
      ADMIN,
    );
    expect(lower.headers['x-total-count']).toBe('3');
    const system = await api(registry.app, 'GET', '/robots?page_size=100', ADMIN);
    const levels = new Set(system.json<{ level: string }[]>().map((r) => r.level));
    expect([...levels]).toEqual(['system']);
    expect(system.body).not.toMatch(/"secret"/);
  });

  it('lets members with robot list permission list their project robots', async () => {
    const q = encodeURIComponent(`Level=project,ProjectID=${team.project.id}`);
    expect((await api(registry.app, 'GET', `/robots?q=${q}`, team.members.guest)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'GET', `/robots?q=${q}`, team.members.limitedGuest), 403, 'FORBIDDEN');
    expectHarborError(await api(registry.app, 'GET', '/robots', team.members.projectAdmin), 403, 'FORBIDDEN');
    expectHarborError(await api(registry.app, 'GET', '/robots', undefined), 401, 'UNAUTHORIZED');
  });

  const bad: [string, string, number][] = [
    ['a level that does not exist', 'q=Level=global', 400],
    ['project robots without a project', 'q=Level=project', 400],
    ['a project id that is not a number', 'q=Level=project,ProjectID=x', 400],
    ['an unknown key', 'q=owner=me', 400],
    ['a fuzzy level', 'q=Level=~proj', 400],
    ['an unknown sort key', 'sort=secret', 400],
    ['a project that does not exist', 'q=Level=project,ProjectID=999999', 404],
  ];
  it.each(bad)('refuses %s', async (_label, query, status) => {
    const [key, value] = query.split(/=(.*)/s) as [string, string];
    const res = await api(registry.app, 'GET', `/robots?${key}=${encodeURIComponent(value)}`, ADMIN);
    expectHarborError(res, status, status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND');
  });
});

describe('one robot: GET, PUT, PATCH, DELETE', () => {
  it('answers 400 for an id that is not a number and 404 for one that does not exist', async () => {
    expectHarborError(await api(registry.app, 'GET', '/robots/abc', ADMIN), 400, 'BAD_REQUEST');
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await api(
        registry.app,
        method,
        '/robots/999999',
        ADMIN,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      );
      expectHarborError(res, 404, 'NOT_FOUND');
    }
  });

  it('refreshes the secret: the old one stops working, a generated one is returned, a chosen one is not', async () => {
    const created = await create(ADMIN, projectRobot('rotating', 'team'));
    const old = credentialsOf(created);
    expect(await loginStatus(old)).toBe(200);
    const refreshed = await api(registry.app, 'PATCH', `/robots/${created.id}`, ADMIN, {});
    expect(refreshed.statusCode).toBe(200);
    const { secret } = refreshed.json<{ secret: string }>();
    expect(checkPassword(secret).ok).toBe(true);
    expect(secret).not.toBe(created.secret);
    expect(await loginStatus(old)).toBe(401);
    expect(await loginStatus({ ...old, password: secret })).toBe(200);

    const chosen = await api(registry.app, 'PATCH', `/robots/${created.id}`, ADMIN, { secret: 'Mine-Secret-2' });
    expect(chosen.statusCode).toBe(200);
    expect(chosen.json()).toEqual({});
    expect(await loginStatus({ ...old, password: secret })).toBe(401);
    expect(await loginStatus({ ...old, password: 'Mine-Secret-2' })).toBe(200);
    const weak = await api(registry.app, 'PATCH', `/robots/${created.id}`, ADMIN, { secret: 'short' });
    expect(expectHarborError(weak, 400, 'BAD_REQUEST')).toContain('the secret must');
    const noBody = await registry.app.inject({
      method: 'PATCH',
      url: `/api/v2.0/robots/${created.id}`,
      headers: { authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}` },
    });
    expect(noBody.statusCode).toBe(200);
    expect(noBody.json<{ secret: string }>().secret).toEqual(expect.any(String));
  });

  it('disables and enables a robot; a disabled robot cannot log in', async () => {
    const created = await create(ADMIN, projectRobot('switch', 'team'));
    const update = (body: object) => api(registry.app, 'PUT', `/robots/${created.id}`, ADMIN, body);
    expect((await update({ disable: true })).statusCode).toBe(200);
    expect(await loginStatus(credentialsOf(created))).toBe(401);
    expect((await api(registry.app, 'GET', `/robots/${created.id}`, ADMIN)).json()).toMatchObject({ disable: true });
    expect((await update({ disable: false })).statusCode).toBe(200);
    expect(await loginStatus(credentialsOf(created))).toBe(200);
  });

  it('updates description, duration (expiry counts from creation) and permissions; name and level stay', async () => {
    const created = await create(ADMIN, projectRobot('changing', 'team'));
    const url = `/robots/${created.id}`;
    const createdAt = Math.floor(Date.parse(created.creation_time) / 1000);
    const full = (await api(registry.app, 'GET', url, ADMIN)).json<Record<string, unknown>>();
    // A client writing back what it read, with changes, as Harbor's portal does.
    const put = await api(registry.app, 'PUT', url, ADMIN, {
      ...full,
      description: 'now with push',
      duration: 2,
      permissions: [{ kind: 'project', namespace: 'team', access: [pull, push] }],
    });
    expect(put.statusCode, put.body).toBe(200);
    const robot = (await api(registry.app, 'GET', url, ADMIN)).json<Record<string, unknown>>();
    expect(robot).toMatchObject({
      name: 'robot$team+changing',
      description: 'now with push',
      duration: 2,
      permissions: [{ kind: 'project', namespace: 'team', access: [pull, push] }],
    });
    expect(Math.abs((robot.expires_at as number) - (createdAt + 2 * 86400))).toBeLessThanOrEqual(1);
    expect((await api(registry.app, 'PUT', url, ADMIN, { duration: -1 })).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', url, ADMIN)).json()).toMatchObject({ duration: -1, expires_at: -1 });

    const refused: [object, string][] = [
      [{ name: 'robot$team+renamed' }, 'name'],
      [{ level: 'system' }, 'level'],
      [{ duration: 0 }, 'duration'],
      [{ disable: 'yes' }, 'disable'],
      [{ permissions: [{ kind: 'project', namespace: 'other', access: [pull] }] }, 'project'],
      [{ permissions: [] }, 'permission'],
    ];
    for (const [body, word] of refused) {
      const res = await api(registry.app, 'PUT', url, ADMIN, body);
      expect(expectHarborError(res, 400, 'BAD_REQUEST')).toContain(word);
    }
    expect((await api(registry.app, 'PUT', url, ADMIN, { name: 'team+changing', level: 'project' })).statusCode).toBe(
      200,
    );
  });

  it('stops an expired robot', async () => {
    const created = await create(ADMIN, projectRobot('short-lived', 'team', [pull], { duration: 1 }));
    expect(await loginStatus(credentialsOf(created))).toBe(200);
    await registry.wharf.store.robots.update(created.id, { expiresAt: new Date(Date.now() - 1000) });
    expect(await loginStatus(credentialsOf(created))).toBe(401);
  });

  it('deletes a robot, which then cannot log in', async () => {
    const created = await create(ADMIN, projectRobot('doomed', 'team'));
    expect((await api(registry.app, 'DELETE', `/robots/${created.id}`, team.members.projectAdmin)).statusCode).toBe(
      200,
    );
    expect(await loginStatus(credentialsOf(created))).toBe(401);
    expectHarborError(await api(registry.app, 'GET', `/robots/${created.id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'DELETE', `/robots/${created.id}`, ADMIN), 404, 'NOT_FOUND');
  });

  it('never lets a robot take control of or widen a robot beyond its own permissions', async () => {
    const manager = await createRobotDirect(
      registry.wharf,
      'manager',
      [{ resource: 'robot', action: 'update' }, { resource: 'robot', action: 'read' }, pull],
      team.project,
    );
    const weaker = await create(ADMIN, projectRobot('weaker', 'team', [pull]));
    const stronger = await create(ADMIN, projectRobot('stronger', 'team', [pull, push]));
    expect((await api(registry.app, 'PATCH', `/robots/${weaker.id}`, manager, {})).statusCode).toBe(200);
    expect((await api(registry.app, 'PUT', `/robots/${weaker.id}`, manager, { description: 'ok' })).statusCode).toBe(
      200,
    );
    const widen = { permissions: [{ kind: 'project', namespace: 'team', access: [pull, push] }] };
    expectHarborError(await api(registry.app, 'PUT', `/robots/${weaker.id}`, manager, widen), 403, 'FORBIDDEN');
    expectHarborError(await api(registry.app, 'PATCH', `/robots/${stronger.id}`, manager, {}), 403, 'FORBIDDEN');
    expectHarborError(
      await api(registry.app, 'PUT', `/robots/${stronger.id}`, manager, { disable: true }),
      403,
      'FORBIDDEN',
    );
    expect(await loginStatus(credentialsOf(stronger))).toBe(200);
  });

  it('keeps system robots to those who manage system robots', async () => {
    const created = await create(ADMIN, {
      name: 'sys-only',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'team', access: [pull] }],
    });
    const admin = team.members.projectAdmin;
    const responses: LightMyRequestResponse[] = [
      await api(registry.app, 'GET', `/robots/${created.id}`, admin),
      await api(registry.app, 'PUT', `/robots/${created.id}`, admin, { description: 'x' }),
      await api(registry.app, 'PATCH', `/robots/${created.id}`, admin, {}),
      await api(registry.app, 'DELETE', `/robots/${created.id}`, admin),
    ];
    for (const res of responses) expectHarborError(res, 403, 'FORBIDDEN');
    expect(await loginStatus(credentialsOf(created))).toBe(200);
  });
});

describe('robots on the endpoints for users', () => {
  it('get 403, not 401: they are authenticated, the endpoint is for users only', async () => {
    const robot = await createRobotDirect(registry.wharf, 'not-a-user', [pull], team.project);
    const admin = await registry.wharf.store.users.getByName('admin');
    const calls = [
      ['GET', '/users/current'],
      ['GET', '/users/search?username=adm'],
      ['GET', `/users/${admin!.id}`],
      ['PUT', `/users/${admin!.id}/password`],
    ] as const;
    for (const [method, path] of calls) {
      const body = method === 'PUT' ? { old_password: 'x', new_password: 'Another1pass' } : undefined;
      const res = await api(registry.app, method, path, robot, body);
      expect(expectHarborError(res, 403, 'FORBIDDEN'), `${method} ${path}`).toBe(
        'robot accounts cannot use this endpoint',
      );
    }
    expect((await api(registry.app, 'GET', '/users/current', undefined)).statusCode).toBe(401);
  });
});
