import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdaptsDirectory } from '../../src/adapters/identity/ldap-directory.js';
import { SecretBox } from '../../src/lib/secret-box.js';
import { LdapProvider } from '../../src/ldap/ldap-service.js';
import { LDAP_SECTION, SEARCH_PASSWORD_CONTEXT } from '../../src/ldap/ldap-settings.js';
import { IdentityProviderUnavailableError } from '../../src/ports/identity-provider.js';
import {
  BASE_DN,
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
 * The provider of `ldap_auth` against a real slapd (test/helpers/slapd.ts), with its settings in the settings
 * section of a real store.
 */
const reg = useTestRegistry();
const box = new SecretBox(randomBytes(32));
let slapd: Slapd;
let provider: LdapProvider;

beforeAll(async () => {
  slapd = await startSlapd();
  provider = new LdapProvider({
    settings: reg.wharf.store.settings,
    users: reg.wharf.store.users,
    box,
    directory: new LdaptsDirectory(),
  });
});

afterAll(async () => {
  await slapd?.stop();
});

/** Replaces the whole LDAP section with Harbor-keyed values over a working base. */
async function configure(values: Record<string, unknown> = {}): Promise<void> {
  const current = await reg.wharf.store.settings.getSection(LDAP_SECTION);
  const reset = Object.fromEntries(Object.keys(current).map((k) => [k, undefined]));
  const { ldap_search_password: password = READER_PASSWORD, ...rest } = values;
  await reg.wharf.store.settings.setSection(LDAP_SECTION, {
    ...reset,
    ldap_url: slapd.url,
    ldap_search_dn: READER_DN,
    ldap_search_password: password === '' ? '' : box.seal(String(password), SEARCH_PASSWORD_CONTEXT),
    ldap_base_dn: PEOPLE_DN,
    ldap_filter: USER_FILTER,
    ldap_uid: 'uid',
    ldap_group_base_dn: GROUPS_DN,
    ldap_group_search_filter: '(objectClass=groupOfNames)',
    ldap_group_attribute_name: 'cn',
    ...rest,
  });
}

const names = (groups: readonly { name: string }[] | undefined) => (groups ?? []).map((g) => g.name).sort();

describe('LDAP provider (slapd)', () => {
  it('signs a directory user in: profile from the entry, groups read from memberOf', async () => {
    await configure();
    const identity = await provider.authenticate('alice', 'alice-pw');
    expect(identity).toEqual({
      username: 'alice',
      email: 'alice@wharf.test',
      realname: 'Alice Liddell',
      groups: [{ type: 1, name: 'devs', ldapDn: groupDn('devs') }],
      admin: false,
    });
    // The UID's value in the directory is the Wharf name, whatever case was typed.
    expect((await provider.authenticate('ALICE', 'alice-pw'))?.username).toBe('alice');
  });

  it('refuses a wrong password, an empty one, an unknown user and a disabled one, without error', async () => {
    await configure();
    expect(await provider.authenticate('alice', 'wrong')).toBeUndefined();
    expect(await provider.authenticate('alice', '')).toBeUndefined();
    expect(await provider.authenticate('nobody', 'alice-pw')).toBeUndefined();
    // dave's password is right, but the filter excludes disabled accounts.
    expect(await provider.authenticate('dave', 'dave-pw')).toBeUndefined();
    // Filter metacharacters in the name are escaped: `a*` matches no one rather than alice.
    expect(await provider.authenticate('a*', 'alice-pw')).toBeUndefined();
    expect(await provider.authenticate('*', 'alice-pw')).toBeUndefined();
    expect(await provider.authenticate('alice)(uid=*', 'alice-pw')).toBeUndefined();
  });

  it('reads groups by a group search (member=<user DN>) when the membership attribute is not used', async () => {
    await configure({ ldap_group_membership_attribute: '' });
    expect(names((await provider.authenticate('alice', 'alice-pw'))?.groups)).toEqual(['devs']);
    expect(names((await provider.authenticate('bob', 'bob-pw'))?.groups)).toEqual(['ops']);
    expect((await provider.authenticate('erin', 'erin-pw'))?.groups).toEqual([]);
    // No group base DN: no groups at all.
    await configure({ ldap_group_base_dn: '' });
    expect((await provider.authenticate('alice', 'alice-pw'))?.groups).toEqual([]);
  });

  it('follows groups of groups when ldap_nested_groups is set, by either way of reading groups', async () => {
    for (const membership of ['memberOf', '']) {
      await configure({ ldap_nested_groups: true, ldap_group_membership_attribute: membership });
      const identity = await provider.authenticate('alice', 'alice-pw');
      expect(names(identity?.groups)).toEqual(['devs', 'engineering', 'everyone-engineering']);
      expect(identity?.groups.find((g) => g.name === 'everyone-engineering')?.ldapDn).toBe(
        groupDn('everyone-engineering'),
      );
    }
    // Without a group filter, the names of memberOf's groups come from their DNs (cn=…).
    await configure({ ldap_nested_groups: true, ldap_group_search_filter: '' });
    expect(names((await provider.authenticate('alice', 'alice-pw'))?.groups)).toEqual([
      'devs',
      'engineering',
      'everyone-engineering',
    ]);
    // With the group filter and parallel lookups, memberOf's groups are read entry by entry.
    await configure({ ldap_nested_groups: true, ldap_group_attach_parallel: true, ldap_group_attribute_name: 'cn' });
    expect(names((await provider.authenticate('alice', 'alice-pw'))?.groups)).toEqual([
      'devs',
      'engineering',
      'everyone-engineering',
    ]);
  });

  it('reads group membership again at each login', async () => {
    await configure();
    expect(names((await provider.authenticate('bob', 'bob-pw'))?.groups)).toEqual(['ops']);
    await slapd.modify(`dn: ${groupDn('devs')}\nchangetype: modify\nadd: member\nmember: ${userDn('bob')}\n`);
    expect(names((await provider.authenticate('bob', 'bob-pw'))?.groups)).toEqual(['devs', 'ops']);
    await slapd.modify(`dn: ${groupDn('devs')}\nchangetype: modify\ndelete: member\nmember: ${userDn('bob')}\n`);
    expect(names((await provider.authenticate('bob', 'bob-pw'))?.groups)).toEqual(['ops']);
  });

  it('makes members of the group admin DN administrators, nested ones too when configured', async () => {
    await configure({ ldap_group_admin_dn: groupDn('admins') });
    expect((await provider.authenticate('carol', 'carol-pw'))?.admin).toBe(true);
    expect((await provider.authenticate('alice', 'alice-pw'))?.admin).toBe(false);
    // An admin group outside the group base DN (here: no group base DN) is checked directly.
    await configure({
      ldap_group_admin_dn: groupDn('admins'),
      ldap_group_base_dn: '',
      ldap_group_membership_attribute: '',
    });
    expect((await provider.authenticate('carol', 'carol-pw'))?.admin).toBe(true);
    expect((await provider.authenticate('bob', 'bob-pw'))?.admin).toBe(false);
    await configure({ ldap_group_admin_dn: groupDn('everyone-engineering'), ldap_nested_groups: true });
    expect((await provider.authenticate('alice', 'alice-pw'))?.admin).toBe(true);
  });

  it('searches with scope and base: one level under the base DN finds nobody below it', async () => {
    await configure({ ldap_base_dn: BASE_DN, ldap_scope: 1 });
    expect(await provider.authenticate('alice', 'alice-pw')).toBeUndefined();
    await configure({ ldap_base_dn: BASE_DN, ldap_scope: 2 });
    expect((await provider.authenticate('alice', 'alice-pw'))?.username).toBe('alice');
  });

  it('uses the configured UID attribute: with cn, the name is the cn as the directory spells it', async () => {
    await configure({ ldap_uid: 'cn' });
    expect((await provider.authenticate('alice liddell', 'alice-pw'))?.username).toBe('Alice Liddell');
    expect(await provider.authenticate('alice', 'alice-pw')).toBeUndefined();
  });

  it('says the directory is unavailable (not a wrong password) for a wrong search password or a closed port', async () => {
    await configure({ ldap_search_password: 'not-the-reader-password' });
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(IdentityProviderUnavailableError);
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(/refused the search DN/);
    // A port nobody listens on.
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((r) => closed.close(() => r()));
    await configure({ ldap_url: `ldap://127.0.0.1:${port}` });
    const started = Date.now();
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(/refused the connection/);
    expect(Date.now() - started).toBeLessThan(2000);
    await configure({ ldap_url: '' });
    await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(/not configured/);
  });

  it('gives up after ldap_timeout on a server that accepts but never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    try {
      await configure({ ldap_url: `ldap://127.0.0.1:${port}`, ldap_timeout: 1 });
      const started = Date.now();
      await expect(provider.authenticate('alice', 'alice-pw')).rejects.toThrow(IdentityProviderUnavailableError);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });
});

describe('LDAP login latency (slapd on 127.0.0.1)', () => {
  it('authenticates with one connection per login: median and 95th percentile of 50 logins', async () => {
    const measure = async (label: string, values: Record<string, unknown>) => {
      await configure(values);
      const times: number[] = [];
      for (let i = 0; i < 50; i++) {
        const started = performance.now();
        expect((await provider.authenticate('alice', 'alice-pw'))?.username).toBe('alice');
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const median = times[25]!;
      console.info(`LDAP login (${label}): median ${median.toFixed(2)} ms, p95 ${times[47]!.toFixed(2)} ms`);
      // Generous: a login is a handful of round trips on a local socket.
      expect(median).toBeLessThan(100);
    };
    await measure('memberOf, group names from DNs', { ldap_group_search_filter: '' });
    await measure('memberOf, group entries read', {});
    await measure('group search', { ldap_group_membership_attribute: '' });
    await measure('group search + nested groups', { ldap_group_membership_attribute: '', ldap_nested_groups: true });
  });
});
