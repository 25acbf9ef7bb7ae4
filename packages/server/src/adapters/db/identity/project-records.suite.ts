import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../domain/errors.js';
import { KyselyRepositoryRecords } from '../repository-records.js';
import type { ProjectFilter, ProjectQuery } from '../../../ports/identity-store.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

export function describeProjectRecords(fresh: FreshIdentity): void {
  describe('projects', () => {
    it('creates a project with metadata, finds it by id and name, and refuses a taken name', async () => {
      const { store } = await fresh();
      const owner = await store.users.create({ username: 'owner' });
      const created = await store.projects.create({
        name: 'team',
        public: false,
        ownerId: owner.id,
        metadata: { auto_scan: 'true', severity: 'high' },
      });
      expect(created).toMatchObject({
        name: 'team',
        public: false,
        ownerId: owner.id,
        metadata: { auto_scan: 'true', severity: 'high' },
      });
      expect(await store.projects.get(created.id)).toEqual(created);
      expect(await store.projects.getByName('team')).toEqual(created);
      expect(await store.projects.getByName('Team')).toBeUndefined();
      await expect(store.projects.create({ name: 'team', public: true })).rejects.toThrow(
        new ConflictError('project team already exists'),
      );
      await expect(store.projects.create({ name: 'library', public: true })).rejects.toBeInstanceOf(ConflictError);
    });

    it('lists byte-wise by name with filters, paging and totals', async () => {
      const { store } = await fresh();
      const owner = await store.users.create({ username: 'owner' });
      for (const name of ['b-team', 'a-team', 'Zeta', 'ops']) {
        await store.projects.create({ name, public: name === 'ops', ownerId: name.endsWith('team') ? owner.id : null });
      }
      const first = await store.projects.list({ page: 1, pageSize: 3 });
      expect(first.total).toBe(5);
      expect(first.items.map((p) => p.name)).toEqual(['Zeta', 'a-team', 'b-team']);
      expect((await store.projects.list({ page: 2, pageSize: 3 })).items.map((p) => p.name)).toEqual([
        'library',
        'ops',
      ]);
      const teams = await store.projects.list({ name: 'TEAM', page: 1, pageSize: 10 });
      expect(teams.items.map((p) => p.name)).toEqual(['a-team', 'b-team']);
      const publicOnes = await store.projects.list({ public: true, page: 1, pageSize: 10 });
      expect(publicOnes.items.map((p) => p.name)).toEqual(['library', 'ops']);
      const owned = await store.projects.list({ ownerId: owner.id, public: false, page: 1, pageSize: 1 });
      expect(owned).toMatchObject({ total: 2, items: [{ name: 'a-team' }] });
    });

    it('lists the projects a user may see: public ones and those it or its groups are members of', async () => {
      const { store } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const mine = await store.projects.create({ name: 'mine', public: false });
      const ours = await store.projects.create({ name: 'ours', public: false });
      await store.projects.create({ name: 'theirs', public: false });
      await store.members.add({ projectId: mine.id, entityType: 'u', entityId: alice.id, roleId: 3 });
      const group = await store.userGroups.create({ type: 2, name: 'ours' });
      await store.members.add({ projectId: ours.id, entityType: 'g', entityId: group.id, roleId: 2 });
      const visible = (groupIds?: number[]) =>
        store.projects
          .list({ visibleTo: { userId: alice.id, ...(groupIds && { groupIds }) }, page: 1, pageSize: 10 })
          .then((result) => result.items.map((p) => p.name));
      expect(await visible()).toEqual(['library', 'mine']);
      expect(await visible([group.id, group.id + 1])).toEqual(['library', 'mine', 'ours']);
    });

    it('filters by exact names, ids and listed project ids, and sorts by any key with the id breaking ties', async () => {
      const { store } = await fresh();
      const a = await store.projects.create({ name: 'a', public: false });
      const b = await store.projects.create({ name: 'b', public: false });
      const c = await store.projects.create({ name: 'c', public: true });
      const names = (query: Partial<ProjectQuery>) =>
        store.projects.list({ page: 1, pageSize: 10, ...query }).then((r) => r.items.map((p) => p.name));
      expect(await names({ names: ['b', 'c', 'nope'] })).toEqual(['b', 'c']);
      expect(await names({ names: [] })).toEqual([]);
      expect(await names({ ids: [a.id, c.id] })).toEqual(['a', 'c']);
      expect(await names({ ids: [] })).toEqual([]);
      expect(await names({ visibleTo: { projectIds: [b.id] } })).toEqual(['b', 'c', 'library']);
      expect(await names({ visibleTo: {} })).toEqual(['c', 'library']);
      expect(await names({ visibleTo: { projectIds: [b.id] }, public: false })).toEqual(['b']);
      expect(await names({ sort: [{ by: 'name', direction: 'desc' }] })).toEqual(['library', 'c', 'b', 'a']);
      expect(await names({ sort: [{ by: 'id', direction: 'desc' }] })).toEqual(['c', 'b', 'a', 'library']);
      await store.projects.update(a.id, { public: true });
      expect((await names({ sort: [{ by: 'updatedAt', direction: 'desc' }] }))[0]).toBe('a');
      const byCreation = await names({ sort: [{ by: 'createdAt', direction: 'asc' }] });
      expect(byCreation[0]).toBe('library');
      expect(byCreation.slice(1)).toEqual(['a', 'b', 'c']);
    });

    it('counts projects and lists the ids of the projects matching a filter', async () => {
      const { store, db } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const mine = await store.projects.create({ name: 'mine', public: false });
      await store.projects.create({ name: 'theirs', public: false });
      await store.members.add({ projectId: mine.id, entityType: 'u', entityId: alice.id, roleId: 3 });
      const theirs = await store.projects.getByName('theirs');
      const library = await store.projects.getByName('library');
      const repositories = new KyselyRepositoryRecords(db);
      for (const name of ['library/a', 'library/b', 'mine/x', 'theirs/y', 'theirs/z', 'theirs/w/v']) {
        const owner = name.startsWith('library/') ? library : name.startsWith('mine/') ? mine : theirs;
        await repositories.ensure(name, owner?.id ?? 0);
      }
      expect(await store.projects.count({})).toBe(3);
      expect(await store.projects.count({ public: false })).toBe(2);
      expect(await store.projects.count({ visibleTo: { userId: alice.id } })).toBe(2);
      expect(await store.projects.count({ names: [] })).toBe(0);
      const repositoriesIn = async (filter: ProjectFilter) => repositories.count(await store.projects.ids(filter));
      expect(await store.projects.ids({ public: false })).toEqual([mine.id, theirs?.id]);
      expect(await store.projects.ids({ visibleTo: { userId: alice.id } })).toEqual([library?.id, mine.id]);
      expect(await repositories.count()).toBe(6);
      expect(await repositoriesIn({})).toBe(6);
      expect(await repositoriesIn({ public: true })).toBe(2);
      expect(await repositoriesIn({ public: false })).toBe(4);
      expect(await repositoriesIn({ public: false, visibleTo: { userId: alice.id } })).toBe(1);
      expect(await repositoriesIn({ visibleTo: { projectIds: [mine.id] } })).toBe(3);
      expect(await repositoriesIn({ ids: [] })).toBe(0);
    });

    it('updates the public flag and merges metadata, a null value removing its key', async () => {
      const { store } = await fresh();
      const project = await store.projects.create({ name: 'team', public: false, metadata: { a: '1', b: '2' } });
      const updated = await store.projects.update(project.id, {
        public: true,
        metadata: { b: null, c: '3', a: 'one' },
      });
      expect(updated).toMatchObject({ public: true, metadata: { a: 'one', c: '3' } });
      expect(await store.projects.get(project.id)).toEqual(updated);
      expect(await store.projects.update(project.id, {})).toMatchObject({
        public: true,
        metadata: { a: 'one', c: '3' },
      });
      expect(await store.projects.update(project.id + 1000, { public: false })).toBeUndefined();
    });

    it('deletes only an empty project, refused by the repositories that reference it', async () => {
      const { store, db } = await fresh();
      const project = await store.projects.create({ name: 'team', public: false });
      const repositories = new KyselyRepositoryRecords(db);
      expect(await repositories.count([project.id])).toBe(0);
      const repository = await repositories.ensure('team/app', project.id);
      expect(await repositories.count([project.id])).toBe(1);
      await expect(store.projects.delete(project.id)).rejects.toThrow(new ConflictError('project team is not empty'));
      expect(await store.projects.get(project.id)).toMatchObject({ name: 'team' });
      await db.deleteFrom('repositories').where('id', '=', repository.id).execute();
      expect(await store.projects.delete(project.id)).toBe(true);
      expect(await store.projects.get(project.id)).toBeUndefined();
      expect(await store.projects.delete(project.id)).toBe(false);
    });

    it('deleting a project removes its members, project robots and metadata, nothing else', async () => {
      const { store, db } = await fresh();
      const alice = await store.users.create({ username: 'alice' });
      const doomed = await store.projects.create({ name: 'doomed', public: false, metadata: { auto_scan: 'true' } });
      const kept = await store.projects.create({ name: 'kept', public: false });
      for (const project of [doomed, kept]) {
        await store.members.add({ projectId: project.id, entityType: 'u', entityId: alice.id, roleId: 1 });
        await store.robots.create({
          name: `robot$${project.name}+ci`,
          level: 'project',
          projectId: project.id,
          permissions: [],
          secretHash: 'h',
          durationDays: null,
          expiresAt: null,
        });
      }
      await store.robots.create({
        name: 'robot$system',
        level: 'system',
        projectId: null,
        permissions: [],
        secretHash: 'h',
        durationDays: null,
        expiresAt: null,
      });
      expect(await store.projects.delete(doomed.id)).toBe(true);
      expect((await store.members.list(doomed.id, { page: 1, pageSize: 10 })).total).toBe(0);
      expect((await store.members.list(kept.id, { page: 1, pageSize: 10 })).total).toBe(1);
      expect(await store.robots.getByName('robot$doomed+ci')).toBeUndefined();
      expect((await store.robots.list({ page: 1, pageSize: 10 })).items.map((r) => r.name)).toEqual([
        'robot$kept+ci',
        'robot$system',
      ]);
      const metadata = await db
        .selectFrom('project_metadata')
        .selectAll()
        .where('project_id', '=', doomed.id)
        .execute();
      expect(metadata).toEqual([]);
      expect(await store.users.get(alice.id)).toBeDefined();
    });
  });
}
