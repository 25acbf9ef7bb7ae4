import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROLE_IDS } from '../../src/domain/rbac/roles.js';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { postLogin } from '../helpers/session-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const clock = new ManualClock();
const reg = useTestRegistry({}, { clock });

const DAY_MS = 86_400_000;
const PULL = [{ resource: 'repository', action: 'pull' }];

interface Created {
  id: number;
  name: string;
  secret: string;
  creation_time: string;
  expires_at: number;
}

interface Listed {
  id: number;
  name: string;
  description: string;
  permissions: { kind: string; namespace: string; access: { resource: string; action: string }[] }[];
  creation_time: string;
  expires_at: number;
  last_used_time: string | null;
  owner_id: number;
  owner_name: string;
}

async function userId(name: string): Promise<number> {
  const user = await reg.wharf.store.users.getByName(name);
  expect(user).toBeDefined();
  return user!.id;
}

function projectScope(namespace: string, access: readonly { resource: string; action: string; effect?: string }[]) {
  return { kind: 'project', namespace, access };
}

/** Creates a token as `owner` (201 expected); returns the created body and the credentials it makes. */
async function createToken(
  owner: Credentials,
  body: Record<string, unknown>,
): Promise<{ created: Created; creds: Credentials; res: LightMyRequestResponse }> {
  const id = await userId(owner.username);
  const res = await api(reg.app, 'POST', `/users/${id}/tokens`, owner, { duration: -1, ...body });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json<Created>();
  return { created, creds: { username: owner.username, password: created.secret }, res };
}

/** A /v2 request with Basic credentials or a bearer token. */
function v2(method: 'GET' | 'POST' | 'HEAD', url: string, auth: Credentials | string) {
  return reg.app.inject({
    method,
    url,
    headers: { authorization: typeof auth === 'string' ? `Bearer ${auth}` : basic(auth) },
  });
}

/** A token from the token service for `scope`, logging in with Basic `creds` (docker login's way). */
async function bearer(creds: Credentials, scope: string): Promise<{ token: string; access: string[] }> {
  const res = await reg.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(scope)}`,
    headers: { authorization: basic(creds) },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json<{ token: string }>();
  const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as {
    access: { type: string; name: string; actions: string[] }[];
  };
  return { token: body.token, access: claims.access.flatMap((a) => a.actions.map((x) => `${a.name}:${x}`)) };
}

describe('personal access tokens: the API', () => {
  it('creates (secret once, Location), lists with paging and revokes; names are unique per user', async () => {
    const alice = await createUserDirect(reg.wharf, 'pat-alice');
    const id = await userId(alice.username);
    const { project } = await createProjectWithMembers(reg.wharf, 'pat-crud', { public: false });
    await reg.wharf.store.members.add({
      projectId: project.id,
      entityType: 'u',
      entityId: id,
      roleId: PROJECT_ROLE_IDS.developer,
    });
    const made: Created[] = [];
    for (const name of ['one', 'two', 'three']) {
      const { created, res } = await createToken(alice, {
        name,
        description: `token ${name}`,
        duration: 30,
        permissions: [projectScope('pat-crud', PULL)],
      });
      expect(res.headers.location).toBe(`/api/v2.0/users/${id}/tokens/${created.id}`);
      expect(created.secret).toMatch(/^wharf_pat_[A-Za-z0-9_-]{43}$/);
      expect(created.expires_at).toBe(Math.floor((clock.now() + 30 * DAY_MS) / 1000));
      made.push(created);
    }
    // Only the hash is stored.
    const stored = await reg.wharf.store.personalTokens.get(made[0]!.id);
    expect(stored?.secretHash).not.toContain(made[0]!.secret);
    expect(JSON.stringify(stored)).not.toContain(made[0]!.secret.slice(10));

    const page1 = await api(reg.app, 'GET', `/users/${id}/tokens?page=1&page_size=2`, alice);
    expect(page1.statusCode, page1.body).toBe(200);
    expect(page1.headers['x-total-count']).toBe('3');
    expect(page1.headers.link).toContain('rel="next"');
    const items = page1.json<Listed[]>();
    expect(items.map((t) => t.name)).toEqual(['three', 'two']);
    expect(items[0]).toEqual({
      id: made[2]!.id,
      name: 'three',
      description: 'token three',
      permissions: [{ kind: 'project', namespace: 'pat-crud', access: PULL }],
      creation_time: made[2]!.creation_time,
      expires_at: made[2]!.expires_at,
      last_used_time: null,
      owner_id: id,
      owner_name: alice.username,
    });
    expect(page1.body).not.toContain('wharf_pat_');

    expectHarborError(
      await api(reg.app, 'POST', `/users/${id}/tokens`, alice, {
        name: 'one',
        duration: -1,
        permissions: [projectScope('pat-crud', PULL)],
      }),
      409,
      'CONFLICT',
    );

    expect((await api(reg.app, 'DELETE', `/users/${id}/tokens/${made[1]!.id}`, alice)).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'DELETE', `/users/${id}/tokens/${made[1]!.id}`, alice), 404, 'NOT_FOUND');
    const after = await api(reg.app, 'GET', `/users/${id}/tokens`, alice);
    expect(after.json<Listed[]>().map((t) => t.name)).toEqual(['three', 'one']);
    // A revoked name can be used again.
    await createToken(alice, { name: 'two', permissions: [projectScope('pat-crud', PULL)] });

    // Administrators list everyone's, filtered by owner name.
    const all = await api(reg.app, 'GET', `/tokens?q=${encodeURIComponent('owner_name=pat-alice')}`, ADMIN);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.headers['x-total-count']).toBe('3');
    expect(all.json<Listed[]>().every((t) => t.owner_name === 'pat-alice')).toBe(true);
    const fuzzy = await api(reg.app, 'GET', `/tokens?q=${encodeURIComponent('owner_name=~alic')}&page_size=1`, ADMIN);
    expect(fuzzy.json<Listed[]>()).toHaveLength(1);
    expectHarborError(await api(reg.app, 'GET', '/tokens?q=name%3Dx', ADMIN), 400, 'BAD_REQUEST');
  });

  it('refuses malformed requests with 400', async () => {
    const bob = await createUserDirect(reg.wharf, 'pat-bob');
    const id = await userId(bob.username);
    await createProjectWithMembers(reg.wharf, 'pat-bad', { public: true });
    const post = (body: unknown) => api(reg.app, 'POST', `/users/${id}/tokens`, bob, body);
    const scope = [projectScope('pat-bad', PULL)];
    for (const body of [
      { duration: -1, permissions: scope },
      { name: 'x', permissions: scope },
      { name: 'x', duration: 0, permissions: scope },
      { name: 'x', duration: 1.5, permissions: scope },
      { name: ' x', duration: -1, permissions: scope },
      { name: 'x', duration: -1, permissions: [] },
      { name: 'x', duration: -1, permissions: [{ kind: 'other', namespace: 'a', access: PULL }] },
      { name: 'x', duration: -1, permissions: [projectScope('pat-bad', [{ resource: '*', action: 'pull' }])] },
      { name: 'x', duration: -1, permissions: [projectScope('pat-bad', [{ resource: 'repository', action: '*' }])] },
      {
        name: 'x',
        duration: -1,
        permissions: [projectScope('pat-bad', [{ resource: 'repository', action: 'pull', effect: 'deny' }])],
      },
      { name: 'x', duration: 'never', permissions: scope },
    ]) {
      expectHarborError(await post(body), 400, 'BAD_REQUEST');
    }
  });

  it('authorises: anonymous 401, other users 403, administrators list and revoke but never create for others, robots 403', async () => {
    const carol = await createUserDirect(reg.wharf, 'pat-carol');
    const dave = await createUserDirect(reg.wharf, 'pat-dave');
    const id = await userId(carol.username);
    const { project } = await createProjectWithMembers(reg.wharf, 'pat-authz', { public: true });
    const robot = await createRobotDirect(reg.wharf, 'patbot', PULL, project);
    const { created, creds: carolPat } = await createToken(carol, {
      name: 'ci',
      permissions: [projectScope('pat-authz', PULL)],
    });
    const body = { name: 'new', duration: -1, permissions: [projectScope('pat-authz', PULL)] };
    const calls = {
      list: (as?: Credentials) => api(reg.app, 'GET', `/users/${id}/tokens`, as),
      create: (as?: Credentials) => api(reg.app, 'POST', `/users/${id}/tokens`, as, body),
      listAll: (as?: Credentials) => api(reg.app, 'GET', '/tokens', as),
      revoke: (as?: Credentials) => api(reg.app, 'DELETE', `/users/${id}/tokens/${created.id}`, as),
    };
    const expected: Record<string, Record<keyof typeof calls, number>> = {
      anonymous: { list: 401, create: 401, listAll: 401, revoke: 401 },
      other: { list: 403, create: 403, listAll: 403, revoke: 403 },
      robot: { list: 403, create: 403, listAll: 403, revoke: 403 },
      // A token cannot manage tokens, not even its own owner's.
      token: { list: 403, create: 403, listAll: 403, revoke: 403 },
      admin: { list: 200, create: 403, listAll: 200, revoke: 200 },
    };
    const callers: Record<string, Credentials | undefined> = {
      anonymous: undefined,
      other: dave,
      robot,
      token: carolPat,
      admin: ADMIN,
    };
    for (const [caller, statuses] of Object.entries(expected)) {
      for (const [call, status] of Object.entries(statuses)) {
        const res = await calls[call as keyof typeof calls](callers[caller]);
        expect(res.statusCode, `${caller} ${call}: ${res.body}`).toBe(status);
      }
    }
    // The administrator revoked it: the owner sees none; a missing user is 404 to the administrator.
    expect((await calls.list(carol)).json<Listed[]>()).toEqual([]);
    expectHarborError(await api(reg.app, 'GET', '/users/999999/tokens', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', '/users/999999/tokens', carol), 403, 'FORBIDDEN');
    // Someone else's token id under one's own user is not found.
    const other = await createToken(dave, { name: 'd', permissions: [projectScope('pat-authz', PULL)] });
    expectHarborError(await api(reg.app, 'DELETE', `/users/${id}/tokens/${other.created.id}`, carol), 404, 'NOT_FOUND');
  });
});

describe('personal access tokens: scope', () => {
  it('must be held at creation (400 otherwise), at project and system scope', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'pat-held', { public: false });
    await createProjectWithMembers(reg.wharf, 'pat-other', { public: false });
    const guest = members.guest;
    const id = await userId(guest.username);
    const post = (permissions: unknown[], as: Credentials = guest) =>
      api(reg.app, 'POST', `/users/${as === guest ? id : 1}/tokens`, as, {
        name: `n${Math.random()}`,
        duration: 1,
        permissions,
      });
    expect((await post([projectScope('pat-held', PULL)])).statusCode).toBe(201);
    for (const permissions of [
      [projectScope('pat-held', [{ resource: 'repository', action: 'push' }])],
      [projectScope('pat-other', PULL)],
      [projectScope('pat-missing', PULL)],
      [projectScope('*', PULL)],
      [{ kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] }],
    ]) {
      const message = expectHarborError(await post(permissions), 400, 'BAD_REQUEST');
      expect(message).toMatch(/you do not hold it/);
    }
    // An administrator holds everything: system resources and every project.
    const admin = await post(
      [
        { kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] },
        projectScope('*', PULL),
      ],
      ADMIN,
    );
    expect(admin.statusCode, admin.body).toBe(201);
  });

  it('narrows what the token does on the API and /v2: pull in one project, no push, no other project, no system', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'pat-p1', { public: false });
    const { project: p2 } = await createProjectWithMembers(reg.wharf, 'pat-p2', { public: false });
    const dev = members.developer;
    const devId = await userId(dev.username);
    await reg.wharf.store.members.add({ projectId: p2.id, entityType: 'u', entityId: devId, roleId: 2 });
    await pushImage(reg.app, 'pat-p1/app', 'v1');
    await pushImage(reg.app, 'pat-p2/app', 'v1');
    const { creds: pat } = await createToken(dev, {
      name: 'pull-p1',
      permissions: [
        projectScope('pat-p1', [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'list' },
        ]),
      ],
    });
    // The user may do all of it with the password; the token only what its scope says.
    expect((await api(reg.app, 'GET', '/projects/pat-p2/repositories', dev)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/projects/pat-p1/repositories', pat)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/projects/pat-p2/repositories', pat)).statusCode).toBe(403);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    // Project lists show only the member projects the scope names (besides public ones).
    const privateNames = async (as: Credentials) =>
      (await api(reg.app, 'GET', '/projects?page_size=100', as))
        .json<{ name: string }[]>()
        .map((p) => p.name)
        .filter((name) => name === 'pat-p1' || name === 'pat-p2')
        .sort();
    expect(await privateNames(pat)).toEqual(['pat-p1']);
    expect(await privateNames(dev)).toEqual(['pat-p1', 'pat-p2']);
    // The token cannot change its own user.
    expect((await api(reg.app, 'PUT', `/users/${devId}`, pat, { realname: 'changed' })).statusCode).toBe(403);
    expect(
      (
        await api(reg.app, 'PUT', `/users/${devId}/password`, pat, {
          old_password: 'Passw0rd1',
          new_password: 'Another1pass',
        })
      ).statusCode,
    ).toBe(403);

    expect((await v2('GET', '/v2/pat-p1/app/tags/list', pat)).statusCode).toBe(200);
    expect((await v2('POST', '/v2/pat-p1/app/blobs/uploads/', pat)).statusCode).toBe(403);
    expect((await v2('POST', '/v2/pat-p1/app/blobs/uploads/', dev)).statusCode).toBe(202);
    expect((await v2('GET', '/v2/pat-p2/app/tags/list', pat)).statusCode).toBe(403);
    expect((await v2('GET', '/v2/', pat)).statusCode).toBe(200);

    // docker login's way: the token service, Basic user:PAT; the scope is reduced to pull in p1.
    const issued = await bearer(pat, 'repository:pat-p1/app:pull,push repository:pat-p2/app:pull');
    expect(issued.access).toEqual(['pat-p1/app:pull']);
    expect((await v2('GET', '/v2/pat-p1/app/tags/list', issued.token)).statusCode).toBe(200);
    // The portal does not open sessions with a token.
    expect((await postLogin(reg.app, dev.username, pat.password)).statusCode).toBe(401);
    // The name must be the owner's.
    expect((await api(reg.app, 'GET', '/users/current', { ...pat, username: members.guest.username })).statusCode).toBe(
      401,
    );
    expect((await api(reg.app, 'GET', '/users/current', { ...pat, password: `${pat.password}x` })).statusCode).toBe(
      401,
    );

    // An administrator's token with a system scope: audit logs yes, users no.
    const { creds: adminPat } = await createToken(ADMIN, {
      name: 'audit',
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] }],
    });
    expect((await api(reg.app, 'GET', '/audit-logs', adminPat)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users', adminPat)).statusCode).toBe(403);
    expect((await api(reg.app, 'GET', '/projects/pat-p1/repositories', adminPat)).statusCode).toBe(403);
  });

  it('is intersected with the user’s current rights: demoted, the push goes; removed, the pull goes', async () => {
    const { project, members } = await createProjectWithMembers(reg.wharf, 'pat-inter', { public: false });
    await pushImage(reg.app, 'pat-inter/app', 'v1');
    const dev = members.developer;
    const devId = await userId(dev.username);
    const { creds: pat } = await createToken(dev, {
      name: 'push',
      permissions: [
        projectScope('pat-inter', [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'push' },
        ]),
      ],
    });
    expect((await v2('POST', '/v2/pat-inter/app/blobs/uploads/', pat)).statusCode).toBe(202);
    const member = (await reg.wharf.store.members.list(project.id, { page: 1, pageSize: 100 })).items.find(
      (m) => m.entityId === devId && m.entityType === 'u',
    );
    await reg.wharf.store.members.updateRole(project.id, member!.id, PROJECT_ROLE_IDS.guest);
    expect((await v2('POST', '/v2/pat-inter/app/blobs/uploads/', pat)).statusCode).toBe(403);
    expect((await v2('GET', '/v2/pat-inter/app/tags/list', pat)).statusCode).toBe(200);
    const issued = await bearer(pat, 'repository:pat-inter/app:pull');
    await reg.wharf.store.members.remove(project.id, member!.id);
    expect((await v2('GET', '/v2/pat-inter/app/tags/list', pat)).statusCode).toBe(403);
    // A bearer token issued before is reduced too once the account's cached context is read again.
    clock.advance(1001);
    expect((await v2('GET', '/v2/pat-inter/app/tags/list', issued.token)).statusCode).toBe(401);
  });
});

describe('personal access tokens: lifetime', () => {
  it('expire on the clock port: Basic on the API and /v2, the token service and bearer tokens issued before', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'pat-exp', { public: false });
    await pushImage(reg.app, 'pat-exp/app', 'v1');
    const { creds: pat, created } = await createToken(members.developer, {
      name: 'day',
      duration: 1,
      permissions: [projectScope('pat-exp', PULL)],
    });
    expect(created.expires_at).toBe(Math.floor((clock.now() + DAY_MS) / 1000));
    const issued = await bearer(pat, 'repository:pat-exp/app:pull');
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    clock.advance(DAY_MS - 60_000);
    expect((await v2('GET', '/v2/pat-exp/app/tags/list', pat)).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(401);
    expect((await v2('GET', '/v2/pat-exp/app/tags/list', pat)).statusCode).toBe(401);
    const token = await reg.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:pat-exp/app:pull',
      headers: { authorization: basic(pat) },
    });
    expect(token.statusCode).toBe(401);
    // (The bearer token itself expired too by now; its PAT is checked first either way.)
    expect((await v2('GET', '/v2/pat-exp/app/tags/list', issued.token)).statusCode).toBe(401);
  });

  it('revocation is immediate: the very next API call and the next /v2 request with an earlier bearer token fail', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'pat-rev', { public: false });
    await pushImage(reg.app, 'pat-rev/app', 'v1');
    const dev = members.developer;
    const id = await userId(dev.username);
    const { creds: pat, created } = await createToken(dev, {
      name: 'rev',
      permissions: [projectScope('pat-rev', PULL)],
    });
    const issued = await bearer(pat, 'repository:pat-rev/app:pull');
    // Seen once, so any authorisation cache would hold it.
    expect((await v2('GET', '/v2/pat-rev/app/tags/list', issued.token)).statusCode).toBe(200);
    expect((await v2('GET', '/v2/pat-rev/app/tags/list', issued.token)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', `/users/${id}/tokens/${created.id}`, dev)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(401);
    expect((await v2('GET', '/v2/pat-rev/app/tags/list', issued.token)).statusCode).toBe(401);
    expect((await v2('GET', '/v2/pat-rev/app/tags/list', pat)).statusCode).toBe(401);
  });

  it('records the last use at most once a minute', async () => {
    const eve = await createUserDirect(reg.wharf, 'pat-eve');
    const id = await userId(eve.username);
    await createProjectWithMembers(reg.wharf, 'pat-used', { public: true });
    const { creds: pat, created } = await createToken(eve, {
      name: 'used',
      permissions: [projectScope('pat-used', PULL)],
    });
    const lastUse = async () =>
      (await api(reg.app, 'GET', `/users/${id}/tokens`, eve)).json<Listed[]>().find((t) => t.id === created.id)!
        .last_used_time;
    expect(await lastUse()).toBeNull();
    const first = new Date(clock.now()).toISOString();
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    expect(await lastUse()).toBe(first);
    clock.advance(30_000);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    expect(await lastUse()).toBe(first);
    clock.advance(31_000);
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
    expect(await lastUse()).toBe(new Date(clock.now()).toISOString());
  });

  it('works whatever the auth_mode, and goes with its deleted user', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'pat-mode', { public: false });
    const { creds: pat } = await createToken(members.guest, {
      name: 'mode',
      permissions: [projectScope('pat-mode', PULL)],
    });
    const before = await reg.wharf.store.settings.get();
    await reg.wharf.store.settings.set({ authMode: 'ldap_auth' });
    try {
      expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(200);
      expect((await v2('GET', '/v2/', pat)).statusCode).toBe(200);
    } finally {
      await reg.wharf.store.settings.set({ authMode: before.authMode });
    }
    expect((await api(reg.app, 'DELETE', `/users/${await userId(members.guest.username)}`, ADMIN)).statusCode).toBe(
      200,
    );
    expect((await api(reg.app, 'GET', '/users/current', pat)).statusCode).toBe(401);
  });

  it('audits creation and revocation', async () => {
    const frank = await createUserDirect(reg.wharf, 'pat-frank');
    const id = await userId(frank.username);
    await createProjectWithMembers(reg.wharf, 'pat-audit', { public: true });
    const { created } = await createToken(frank, { name: 'audited', permissions: [projectScope('pat-audit', PULL)] });
    expect((await api(reg.app, 'DELETE', `/users/${id}/tokens/${created.id}`, ADMIN)).statusCode).toBe(200);
    await reg.wharf.events.relay.drain();
    await reg.wharf.audit!.flush();
    const res = await api(reg.app, 'GET', '/auditlog-exts?page_size=100', ADMIN);
    const records = res
      .json<{ username: string; resource: string; resource_type: string; operation: string }[]>()
      .filter((r) => r.resource_type === 'personal_token' && r.resource.startsWith('pat-frank/'));
    expect(records.map((r) => [r.operation, r.username, r.resource])).toEqual([
      ['delete', 'admin', 'pat-frank/audited'],
      ['create', 'pat-frank', 'pat-frank/audited'],
    ]);
  });
});
