import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/password-hash.js';
import { isSealed } from '../../src/lib/secret-box.js';
import type { RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import {
  GROUPS_DN,
  groupDn,
  PEOPLE_DN,
  READER_DN,
  READER_PASSWORD,
  startSlapd,
  USER_FILTER,
  type Slapd,
} from '../helpers/slapd.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/** `/configurations`' ldap_* keys and the `/ldap` routes, against a real slapd. */
const reg = useTestRegistry();
let slapd: Slapd;

beforeAll(async () => {
  slapd = await startSlapd();
});

afterAll(async () => {
  await slapd?.stop();
});

type Items = Record<string, { value: unknown; editable: boolean }>;
type Ping = { success: boolean; message: string };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function configure(extra: Record<string, unknown> = {}): Promise<void> {
  const res = await api(reg.app, 'PUT', '/configurations', ADMIN, {
    ldap_url: slapd.url,
    ldap_search_dn: READER_DN,
    ldap_search_password: READER_PASSWORD,
    ldap_base_dn: PEOPLE_DN,
    ldap_filter: USER_FILTER,
    ldap_uid: 'uid',
    ldap_scope: 2,
    ldap_group_base_dn: GROUPS_DN,
    ldap_group_search_filter: 'objectClass=groupOfNames',
    ldap_group_attribute_name: 'cn',
    ldap_group_admin_dn: groupDn('admins'),
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(200);
}

describe('LDAP configurations', () => {
  it('lists the ldap_* keys with Harbor’s defaults, stores them, and never shows the search password', async () => {
    const before = (await api(reg.app, 'GET', '/configurations', ADMIN)).json<Items>();
    expect(before).toMatchObject({
      ldap_url: { value: '', editable: true },
      ldap_uid: { value: 'cn', editable: true },
      ldap_scope: { value: 2, editable: true },
      ldap_timeout: { value: 5, editable: true },
      ldap_verify_cert: { value: true, editable: true },
      ldap_group_attribute_name: { value: 'cn', editable: true },
      ldap_group_membership_attribute: { value: 'memberof', editable: true },
      ldap_group_search_scope: { value: 2, editable: true },
      ldap_group_attach_parallel: { value: false, editable: true },
      ldap_start_tls: { value: false, editable: true },
      ldap_nested_groups: { value: false, editable: true },
    });
    expect(before).not.toHaveProperty('ldap_search_password');
    await configure();
    const after = (await api(reg.app, 'GET', '/configurations', ADMIN)).json<Items>();
    expect(after).toMatchObject({
      ldap_url: { value: slapd.url },
      ldap_search_dn: { value: READER_DN },
      ldap_filter: { value: USER_FILTER },
      ldap_group_search_filter: { value: 'objectClass=groupOfNames' },
    });
    expect(after).not.toHaveProperty('ldap_search_password');
    const stored = await reg.wharf.store.settings.getSection('ldap');
    expect(isSealed(String(stored.ldap_search_password))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(READER_PASSWORD);
  });

  it('refuses malformed values, and StartTLS over ldaps', async () => {
    const put = (body: unknown) => api(reg.app, 'PUT', '/configurations', ADMIN, body);
    expect(expectHarborError(await put({ ldap_url: 'http://example.com' }), 400, 'BAD_REQUEST')).toContain('ldap://');
    expect(expectHarborError(await put({ ldap_scope: 3 }), 400, 'BAD_REQUEST')).toContain('subtree');
    expect(expectHarborError(await put({ ldap_timeout: 0 }), 400, 'BAD_REQUEST')).toContain('seconds');
    expect(expectHarborError(await put({ ldap_filter: '(uid=a' }), 400, 'BAD_REQUEST')).toContain('filter');
    expect(expectHarborError(await put({ ldap_uid: 'u id' }), 400, 'BAD_REQUEST')).toContain('attribute');
    const tls = await put({ ldap_url: 'ldaps://ldap.example.com', ldap_start_tls: true });
    expect(expectHarborError(tls, 400, 'BAD_REQUEST')).toContain('ldap_start_tls');
    // A host alone is an ldap:// URL, as in Harbor.
    expect((await put({ ldap_url: 'ldap.example.com:389' })).statusCode).toBe(200);
    const items = (await api(reg.app, 'GET', '/configurations', ADMIN)).json<Items>();
    expect(items.ldap_url?.value).toBe('ldap://ldap.example.com:389');
  });
});

describe('/ldap routes', () => {
  it('pings with the stored settings or with given ones; a failure is an answer with the reason', async () => {
    await configure();
    const stored = await api(reg.app, 'POST', '/ldap/ping', ADMIN);
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toMatchObject({ success: true });
    const wrong = await api(reg.app, 'POST', '/ldap/ping', ADMIN, { ldap_search_password: 'wrong' });
    expect(wrong.statusCode).toBe(200);
    expect(wrong.json<Ping>().success).toBe(false);
    expect(wrong.json<Ping>().message).toContain('refused the search DN');
    const port = await closedPort();
    const closed = await api(reg.app, 'POST', '/ldap/ping', ADMIN, {
      ldap_url: `ldap://127.0.0.1:${port}`,
      ldap_connection_timeout: 2,
    });
    expect(closed.json<Ping>()).toMatchObject({ success: false });
    expect(closed.json<Ping>().message).toContain('refused the connection');
    // Given settings are tried, not stored.
    expect((await api(reg.app, 'POST', '/ldap/ping', ADMIN, {})).json()).toMatchObject({ success: true });
    expectHarborError(await api(reg.app, 'POST', '/ldap/ping', ADMIN, { ldap_scope: 7 }), 400, 'BAD_REQUEST');
  });

  it('searches users by UID, or every enabled user', async () => {
    await configure();
    const one = await api(reg.app, 'GET', '/ldap/users/search?username=alice', ADMIN);
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toEqual([{ username: 'alice', realname: 'Alice Liddell', email: 'alice@wharf.test' }]);
    const all = await api(reg.app, 'GET', '/ldap/users/search', ADMIN);
    expect(
      all
        .json<{ username: string }[]>()
        .map((u) => u.username)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol', 'erin']);
    expect((await api(reg.app, 'GET', '/ldap/users/search?username=a*', ADMIN)).json()).toEqual([]);
    expect((await api(reg.app, 'GET', '/ldap/users/search?username=erin', ADMIN)).json()).toEqual([
      { username: 'erin', realname: 'Erin Example', email: '' },
    ]);
  });

  it('searches groups by name or by DN', async () => {
    await configure();
    const byName = await api(reg.app, 'GET', '/ldap/groups/search?groupname=devs', ADMIN);
    expect(byName.statusCode, byName.body).toBe(200);
    expect(byName.json()).toEqual([{ group_name: 'devs', group_type: 1, ldap_group_dn: groupDn('devs') }]);
    const byDn = await api(reg.app, 'GET', `/ldap/groups/search?groupdn=${encodeURIComponent(groupDn('ops'))}`, ADMIN);
    expect(byDn.json()).toEqual([{ group_name: 'ops', group_type: 1, ldap_group_dn: groupDn('ops') }]);
    expect((await api(reg.app, 'GET', '/ldap/groups/search?groupname=nope', ADMIN)).json()).toEqual([]);
    const missingDn = `cn=nope,${GROUPS_DN}`;
    const none = await api(reg.app, 'GET', `/ldap/groups/search?groupdn=${encodeURIComponent(missingDn)}`, ADMIN);
    expect(none.json()).toEqual([]);
    expectHarborError(await api(reg.app, 'GET', '/ldap/groups/search', ADMIN), 400, 'BAD_REQUEST');
  });

  it('imports users without a local password, and lists the ones it could not import with 404', async () => {
    await configure();
    const res = await api(reg.app, 'POST', '/ldap/users/import', ADMIN, { ldap_uid_list: ['bob'] });
    expect(res.statusCode, res.body).toBe(200);
    const bob = await reg.wharf.store.users.getByName('bob');
    expect(bob).toMatchObject({
      email: 'bob@wharf.test',
      realname: 'Bob Builder',
      passwordHash: null,
      sysadmin: false,
    });
    const again = await api(reg.app, 'POST', '/ldap/users/import', ADMIN, {
      ldap_uid_list: ['bob', 'nobody', 'dave', 'carol'],
    });
    expect(again.statusCode, again.body).toBe(404);
    expect(again.json()).toEqual([
      { uid: 'bob', error: 'user bob already exists' },
      { uid: 'nobody', error: 'not found in the LDAP directory' },
      { uid: 'dave', error: 'not found in the LDAP directory' },
    ]);
    expect(await reg.wharf.store.users.getByName('carol')).toMatchObject({ passwordHash: null });
    expectHarborError(
      await api(reg.app, 'POST', '/ldap/users/import', ADMIN, { ldap_uid_list: [] }),
      400,
      'BAD_REQUEST',
    );
  });

  it('answers 500 with the reason when the directory cannot be reached', async () => {
    await configure({ ldap_url: `ldap://127.0.0.1:${await closedPort()}` });
    const res = await api(reg.app, 'GET', '/ldap/users/search?username=alice', ADMIN);
    expect(expectHarborError(res, 500, 'INTERNAL_SERVER_ERROR')).toContain('refused the connection');
    await configure();
  });
});

/** A system-level robot with system permissions (`robot$<name>`). */
async function systemRobot(name: string, access: RobotAccess[]): Promise<Credentials> {
  const secret = `Secret-${name}-0`;
  await reg.wharf.store.robots.create({
    name: `robot$${name}`,
    level: 'system',
    projectId: null,
    permissions: [{ kind: 'system', namespace: '/', access }],
    secretHash: await hashPassword(secret),
    disabled: false,
    durationDays: null,
    expiresAt: null,
  });
  return { username: `robot$${name}`, password: secret };
}

describe('authorisation of /ldap', () => {
  const ROUTES = [
    { method: 'POST', path: '/ldap/ping', body: {}, robot: false },
    { method: 'GET', path: '/ldap/users/search?username=alice', robot: true },
    { method: 'POST', path: '/ldap/users/import', body: { ldap_uid_list: ['erin'] }, robot: true },
    { method: 'GET', path: '/ldap/groups/search?groupname=devs', robot: true },
  ] as const;

  it('lets system administrators in (and system robots granted LDAP users or groups), no one else', async () => {
    await configure();
    const wharf = reg.wharf;
    const { members } = await createProjectWithMembers(wharf, 'ldap-authz', { public: true });
    const user = await createUserDirect(wharf, 'ldap-authz-user');
    const sysadmin = await createUserDirect(wharf, 'ldap-authz-admin', true);
    const robot = await systemRobot('ldap-authz-robot', [
      { resource: 'ldap-user', action: 'list' },
      { resource: 'ldap-user', action: 'create' },
      { resource: 'user-group', action: 'list' },
    ]);
    const pullRobot = await createRobotDirect(wharf, 'ldap-authz-pull', [{ resource: 'repository', action: 'pull' }]);
    const callers: [string, Credentials | undefined, (robotAllowed: boolean) => number][] = [
      ['anonymous', undefined, () => 401],
      ['user', user, () => 403],
      ['project admin', members.projectAdmin, () => 403],
      ['robot without', pullRobot, () => 403],
      ['robot with', robot, (allowed) => (allowed ? 200 : 403)],
      ['sysadmin', sysadmin, () => 200],
    ];
    for (const route of ROUTES) {
      for (const [name, as, expected] of callers) {
        if (route.path === '/ldap/users/import') {
          const existing = await wharf.store.users.getByName('erin');
          if (existing) await wharf.store.users.delete(existing.id);
        }
        const res = await api(reg.app, route.method, route.path, as, 'body' in route ? route.body : undefined);
        expect(res.statusCode, `${route.method} ${route.path} as ${name}: ${res.body}`).toBe(expected(route.robot));
      }
    }
  });
});
