import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { AuthProxyServer } from '../helpers/auth-proxy-server.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * `http_auth` end to end: a real HTTP server started here plays the authenticating proxy (login endpoint and token
 * review). Users it vouches for are created at their first login, get the roles their HTTP groups hold in projects,
 * lose them when the proxy drops them from a group, and the local admin keeps logging in from the database.
 */
const clock = new ManualClock();
const reg = useTestRegistry({}, { clock });
const proxy = new AuthProxyServer();
let proxyUrl: string;

const ALICE: Credentials = { username: 'alice', password: 'alice-secret' };
const BOB: Credentials = { username: 'bob', password: 'bob-secret' };
const CAROL: Credentials = { username: 'carol', password: 'carol-secret' };

beforeAll(async () => {
  proxyUrl = await proxy.start();
  proxy.users.set('alice', { password: ALICE.password, groups: ['devs', 'readers'] });
  proxy.users.set('bob', { password: BOB.password, groups: ['readers'] });
  proxy.users.set('carol', { password: CAROL.password, groups: ['wharf-admins'] });
  const configured = await api(reg.app, 'PUT', '/configurations', ADMIN, {
    auth_mode: 'http_auth',
    http_authproxy_endpoint: `${proxyUrl}/login`,
    http_authproxy_tokenreview_endpoint: `${proxyUrl}/tokenreview`,
    http_authproxy_admin_groups: 'wharf-admins',
    http_authproxy_verify_cert: false,
  });
  expect(configured.statusCode, configured.body).toBe(200);
  const project = await api(reg.app, 'POST', '/projects', ADMIN, {
    project_name: 'team',
    metadata: { public: 'false' },
  });
  expect(project.statusCode, project.body).toBe(201);
});

afterAll(async () => {
  await proxy.stop();
});

async function tokenActions(as: Credentials, repository: string): Promise<string[]> {
  const res = await reg.wharf.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(`repository:${repository}:pull,push`)}`,
    headers: { authorization: basic(as) },
  });
  expect(res.statusCode, res.body).toBe(200);
  const token = res.json<{ token: string }>().token;
  const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    access: { actions: string[] }[];
  };
  return payload.access.flatMap((a) => a.actions).sort();
}

describe('http_auth through an authenticating proxy', () => {
  it('shows its settings, never changes auth_mode once users exist, and keeps the local admin', async () => {
    const config = (await api(reg.app, 'GET', '/configurations', ADMIN)).json<Record<string, { value: unknown }>>();
    expect(config.auth_mode?.value).toBe('http_auth');
    expect(config.http_authproxy_endpoint?.value).toBe(`${proxyUrl}/login`);
    expect(config.http_authproxy_verify_cert?.value).toBe(false);
    const info = (await api(reg.app, 'GET', '/systeminfo')).json<{ auth_mode: string }>();
    expect(info.auth_mode).toBe('http_auth');
    expectHarborError(
      await api(reg.app, 'PUT', '/configurations', ADMIN, { http_authproxy_endpoint: 'ftp://x' }),
      400,
      'BAD_REQUEST',
    );
    // Local accounts are not created in this mode.
    const created = await api(reg.app, 'POST', '/users', ADMIN, {
      username: 'local',
      password: 'Passw0rdLocal',
      email: 'local@example.com',
    });
    expectHarborError(created, 403, 'FORBIDDEN');
  });

  it('creates a user at first login, and gives them the roles of their groups', async () => {
    const added = await api(reg.app, 'POST', '/projects/team/members', ADMIN, {
      role_id: 2,
      member_group: { group_type: 2, group_name: 'devs' },
    });
    expect(added.statusCode, added.body).toBe(201);
    const members = (await api(reg.app, 'GET', '/projects/team/members', ADMIN)).json<
      { entity_name: string; entity_type: string }[]
    >();
    expect(members).toContainEqual(expect.objectContaining({ entity_name: 'devs', entity_type: 'g' }));

    const before = proxy.logins;
    const me = await api(reg.app, 'GET', '/users/current', ALICE);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ username: 'alice', sysadmin_flag: false, admin_role_in_auth: false });
    expect(proxy.logins).toBe(before + 1);
    // Basic credentials within the minute are remembered: the proxy is not asked again.
    expect((await api(reg.app, 'GET', '/projects/team', ALICE)).statusCode).toBe(200);
    expect(proxy.logins).toBe(before + 1);
    expect(await tokenActions(ALICE, 'team/app')).toEqual(['pull', 'push']);
    // bob is in no group of the project: a private project is not his.
    expect((await api(reg.app, 'GET', '/projects/team', BOB)).statusCode).toBe(403);
    expect(await tokenActions(BOB, 'team/app')).toEqual([]);
    // The groups the logins named exist now.
    const groups = (await api(reg.app, 'GET', '/usergroups', ADMIN)).json<
      { group_name: string; group_type: number }[]
    >();
    expect(groups.map((g) => g.group_name).sort()).toEqual(['devs', 'readers']);
    expect(groups.every((g) => g.group_type === 2)).toBe(true);
  });

  it('refuses a wrong password and an unknown user, counting them as failed logins', async () => {
    expectHarborError(
      await api(reg.app, 'GET', '/users/current', { ...ALICE, password: 'wrong' }),
      401,
      'UNAUTHORIZED',
    );
    expectHarborError(
      await api(reg.app, 'GET', '/users/current', { username: 'mallory', password: 'x' }),
      401,
      'UNAUTHORIZED',
    );
    expect(await reg.wharf.store.users.getByName('mallory')).toBeUndefined();
    // Empty passwords never reach the proxy.
    const before = proxy.logins;
    expectHarborError(await api(reg.app, 'GET', '/users/current', { ...BOB, password: '' }), 401, 'UNAUTHORIZED');
    expect(proxy.logins).toBe(before);
  });

  it('makes members of an admin group administrators, apart from the sysadmin flag', async () => {
    const me = await api(reg.app, 'GET', '/users/current', CAROL);
    expect(me.json()).toMatchObject({ username: 'carol', sysadmin_flag: false, admin_role_in_auth: true });
    expect((await api(reg.app, 'GET', '/users', CAROL)).statusCode).toBe(200);
    // Out of the admin group at the next login (a minute later), no longer an administrator.
    proxy.users.get('carol')!.groups = [];
    clock.advance(61_000);
    expect((await api(reg.app, 'GET', '/users', CAROL)).statusCode).toBe(403);
  });

  it('takes a group away at the next login, and its roles with it', async () => {
    proxy.users.get('alice')!.groups = ['readers'];
    clock.advance(61_000);
    expect(await tokenActions(ALICE, 'team/app')).toEqual([]);
    const alice = (await reg.wharf.store.users.getByName('alice'))!;
    expect((await reg.wharf.store.userGroups.groupsOf(alice.id)).map((g) => g.name)).toEqual(['readers']);
  });

  it('answers 503 when the proxy cannot be reached, not a wrong password', async () => {
    await proxy.stop();
    clock.advance(61_000);
    const res = await api(reg.app, 'GET', '/users/current', ALICE);
    expectHarborError(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
    // So do the token service (docker login) and the portal's login.
    const token = await reg.wharf.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry',
      headers: { authorization: basic(ALICE) },
    });
    expect(token.statusCode, token.body).toBe(503);
    const session = await reg.wharf.app.inject({
      method: 'POST',
      url: '/c/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'principal=alice&password=alice-secret',
    });
    expect(session.statusCode, session.body).toBe(503);
    // The local admin does not depend on it.
    expect((await api(reg.app, 'GET', '/users/current', ADMIN)).statusCode).toBe(200);
    proxyUrl = await proxy.start();
    await api(reg.app, 'PUT', '/configurations', ADMIN, {
      http_authproxy_endpoint: `${proxyUrl}/login`,
      http_authproxy_tokenreview_endpoint: `${proxyUrl}/tokenreview`,
    });
    expect((await api(reg.app, 'GET', '/users/current', ALICE)).statusCode).toBe(200);
  });

  it('refuses a password change for a user who has none here', async () => {
    const alice = (await reg.wharf.store.users.getByName('alice'))!;
    const res = await api(reg.app, 'PUT', `/users/${alice.id}/password`, ADMIN, { new_password: 'Passw0rdNew1' });
    expectHarborError(res, 403, 'FORBIDDEN');
  });
});
