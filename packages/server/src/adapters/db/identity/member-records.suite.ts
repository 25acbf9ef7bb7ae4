import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import { PROJECT_ROLE_IDS } from '../../../domain/rbac/roles.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

export function describeMemberRecords(fresh: FreshIdentity): void {
  describe('members', () => {
    it('adds users and groups as members and finds them by id and by entity', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const project = await store.projects.create({ name: 'team', public: false });
      const member = await store.members.add({
        projectId: project.id,
        entityType: 'u',
        entityId: alice.id,
        roleId: PROJECT_ROLE_IDS.developer,
      });
      expect(member).toMatchObject({
        projectId: project.id,
        entityType: 'u',
        entityId: alice.id,
        entityName: 'alice',
        roleId: 2,
      });
      expect(await store.members.get(project.id, member.id)).toEqual(member);
      expect(await store.members.find(project.id, 'u', alice.id)).toEqual(member);
      const devs = await store.userGroups.create({ type: 3, name: 'devs' });
      const group = await store.members.add({ projectId: project.id, entityType: 'g', entityId: devs.id, roleId: 3 });
      expect(group).toMatchObject({ entityType: 'g', entityId: devs.id, entityName: 'devs', roleId: 3 });
      expect(await store.members.find(project.id, 'g', devs.id)).toEqual(group);
      await expect(
        store.members.add({ projectId: project.id, entityType: 'g', entityId: devs.id + 1000, roleId: 3 }),
      ).rejects.toMatchObject({ entity: 'user-group' });
      const library = await store.projects.getByName('library');
      expect(await store.members.get(library?.id ?? 0, member.id)).toBeUndefined();
    });

    it('refuses a second membership, an unknown project and an unknown user', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const project = await store.projects.create({ name: 'team', public: false });
      await store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id, roleId: 1 });
      await expect(
        store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id, roleId: 2 }),
      ).rejects.toThrow(new ConflictError(`user ${alice.id} already is a member of project ${project.id}`));
      await expect(
        store.members.add({ projectId: project.id + 1000, entityType: 'u', entityId: alice.id, roleId: 2 }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id + 1000, roleId: 2 }),
      ).rejects.toMatchObject({ entity: 'user' });
    });

    it('changes a role and removes a member, scoped to its project', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const project = await store.projects.create({ name: 'team', public: false });
      const member = await store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id, roleId: 3 });
      expect(await store.members.updateRole(project.id + 1000, member.id, 1)).toBe(false);
      expect(await store.members.updateRole(project.id, member.id, PROJECT_ROLE_IDS.maintainer)).toBe(true);
      expect(await store.members.get(project.id, member.id)).toMatchObject({ roleId: 4 });
      expect(await store.members.remove(project.id + 1000, member.id)).toBe(false);
      expect(await store.members.remove(project.id, member.id)).toBe(true);
      expect(await store.members.remove(project.id, member.id)).toBe(false);
      expect(await store.members.get(project.id, member.id)).toBeUndefined();
    });

    it('lists members by type and name with paging and totals', async () => {
      const { store } = await fresh();
      const project = await store.projects.create({ name: 'team', public: false });
      for (const username of ['carol', 'alice', 'bob', 'alfred']) {
        const user = await store.users.create({ username });
        await store.members.add({ projectId: project.id, entityType: 'u', entityId: user.id, roleId: 2 });
      }
      const ops = await store.userGroups.create({ type: 1, name: 'ops', ldapDn: 'cn=ops,ou=groups,dc=example,dc=org' });
      await store.members.add({ projectId: project.id, entityType: 'g', entityId: ops.id, roleId: 3 });
      const page1 = await store.members.list(project.id, { page: 1, pageSize: 3 });
      expect(page1.total).toBe(5);
      expect(page1.items.map((m) => m.entityName)).toEqual(['ops', 'alfred', 'alice']);
      const page2 = await store.members.list(project.id, { page: 2, pageSize: 3 });
      expect(page2.items.map((m) => m.entityName)).toEqual(['bob', 'carol']);
      const al = await store.members.list(project.id, { entityName: 'AL', page: 1, pageSize: 10 });
      expect(al).toMatchObject({ total: 2, items: [{ entityName: 'alfred' }, { entityName: 'alice' }] });
      const groups = await store.members.list(project.id, { entityType: 'g', page: 1, pageSize: 10 });
      expect(groups).toMatchObject({ total: 1, items: [{ entityType: 'g', entityId: ops.id }] });
      const byGroupName = await store.members.list(project.id, { entityName: 'OP', page: 1, pageSize: 10 });
      expect(byGroupName).toMatchObject({ total: 1, items: [{ entityName: 'ops' }] });
    });

    it('counts the members of a project by role, users and groups alike', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'bob' });
      const project = await store.projects.create({ name: 'team', public: false });
      const other = await store.projects.create({ name: 'other', public: false });
      expect(await store.members.countByRole(project.id)).toEqual(new Map());
      await store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id, roleId: 1 });
      await store.members.add({ projectId: project.id, entityType: 'u', entityId: bob.id, roleId: 2 });
      const devs = await store.userGroups.create({ type: 2, name: 'devs' });
      await store.members.add({ projectId: project.id, entityType: 'g', entityId: devs.id, roleId: 2 });
      await store.members.add({ projectId: other.id, entityType: 'u', entityId: bob.id, roleId: 5 });
      expect(await store.members.countByRole(project.id)).toEqual(
        new Map([
          [1, 1],
          [2, 2],
        ]),
      );
      expect(await store.members.countByRole(other.id)).toEqual(new Map([[5, 1]]));
    });

    it("looks up a user's roles over all projects, directly and through its groups", async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const bob = await store.users.create({ username: 'bob' });
      const a = await store.projects.create({ name: 'a', public: false });
      const b = await store.projects.create({ name: 'b', public: false });
      const c = await store.projects.create({ name: 'c', public: false });
      await store.members.add({ projectId: b.id, entityType: 'u', entityId: alice.id, roleId: 2 });
      await store.members.add({ projectId: a.id, entityType: 'u', entityId: alice.id, roleId: 1 });
      const groups = await store.userGroups.ensure(['one', 'two', 'three', 'four'].map((name) => ({ type: 3, name })));
      // A group whose id equals the user's id must not count as the user: grant such a group a role too.
      const twin = groups.find((g) => g.id === alice.id);
      const [five, six] = groups.filter((g) => g !== twin);
      await store.members.add({ projectId: b.id, entityType: 'g', entityId: five!.id, roleId: 4 });
      await store.members.add({ projectId: c.id, entityType: 'g', entityId: six!.id, roleId: 3 });
      await store.members.add({ projectId: c.id, entityType: 'u', entityId: bob.id, roleId: 5 });
      expect(twin).toBeDefined();
      await store.members.add({ projectId: c.id, entityType: 'g', entityId: twin!.id, roleId: 1 });
      expect(await store.members.rolesOf(alice.id)).toEqual([
        { projectId: a.id, projectName: 'a', roleId: 1, via: 'u' },
        { projectId: b.id, projectName: 'b', roleId: 2, via: 'u' },
      ]);
      expect(await store.members.rolesOf(alice.id, [five!.id, six!.id])).toEqual([
        { projectId: a.id, projectName: 'a', roleId: 1, via: 'u' },
        { projectId: b.id, projectName: 'b', roleId: 2, via: 'u' },
        { projectId: b.id, projectName: 'b', roleId: 4, via: 'g' },
        { projectId: c.id, projectName: 'c', roleId: 3, via: 'g' },
      ]);
      expect(await store.members.rolesOf(bob.id)).toEqual([{ projectId: c.id, projectName: 'c', roleId: 5, via: 'u' }]);
      // The groups stored for the user, in the same query.
      await store.userGroups.setMemberships(alice.id, [five!.id, six!.id]);
      expect(await store.members.rolesOf(alice.id, 'stored')).toEqual(
        await store.members.rolesOf(alice.id, [five!.id, six!.id]),
      );
      expect(await store.members.rolesOf(bob.id, 'stored')).toEqual(await store.members.rolesOf(bob.id));
    });
  });
}
