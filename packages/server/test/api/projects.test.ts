import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN, api, basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { ensureRepository } from '../../src/registry-core/repository-records.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const registry = useTestRegistry();

interface ProjectJson {
  project_id: number;
  owner_id?: number;
  name: string;
  owner_name?: string;
  creation_time: string;
  update_time: string;
  deleted: boolean;
  current_user_role_id: number;
  current_user_role_ids: number[];
  repo_count: number;
  metadata: Record<string, string>;
  cve_allowlist?: unknown;
}

function head(path: string, as?: Credentials): Promise<LightMyRequestResponse> {
  return registry.app.inject({
    method: 'HEAD',
    url: `/api/v2.0${path}`,
    headers: as ? { authorization: basic(as) } : {},
  });
}

async function create(as: Credentials, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return api(registry.app, 'POST', '/projects', as, body);
}

async function names(path: string, as?: Credentials): Promise<string[]> {
  const res = await api(registry.app, 'GET', path, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ProjectJson[]>().map((p) => p.name);
}

describe('POST /projects', () => {
  it('creates a project, answers 201 with its Location, and makes the creator its Project Admin', async () => {
    const alice = await createUserDirect(registry.wharf, 'alice');
    const res = await create(alice, { project_name: 'alpha', metadata: { public: 'false', auto_scan: 'true' } });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.body).toBe('');
    const id = Number(/^\/api\/v2\.0\/projects\/(\d+)$/.exec(res.headers.location as string)?.[1]);
    expect(id).toBeGreaterThan(0);
    const got = await api(registry.app, 'GET', `/projects/${id}`, alice);
    expect(got.statusCode).toBe(200);
    const project = got.json<ProjectJson>();
    const aliceId = (await registry.wharf.store.users.getByName('alice'))?.id;
    expect(project).toEqual({
      project_id: id,
      owner_id: aliceId,
      name: 'alpha',
      owner_name: 'alice',
      creation_time: expect.any(String) as string,
      update_time: expect.any(String) as string,
      deleted: false,
      current_user_role_id: 1,
      current_user_role_ids: [1],
      repo_count: 0,
      metadata: { public: 'false', auto_scan: 'true' },
      cve_allowlist: { project_id: id, items: [] },
    });
    expect(Date.parse(project.creation_time)).not.toBeNaN();
    const members = await api(registry.app, 'GET', '/projects/alpha/members', alice);
    expect(members.json()).toEqual([
      expect.objectContaining({ entity_name: 'alice', role_id: 1, role_name: 'Project Admin', entity_type: 'u' }),
    ]);
  });

  it('puts the name into Location when asked, and takes the deprecated top-level public flag', async () => {
    const res = await registry.app.inject({
      method: 'POST',
      url: '/api/v2.0/projects',
      headers: { authorization: basic(ADMIN), 'x-resource-name-in-location': 'true' },
      payload: { project_name: 'by-name', public: true, storage_limit: -1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe('/api/v2.0/projects/by-name');
    expect((await registry.wharf.store.projects.getByName('by-name'))?.public).toBe(true);
    // metadata.public wins over the top-level flag.
    await create(ADMIN, { project_name: 'meta-wins', public: true, metadata: { public: 'false' } });
    expect((await registry.wharf.store.projects.getByName('meta-wins'))?.public).toBe(false);
  });

  it('normalises metadata values as Harbor does and ignores keys it does not keep', async () => {
    const res = await create(ADMIN, {
      project_name: 'normal',
      metadata: {
        public: 'TRUE',
        prevent_vul: '1',
        severity: 'High',
        enable_content_trust: 'f',
        reuse_sys_cve_allowlist: 'true',
        retention_id: '',
        proxy_speed_kb: '100',
        unknown_key: 'x',
        auto_sbom_generation: null,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const project = await registry.wharf.store.projects.getByName('normal');
    expect(project?.public).toBe(true);
    expect(project?.metadata).toEqual({
      prevent_vul: 'true',
      severity: 'high',
      enable_content_trust: 'false',
      reuse_sys_cve_allowlist: 'true',
    });
  });

  it('refuses invalid names, bodies and metadata with 400', async () => {
    const cases: [unknown, string][] = [
      [{}, 'project_name is required'],
      [{ project_name: '' }, 'project_name is required'],
      [{ project_name: 'Upper' }, 'lower-case'],
      [{ project_name: 'a..b' }, 'lower-case'],
      [{ project_name: '-a' }, 'lower-case'],
      [{ project_name: 'a-' }, 'lower-case'],
      [{ project_name: 'a/b' }, 'lower-case'],
      [{ project_name: 'x'.repeat(256) }, '1 to 255'],
      [{ project_name: 'ok1', registry_id: 3 }, 'proxy cache'],
      [{ project_name: 'ok1', storage_limit: -2 }, 'storage_limit'],
      [{ project_name: 'ok1', storage_limit: 'big' }, 'storage_limit'],
      [{ project_name: 'ok1', metadata: 'public' }, 'metadata must be an object'],
      [{ project_name: 'ok1', metadata: { public: 'yes' } }, 'metadata public must be "true" or "false"'],
      [{ project_name: 'ok1', metadata: { auto_scan: true } }, 'metadata auto_scan must be a string'],
      [{ project_name: 'ok1', metadata: { severity: 'unknown' } }, 'metadata severity must be one of'],
      [{ project_name: 'ok1', metadata: { retention_id: '7' } }, 'retention_id'],
      [{ project_name: 'ok1', public: 'true' }, 'public must be true or false'],
      [{ project_name: 'ok1', cve_allowlist: { items: [{ cve_id: 'CVE-1' }] } }, 'CVE allowlists'],
      [{ project_name: 'ok1', cve_allowlist: [] }, 'cve_allowlist must be an object'],
    ];
    for (const [body, message] of cases) {
      const res = await create(ADMIN, body as Record<string, unknown>);
      expect(expectHarborError(res, 400, 'BAD_REQUEST'), JSON.stringify(body)).toContain(message);
    }
    expectHarborError(await api(registry.app, 'POST', '/projects', ADMIN, [1]), 400, 'BAD_REQUEST');
    expect(await registry.wharf.store.projects.getByName('ok1')).toBeUndefined();
    const accepted = await create(ADMIN, { project_name: 'a1.b_c-d', cve_allowlist: { items: [] } });
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect((await create(ADMIN, { project_name: 'x'.repeat(255) })).statusCode).toBe(201);
  });

  it('answers 409 for a taken name, library included', async () => {
    expect((await create(ADMIN, { project_name: 'twice' })).statusCode).toBe(201);
    expectHarborError(await create(ADMIN, { project_name: 'twice' }), 409, 'CONFLICT');
    expectHarborError(await create(ADMIN, { project_name: 'library' }), 409, 'CONFLICT');
  });

  it('refuses anonymous callers with 401', async () => {
    expectHarborError(
      await api(registry.app, 'POST', '/projects', undefined, { project_name: 'anon' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('lets only administrators create projects while project_creation_restriction is adminonly', async () => {
    const bob = await createUserDirect(registry.wharf, 'bob');
    await registry.wharf.store.settings.set({ projectCreationRestriction: 'adminonly' });
    try {
      expect(expectHarborError(await create(bob, { project_name: 'bobs' }), 403, 'FORBIDDEN')).toContain(
        'only system administrators',
      );
      expect((await create(ADMIN, { project_name: 'admins' })).statusCode).toBe(201);
    } finally {
      await registry.wharf.store.settings.set({ projectCreationRestriction: 'everyone' });
    }
    expect((await create(bob, { project_name: 'bobs' })).statusCode).toBe(201);
  });

  it('lets a robot create projects only with the system permission, without making it a member', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'robo-home', { public: false });
    const plain = await createRobotDirect(registry.wharf, 'plain', [{ resource: '*', action: '*' }], project);
    expect(expectHarborError(await create(plain, { project_name: 'robo-a' }), 403, 'FORBIDDEN')).toContain(
      'system permission',
    );
    const name = 'robot$creator';
    const hash = (await registry.wharf.store.robots.getByName(plain.username))?.secretHash ?? '';
    await registry.wharf.store.robots.create({
      name,
      level: 'system',
      projectId: null,
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] }],
      secretHash: hash,
      durationDays: null,
      expiresAt: null,
    });
    const creator = { username: name, password: plain.password };
    expect((await create(creator, { project_name: 'robo-b' })).statusCode).toBe(201);
    const made = await registry.wharf.store.projects.getByName('robo-b');
    expect(made?.ownerId).toBeNull();
    expect((await registry.wharf.store.members.list(made?.id ?? 0, { page: 1, pageSize: 10 })).total).toBe(0);
  });
});

describe('HEAD /projects?project_name=', () => {
  it('answers 200 for a project the caller may read and hides private ones from outsiders', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'hidden', { public: false });
    const outsider = await createUserDirect(registry.wharf, 'head-outsider');
    expect((await head('/projects?project_name=library')).statusCode).toBe(200);
    expect((await head('/projects?project_name=hidden', members.limitedGuest)).statusCode).toBe(200);
    expect((await head('/projects?project_name=hidden', ADMIN)).statusCode).toBe(200);
    // Existing and missing private names look the same to anyone who cannot see them.
    expect((await head('/projects?project_name=hidden')).statusCode).toBe(401);
    expect((await head('/projects?project_name=never-made')).statusCode).toBe(401);
    expect((await head('/projects?project_name=hidden', outsider)).statusCode).toBe(403);
    expect((await head('/projects?project_name=never-made', outsider)).statusCode).toBe(403);
    expect((await head('/projects?project_name=never-made', ADMIN)).statusCode).toBe(404);
    expect((await head('/projects')).statusCode).toBe(400);
    expect((await head('/projects?project_name=library', { ...ADMIN, password: 'wrong' })).statusCode).toBe(401);
  });
});

describe('GET /projects', () => {
  it('lists public projects to anonymous callers, and public plus own projects to users', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'list-priv', { public: false });
    await createProjectWithMembers(registry.wharf, 'list-pub', { public: true });
    await registry.wharf.store.projects.create({ name: 'list-other', public: false });
    expect(await names('/projects?name=list-')).toEqual(['list-pub']);
    expect(await names('/projects?name=list-&public=false')).toEqual([]);
    const anonymousPrivate = await api(registry.app, 'GET', '/projects?public=false');
    expect(anonymousPrivate.headers['x-total-count']).toBe('0');
    expect(anonymousPrivate.json()).toEqual([]);
    expect(await names('/projects?name=list-', members.guest)).toEqual(['list-priv', 'list-pub']);
    expect(await names('/projects?name=list-&public=false', members.guest)).toEqual(['list-priv']);
    expect(await names('/projects?name=list-&public=true', members.guest)).toEqual(['list-pub']);
    expect(await names('/projects?name=list-', ADMIN)).toEqual(['list-other', 'list-priv', 'list-pub']);
    const own = await api(registry.app, 'GET', '/projects?name=list-priv', members.developer);
    expect(own.json<ProjectJson[]>()[0]).toMatchObject({ current_user_role_id: 2, current_user_role_ids: [2] });
  });

  it('shows a robot the public projects and those its permissions name; all for a permission on every project', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'rl-own', { public: false });
    await registry.wharf.store.projects.create({ name: 'rl-else', public: false });
    await registry.wharf.store.projects.create({ name: 'rl-pub', public: true });
    const pull = [{ resource: 'repository', action: 'pull' }];
    const scoped = await createRobotDirect(registry.wharf, 'rl-scoped', pull, project);
    const everywhere = await createRobotDirect(registry.wharf, 'rl-all', pull);
    expect(await names('/projects?name=rl-', scoped)).toEqual(['rl-own', 'rl-pub']);
    expect(await names('/projects?name=rl-', everywhere)).toEqual(['rl-else', 'rl-own', 'rl-pub']);
  });

  it('pages with X-Total-Count and Link, filters by owner and q, sorts, and can leave out details', async () => {
    const carol = await createUserDirect(registry.wharf, 'carol');
    for (const name of ['pg-c', 'pg-a', 'pg-b'])
      expect((await create(carol, { project_name: name })).statusCode).toBe(201);
    const first = await api(registry.app, 'GET', '/projects?name=pg-&page=1&page_size=2', ADMIN);
    expect(first.headers['x-total-count']).toBe('3');
    expect(first.headers.link).toBe('</api/v2.0/projects?name=pg-&page=2&page_size=2>; rel="next"');
    expect(first.json<ProjectJson[]>().map((p) => p.name)).toEqual(['pg-a', 'pg-b']);
    expect(await names('/projects?name=pg-&page=2&page_size=2', ADMIN)).toEqual(['pg-c']);
    expect(await names('/projects?owner=carol', ADMIN)).toEqual(['pg-a', 'pg-b', 'pg-c']);
    expect(await names('/projects?owner=nobody-at-all', ADMIN)).toEqual([]);
    expect(await names('/projects?q=owner%3Dcarol,name%3D~-b', ADMIN)).toEqual(['pg-b']);
    expect(await names('/projects?q=name%3Dpg-a', ADMIN)).toEqual(['pg-a']);
    expect(await names('/projects?q=name%3D%7Bpg-a%20pg-c%7D', ADMIN)).toEqual(['pg-a', 'pg-c']);
    expect(await names('/projects?q=public%3Dtrue,name%3D~pg', ADMIN)).toEqual([]);
    const pgA = await registry.wharf.store.projects.getByName('pg-a');
    expect(await names(`/projects?q=project_id%3D${pgA?.id}`, ADMIN)).toEqual(['pg-a']);
    expect(await names('/projects?name=pg-&sort=-name', ADMIN)).toEqual(['pg-c', 'pg-b', 'pg-a']);
    expect(await names('/projects?name=pg-&sort=creation_time', ADMIN)).toEqual(['pg-c', 'pg-a', 'pg-b']);
    expect(await names('/projects?name=pg-&sort=-project_id', ADMIN)).toEqual(['pg-b', 'pg-a', 'pg-c']);
    const lean = await api(registry.app, 'GET', '/projects?name=pg-a&with_detail=false', ADMIN);
    const [project] = lean.json<ProjectJson[]>();
    expect(project).not.toHaveProperty('owner_name');
    expect(project).not.toHaveProperty('cve_allowlist');
    expect(project).toMatchObject({ name: 'pg-a', repo_count: 0, metadata: { public: 'false' } });
  });

  it('refuses malformed queries with 400', async () => {
    for (const query of [
      'q=bogus%3D1',
      'q=name',
      'q=public%3D~tr',
      'q=name%3D%5Ba~b%5D',
      'q=project_id%3Dabc',
      'sort=owner',
      'sort=-',
      'public=maybe',
      'with_detail=perhaps',
      'page=0',
      'page_size=101',
    ]) {
      expectHarborError(await api(registry.app, 'GET', `/projects?${query}`, ADMIN), 400, 'BAD_REQUEST');
    }
  });
});

describe('GET /projects/{project_name_or_id}', () => {
  it('finds a project by id or name, by name only with X-Is-Resource-Name, and counts its repositories', async () => {
    const made = await registry.wharf.store.projects.create({ name: '4242', public: true });
    await ensureRepository(registry.wharf.store, '4242/app');
    await ensureRepository(registry.wharf.store, '4242/tools/cli');
    const byId = await api(registry.app, 'GET', `/projects/${made.id}`);
    expect(byId.json()).toMatchObject({ project_id: made.id, name: '4242', repo_count: 2, owner_name: '' });
    const byName = await registry.app.inject({
      method: 'GET',
      url: '/api/v2.0/projects/4242',
      headers: { 'x-is-resource-name': 'true' },
    });
    expect(byName.statusCode).toBe(200);
    expect(byName.json()).toMatchObject({ project_id: made.id, name: '4242' });
    expect(byName.json()).not.toHaveProperty('owner_id');
  });

  it('answers 404 to administrators for a missing project, 401/403 to everyone else', async () => {
    const outsider = await createUserDirect(registry.wharf, 'get-outsider');
    expectHarborError(await api(registry.app, 'GET', '/projects/nope-nope', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/projects/999999', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/projects/nope-nope'), 401, 'UNAUTHORIZED');
    expectHarborError(await api(registry.app, 'GET', '/projects/999999', outsider), 403, 'FORBIDDEN');
  });
});

describe('PUT /projects/{project_name_or_id}', () => {
  it('changes the public flag and merges metadata, leaving the name alone', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'upd', { public: false });
    await registry.wharf.store.projects.update(project.id, { metadata: { auto_scan: 'true' } });
    const res = await api(registry.app, 'PUT', `/projects/${project.id}`, members.projectAdmin, {
      project_name: 'renamed',
      metadata: { public: 'true', severity: 'critical' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = await registry.wharf.store.projects.get(project.id);
    expect(after).toMatchObject({ name: 'upd', public: true, metadata: { auto_scan: 'true', severity: 'critical' } });
    expect(after?.updatedAt.getTime()).toBeGreaterThanOrEqual(project.updatedAt.getTime());
    await api(registry.app, 'PUT', '/projects/upd', members.projectAdmin, { public: false });
    expect((await registry.wharf.store.projects.get(project.id))?.public).toBe(false);
    const bad = await api(registry.app, 'PUT', '/projects/upd', members.projectAdmin, {
      metadata: { prevent_vul: 'x' },
    });
    expectHarborError(bad, 400, 'BAD_REQUEST');
    expectHarborError(await api(registry.app, 'PUT', '/projects/upd', members.maintainer, {}), 403, 'FORBIDDEN');
    expectHarborError(await api(registry.app, 'PUT', '/projects/nope-upd', ADMIN, {}), 404, 'NOT_FOUND');
  });
});

describe('DELETE /projects/{project_name_or_id} and _deletable', () => {
  it('refuses with 412 while the project holds repositories', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'full', { public: false });
    await ensureRepository(registry.wharf.store, 'full/app');
    const deletable = await api(registry.app, 'GET', '/projects/full/_deletable', members.projectAdmin);
    expect(deletable.json()).toEqual({
      deletable: false,
      message: 'the project contains repositories and cannot be deleted',
    });
    const res = await api(registry.app, 'DELETE', '/projects/full', members.projectAdmin);
    expect(expectHarborError(res, 412, 'PRECONDITION')).toBe('the project contains repositories and cannot be deleted');
    expect(await registry.wharf.store.projects.get(project.id)).toBeDefined();
  });

  it('deletes an empty project with its members and robots', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'doomed', { public: false });
    await createRobotDirect(registry.wharf, 'ci', [{ resource: 'repository', action: 'pull' }], project);
    expect((await api(registry.app, 'GET', '/projects/doomed/_deletable', members.projectAdmin)).json()).toEqual({
      deletable: true,
    });
    expectHarborError(await api(registry.app, 'DELETE', '/projects/doomed', members.maintainer), 403, 'FORBIDDEN');
    const res = await api(registry.app, 'DELETE', `/projects/${project.id}`, members.projectAdmin);
    expect(res.statusCode, res.body).toBe(200);
    expect(await registry.wharf.store.projects.get(project.id)).toBeUndefined();
    expect(await registry.wharf.store.robots.getByName('robot$doomed+ci')).toBeUndefined();
    expect(await registry.wharf.store.members.list(project.id, { page: 1, pageSize: 10 })).toEqual({
      items: [],
      total: 0,
    });
    expectHarborError(await api(registry.app, 'DELETE', `/projects/${project.id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/projects/doomed/_deletable', ADMIN), 404, 'NOT_FOUND');
    // Its former admin now knows nothing about it.
    expectHarborError(await api(registry.app, 'GET', '/projects/doomed', members.projectAdmin), 403, 'FORBIDDEN');
  });
});

describe('GET /projects/{project_name_or_id}/summary', () => {
  it('counts repositories, and members per role for callers who may list members', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'summed', { public: true });
    await ensureRepository(registry.wharf.store, 'summed/a');
    const full = await api(registry.app, 'GET', `/projects/${project.id}/summary`, members.guest);
    const quota = { hard: { storage: -1 }, used: { storage: expect.any(Number) as number } };
    expect(full.json()).toEqual({
      repo_count: 1,
      quota,
      project_admin_count: 1,
      maintainer_count: 1,
      developer_count: 1,
      guest_count: 1,
      limited_guest_count: 1,
    });
    // Every member may read the quota (Harbor's project roles all hold quota:read); only those who may list the
    // members see their counts.
    expect((await api(registry.app, 'GET', '/projects/summed/summary', members.limitedGuest)).json()).toEqual({
      repo_count: 1,
      quota,
    });
    expect((await api(registry.app, 'GET', '/projects/summed/summary')).json()).toEqual({ repo_count: 1 });
  });
});

describe('/projects/{project_name_or_id}/metadatas', () => {
  it('lists, adds, reads, changes and deletes metadata one key at a time', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'meta', { public: false });
    const admin = members.projectAdmin;
    const path = '/projects/meta/metadatas';
    expect((await api(registry.app, 'GET', `${path}/`, admin)).json()).toEqual({ public: 'false' });
    expect((await api(registry.app, 'POST', path, admin, { auto_scan: 'T' })).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', path, admin)).json()).toEqual({ public: 'false', auto_scan: 'true' });
    expect((await api(registry.app, 'GET', `${path}/auto_scan`, admin)).json()).toEqual({ auto_scan: 'true' });
    expect((await api(registry.app, 'GET', `${path}/public`, admin)).json()).toEqual({ public: 'false' });
    expectHarborError(await api(registry.app, 'POST', path, admin, { auto_scan: 'false' }), 409, 'CONFLICT');
    expectHarborError(await api(registry.app, 'POST', path, admin, { public: 'true' }), 409, 'CONFLICT');
    expect((await api(registry.app, 'PUT', `${path}/auto_scan`, admin, { auto_scan: 'false' })).statusCode).toBe(200);
    expect((await api(registry.app, 'PUT', `${path}/severity`, admin, { severity: 'LOW' })).statusCode).toBe(200);
    expect((await api(registry.app, 'PUT', `${path}/public`, admin, { public: 'true' })).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', path, admin)).json()).toEqual({
      public: 'true',
      auto_scan: 'false',
      severity: 'low',
    });
    expect((await api(registry.app, 'DELETE', `${path}/severity`, admin)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'GET', `${path}/severity`, admin), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'DELETE', `${path}/severity`, admin), 404, 'NOT_FOUND');
    expect((await api(registry.app, 'DELETE', `${path}/public`, admin)).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', path, admin)).json()).toEqual({ public: 'false', auto_scan: 'false' });
  });

  it('refuses unknown keys, bad values and malformed bodies with 400', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'meta-bad', { public: false });
    const admin = members.projectAdmin;
    const path = '/projects/meta-bad/metadatas';
    const cases: [string, string, unknown][] = [
      ['POST', path, { nope: 'true' }],
      ['POST', path, { auto_scan: 'true', prevent_vul: 'true' }],
      ['POST', path, {}],
      ['POST', path, { auto_scan: 'maybe' }],
      ['POST', path, { severity: 'severe' }],
      ['POST', path, { retention_id: '1' }],
      ['PUT', `${path}/auto_scan`, { prevent_vul: 'true' }],
      ['PUT', `${path}/auto_scan`, { auto_scan: 1 }],
      ['PUT', `${path}/nope`, { nope: 'true' }],
      ['PUT', `${path}/auto_scan`, ['true']],
    ];
    for (const [method, at, body] of cases) {
      const res = await api(registry.app, method as 'POST' | 'PUT', at, admin, body);
      expectHarborError(res, 400, 'BAD_REQUEST');
    }
    expectHarborError(await api(registry.app, 'GET', `${path}/nope`, admin), 404, 'NOT_FOUND');
  });
});
