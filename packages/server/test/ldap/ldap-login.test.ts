import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, expectHarborError, type Credentials } from '../helpers/api-client.js';
import {
  GROUPS_DN,
  groupDn,
  PEOPLE_DN,
  READER_DN,
  READER_PASSWORD,
  startSlapd,
  USER_FILTER,
  userDn,
  type Slapd,
} from '../helpers/slapd.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * `ldap_auth` end to end against a real slapd: users sign in to the API with Basic credentials and get registry
 * tokens as docker does, are created at their first login, hold the roles of their LDAP groups (read again at each
 * login), become administrators through the group admin DN, and an unreachable directory is a 503, not a wrong
 * password. The local admin keeps signing in from the database.
 */
const clock = new ManualClock();
const reg = useTestRegistry({}, { clock });
let slapd: Slapd;

const ALICE: Credentials = { username: 'alice', password: 'alice-pw' };
const BOB: Credentials = { username: 'bob', password: 'bob-pw' };
const CAROL: Credentials = { username: 'carol', password: 'carol-pw' };
const DAVE: Credentials = { username: 'dave', password: 'dave-pw' };

/** Past the minute for which verified Basic credentials are remembered: the next login asks the directory. */
const forget = () => clock.advance(61_000);

beforeAll(async () => {
  slapd = await startSlapd();
  const configured = await api(reg.app, 'PUT', '/configurations', ADMIN, {
    auth_mode: 'ldap_auth',
    ldap_url: slapd.url,
    ldap_search_dn: READER_DN,
    ldap_search_password: READER_PASSWORD,
    ldap_base_dn: PEOPLE_DN,
    ldap_filter: USER_FILTER,
    ldap_uid: 'uid',
    ldap_group_base_dn: GROUPS_DN,
    ldap_group_search_filter: '(objectClass=groupOfNames)',
    ldap_group_admin_dn: groupDn('admins'),
  });
  expect(configured.statusCode, configured.body).toBe(200);
  const project = await api(reg.app, 'POST', '/projects', ADMIN, {
    project_name: 'team',
    metadata: { public: 'false' },
  });
  expect(project.statusCode, project.body).toBe(201);
  const member = await api(reg.app, 'POST', '/projects/team/members', ADMIN, {
    role_id: 2,
    member_group: { group_type: 1, group_name: 'devs', ldap_group_dn: groupDn('devs') },
  });
  expect(member.statusCode, member.body).toBe(201);
});

afterAll(async () => {
  await slapd?.stop();
});

async function token(as: Credentials, scope = 'repository:team/app:pull,push') {
  return reg.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(scope)}`,
    headers: { authorization: basic(as) },
  });
}

async function tokenActions(as: Credentials): Promise<string[]> {
  const res = await token(as);
  expect(res.statusCode, res.body).toBe(200);
  const jwt = res.json<{ token: string }>().token;
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
    access: { actions: string[] }[];
  };
  return payload.access.flatMap((a) => a.actions).sort();
}

describe('ldap_auth end to end (slapd)', () => {
  it('creates a directory user at first login, with the roles of their LDAP groups', async () => {
    const me = await api(reg.app, 'GET', '/users/current', ALICE);
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({
      username: 'alice',
      email: 'alice@wharf.test',
      realname: 'Alice Liddell',
      admin_role_in_auth: false,
    });
    expect(await reg.wharf.store.users.getByName('alice')).toMatchObject({ passwordHash: null });
    expect((await api(reg.app, 'GET', '/projects/team', ALICE)).statusCode).toBe(200);
    // As docker login and push do: a token for the repository, then /v2 with it.
    expect(await tokenActions(ALICE)).toEqual(['pull', 'push']);
    const jwt = (await token(ALICE, 'repository:team/app:pull')).json<{ token: string }>().token;
    const v2 = await reg.app.inject({ method: 'GET', url: '/v2/', headers: { authorization: `Bearer ${jwt}` } });
    expect(v2.statusCode, v2.body).toBe(200);
    // The group the login found is the one the project's member names (by its DN).
    const groups = (await api(reg.app, 'GET', '/usergroups', ADMIN)).json<
      { group_name: string; group_type: number; ldap_group_dn?: string }[]
    >();
    expect(groups).toEqual([
      expect.objectContaining({ group_name: 'devs', group_type: 1, ldap_group_dn: groupDn('devs') }),
    ]);
    // bob (ops) has nothing in the project.
    expect((await api(reg.app, 'GET', '/projects/team', BOB)).statusCode).toBe(403);
    expect(await tokenActions(BOB)).toEqual([]);
  });

  it('refuses a wrong password, an unknown user, a disabled one and an empty password with 401', async () => {
    forget();
    for (const as of [
      { ...ALICE, password: 'wrong' },
      { username: 'nobody', password: 'x' },
      DAVE,
      { ...BOB, password: '' },
    ]) {
      expectHarborError(await api(reg.app, 'GET', '/users/current', as), 401, 'UNAUTHORIZED');
      expect((await token(as)).statusCode).toBe(401);
    }
    expect(await reg.wharf.store.users.getByName('dave')).toBeUndefined();
    expect(await reg.wharf.store.users.getByName('nobody')).toBeUndefined();
    // The local admin signs in from the database.
    expect((await api(reg.app, 'GET', '/users/current', ADMIN)).statusCode).toBe(200);
  });

  it('reads group membership again at each login: a group removed in the directory takes its roles away', async () => {
    forget();
    expect(await tokenActions(ALICE)).toEqual(['pull', 'push']);
    await slapd.modify(
      `dn: ${groupDn('devs')}\nchangetype: modify\nadd: member\nmember: ${userDn('erin')}\n-\n` +
        `delete: member\nmember: ${userDn('alice')}\n`,
    );
    try {
      // Within the minute the remembered login stands; after it, the directory says.
      expect(await tokenActions(ALICE)).toEqual(['pull', 'push']);
      forget();
      expect(await tokenActions(ALICE)).toEqual([]);
      expect((await api(reg.app, 'GET', '/projects/team', ALICE)).statusCode).toBe(403);
    } finally {
      await slapd.modify(
        `dn: ${groupDn('devs')}\nchangetype: modify\nadd: member\nmember: ${userDn('alice')}\n-\n` +
          `delete: member\nmember: ${userDn('erin')}\n`,
      );
    }
    forget();
    expect(await tokenActions(ALICE)).toEqual(['pull', 'push']);
  });

  it('makes members of the group admin DN administrators', async () => {
    const me = await api(reg.app, 'GET', '/users/current', CAROL);
    expect(me.json()).toMatchObject({ username: 'carol', admin_role_in_auth: true });
    expect((await api(reg.app, 'GET', '/users', CAROL)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users', ALICE)).statusCode).toBe(403);
  });

  it('lets an imported user sign in through the directory', async () => {
    const imported = await api(reg.app, 'POST', '/ldap/users/import', ADMIN, { ldap_uid_list: ['erin'] });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(await reg.wharf.store.users.getByName('erin')).toMatchObject({ passwordHash: null, email: null });
    const me = await api(reg.app, 'GET', '/users/current', { username: 'erin', password: 'erin-pw' });
    expect(me.statusCode, me.body).toBe(200);
  });

  it('answers 503 when the directory cannot be reached, not a wrong password', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    await new Promise<void>((r) => server.close(() => r()));
    const moved = await api(reg.app, 'PUT', '/configurations', ADMIN, { ldap_url: `ldap://127.0.0.1:${port}` });
    expect(moved.statusCode, moved.body).toBe(200);
    try {
      forget();
      const res = await api(reg.app, 'GET', '/users/current', ALICE);
      expectHarborError(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('5');
      expect((await token(ALICE)).statusCode).toBe(503);
      expect((await api(reg.app, 'GET', '/users/current', ADMIN)).statusCode).toBe(200);
    } finally {
      await api(reg.app, 'PUT', '/configurations', ADMIN, { ldap_url: slapd.url });
    }
  });

  it('measures login latency: through LDAP (first login of the minute) and remembered', async () => {
    const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    const timed = async (before: () => void) => {
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        before();
        const started = performance.now();
        const res = await api(reg.app, 'GET', '/users/current', ALICE);
        times.push(performance.now() - started);
        expect(res.statusCode).toBe(200);
      }
      return median(times);
    };
    const throughLdap = await timed(forget);
    const remembered = await timed(() => undefined);
    console.info(
      `GET /api/v2.0/users/current as an LDAP user, median of 50: through LDAP ${throughLdap.toFixed(2)} ms, ` +
        `remembered ${remembered.toFixed(2)} ms`,
    );
    expect(remembered).toBeLessThan(throughLdap);
  });
});
