import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../domain/errors.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

const OPS_DN = 'cn=ops,ou=groups,dc=example,dc=org';

export function describeUserGroupRecords(fresh: FreshIdentity): void {
  describe('user groups', () => {
    it('creates groups identified by DN (LDAP) or by name (HTTP, OIDC), and refuses a second one', async () => {
      const { store } = await fresh();
      const ldap = await store.userGroups.create({ type: 1, name: 'ops', ldapDn: OPS_DN });
      expect(ldap).toMatchObject({ name: 'ops', type: 1, ldapDn: OPS_DN });
      const oidc = await store.userGroups.create({ type: 3, name: 'ops' });
      expect(oidc).toMatchObject({ name: 'ops', type: 3, ldapDn: null });
      expect(await store.userGroups.get(oidc.id)).toEqual(oidc);
      // DNs compare case-insensitively; an LDAP group of another DN may have the same name.
      await expect(
        store.userGroups.create({ type: 1, name: 'x', ldapDn: OPS_DN.toUpperCase() }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(store.userGroups.create({ type: 3, name: 'ops' })).rejects.toBeInstanceOf(ConflictError);
      await store.userGroups.create({ type: 1, name: 'ops', ldapDn: 'cn=ops,ou=other,dc=example,dc=org' });
      await store.userGroups.create({ type: 2, name: 'ops' });
    });

    it('lists by type, name and DN with paging, renames, and deletes with its memberships', async () => {
      const { store } = await fresh();
      const ops = await store.userGroups.create({ type: 1, name: 'ops', ldapDn: OPS_DN });
      const devs = await store.userGroups.create({ type: 3, name: 'Developers' });
      await store.userGroups.create({ type: 3, name: 'testers' });
      expect(await store.userGroups.list({ page: 1, pageSize: 2 })).toMatchObject({
        total: 3,
        items: [{ name: 'ops' }, { name: 'Developers' }],
      });
      expect((await store.userGroups.list({ name: 'DEV', page: 1, pageSize: 10 })).items).toEqual([devs]);
      expect((await store.userGroups.list({ type: 1, page: 1, pageSize: 10 })).items).toEqual([ops]);
      expect((await store.userGroups.list({ ldapDn: OPS_DN.toUpperCase(), page: 1, pageSize: 10 })).items).toEqual([
        ops,
      ]);
      expect(await store.userGroups.rename(devs.id, 'devs')).toMatchObject({ id: devs.id, name: 'devs' });
      await expect(store.userGroups.rename(devs.id, 'testers')).rejects.toBeInstanceOf(ConflictError);
      expect(await store.userGroups.rename(devs.id + 100, 'x')).toBeUndefined();

      const alice = await store.users.create({ username: 'alice' });
      const project = await store.projects.create({ name: 'team', public: false });
      await store.members.add({ projectId: project.id, entityType: 'g', entityId: devs.id, roleId: 2 });
      await store.userGroups.setMemberships(alice.id, [devs.id, ops.id]);
      expect(await store.userGroups.delete(devs.id)).toBe(true);
      expect(await store.userGroups.delete(devs.id)).toBe(false);
      expect(await store.members.list(project.id, { page: 1, pageSize: 10 })).toMatchObject({ total: 0 });
      expect(await store.userGroups.groupsOf(alice.id)).toEqual([ops]);
    });

    it('ensures groups once under concurrent logins, and sets exactly the memberships given', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'bob' });
      const wanted = [
        { type: 3 as const, name: 'a' },
        { type: 3 as const, name: 'b' },
        { type: 1 as const, name: 'ops', ldapDn: OPS_DN },
        { type: 3 as const, name: 'a' },
      ];
      const [first, second] = await Promise.all([store.userGroups.ensure(wanted), store.userGroups.ensure(wanted)]);
      expect(first.map((g) => g.id)).toEqual(second.map((g) => g.id));
      expect(first).toHaveLength(3);
      expect((await store.userGroups.list({ page: 1, pageSize: 10 })).total).toBe(3);
      const [a, b, ops] = first;
      await store.userGroups.setMemberships(alice.id, [a!.id, b!.id]);
      await store.userGroups.setMemberships(bob.id, [b!.id]);
      await store.userGroups.setMemberships(alice.id, [b!.id, ops!.id]);
      expect((await store.userGroups.groupsOf(alice.id)).map((g) => g.name)).toEqual(['b', 'ops']);
      expect((await store.userGroups.groupsOf(bob.id)).map((g) => g.name)).toEqual(['b']);
      await store.userGroups.setMemberships(alice.id, []);
      expect(await store.userGroups.groupsOf(alice.id)).toEqual([]);
      // A deleted user is in no group.
      await store.userGroups.setMemberships(bob.id, [a!.id]);
      await store.users.delete(bob.id);
      expect(await store.userGroups.groupsOf(bob.id)).toEqual([]);
    });

    it('records whether the provider made a user an administrator, apart from sysadmin', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      expect(alice.adminRoleInAuth).toBe(false);
      expect(await store.users.setAdminRoleInAuth(alice.id, true)).toBe(true);
      expect(await store.users.get(alice.id)).toMatchObject({ adminRoleInAuth: true, sysadmin: false });
      expect(await store.users.setAdminRoleInAuth(alice.id + 100, true)).toBe(false);
    });

    it('keeps feature settings as sections, merging keys and removing undefined ones', async () => {
      const { store } = await fresh();
      expect(await store.settings.getSection('ldap')).toEqual({});
      expect(await store.settings.setSection('ldap', { url: 'ldap://a', timeout: 5 })).toEqual({
        url: 'ldap://a',
        timeout: 5,
      });
      expect(await store.settings.setSection('ldap', { timeout: undefined, base: 'dc=x' })).toEqual({
        url: 'ldap://a',
        base: 'dc=x',
      });
      expect(await store.settings.getSection('oidc')).toEqual({});
      expect(await store.settings.getSection('ldap')).toEqual({ url: 'ldap://a', base: 'dc=x' });
      // Sections are not Harbor's settings.
      expect(await store.settings.get()).toMatchObject({ authMode: 'db_auth' });
    });
  });
}
