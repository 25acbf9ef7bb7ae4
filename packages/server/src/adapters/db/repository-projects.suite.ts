import { describe, expect, it } from 'vitest';
import { digestOf, type FreshStores } from './metadata-store-fixture.suite.js';

/** Every repository belongs to the project named by its first path segment, which must exist. */
export function describeRepositoryProjects(fresh: FreshStores): void {
  describe('repositories and projects', () => {
    it('ensure refuses a project id that does not exist (the foreign key), creating nothing', async () => {
      const { store, identity } = await fresh();
      await expect(store.repositories.ensure('team/app', 4242)).rejects.toMatchObject({
        kind: 'not-found',
        entity: 'project',
      });
      expect(await store.repositories.get('team/app')).toBeUndefined();
      expect(await identity.projects.getByName('team')).toBeUndefined();
    });

    it('ensure files repositories under the project named by their first segment', async () => {
      const { store, identity } = await fresh();
      const team = await identity.projects.create({ name: 'team', public: false });
      const solo = await identity.projects.create({ name: 'solo', public: false });
      await store.repositories.ensure('team/app', team.id);
      await store.repositories.ensure('team/sub/tool', team.id);
      await store.repositories.ensure('solo', solo.id);
      expect(await store.repositories.count([team.id])).toBe(2);
      expect(await store.repositories.count([solo.id])).toBe(1);
      expect(await store.repositories.count([team.id, solo.id, 4242])).toBe(3);
      expect(await store.repositories.count([])).toBe(0);
      expect(await store.repositories.count()).toBe(3);
      expect(await store.repositories.countByProject([team.id, solo.id, 4242])).toEqual(
        new Map([
          [team.id, 2],
          [solo.id, 1],
        ]),
      );
      expect(await store.repositories.list({ limit: 10 }, [team.id])).toEqual(['team/app', 'team/sub/tool']);
      expect(await store.repositories.list({ limit: 10 }, [])).toEqual([]);
    });

    it('ensure uses an existing project and leaves it as it is (library stays public)', async () => {
      const { store, identity } = await fresh();
      const before = await identity.projects.getByName('library');
      await store.repositories.ensure('library/alpine', before?.id ?? 0);
      expect(await identity.projects.getByName('library')).toEqual(before);
      expect(await store.repositories.count([before?.id ?? 0])).toBe(1);
      expect((await identity.projects.list({ page: 1, pageSize: 10 })).total).toBe(1);
    });

    it('concurrent ensures of repositories in one project create each repository once', async () => {
      const { store, identity } = await fresh();
      const race = await identity.projects.create({ name: 'race', public: false });
      const names = Array.from({ length: 12 }, (_, i) => `race/repo-${i % 6}`);
      const ensured = await Promise.all(names.map((name) => store.repositories.ensure(name, race.id)));
      expect(new Set(ensured.map((r) => r.id)).size).toBe(6);
      const { items } = await identity.projects.list({ page: 1, pageSize: 10, name: 'race' });
      expect(items.map((p) => p.name)).toEqual(['race']);
      expect(await store.repositories.count([race.id])).toBe(6);
    });

    it('ensure inside a rolled-back transaction leaves no repository behind', async () => {
      const { store, identity } = await fresh();
      const ghost = await identity.projects.create({ name: 'ghost', public: false });
      await expect(
        store.transaction(async (tx) => {
          await tx.repositories.ensure('ghost/app', ghost.id);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.repositories.get('ghost/app')).toBeUndefined();
    });

    it('search finds names containing the text, case-insensitively, with their project id and manifest count', async () => {
      const { store, identity } = await fresh();
      const team = await identity.projects.create({ name: 'team', public: false });
      const other = await identity.projects.create({ name: 'other', public: false });
      const library = await identity.projects.getByName('library');
      const app = await store.repositories.ensure('team/App-server', team.id);
      await store.repositories.ensure('library/app', library?.id ?? 0);
      await store.repositories.ensure('library/nginx', library?.id ?? 0);
      await store.repositories.ensure('other/apps_100%', other.id);
      for (const seed of ['one', 'two']) {
        await store.manifests.put(
          {
            repositoryId: app.id,
            digest: digestOf(seed),
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            size: 2,
          },
          [],
        );
      }
      expect(await store.repositories.search({ name: 'APP', limit: 10 })).toEqual([
        {
          id: expect.any(Number) as number,
          name: 'library/app',
          projectId: library?.id,
          description: '',
          artifactCount: 0,
          pullCount: 0,
        },
        expect.objectContaining({ name: 'other/apps_100%', projectId: other.id }),
        {
          id: app.id,
          name: 'team/App-server',
          projectId: team.id,
          description: '',
          artifactCount: 2,
          pullCount: 0,
        },
      ]);
      expect((await store.repositories.search({ name: '0%', limit: 10 })).map((r) => r.name)).toEqual([
        'other/apps_100%',
      ]);
      expect((await store.repositories.search({ name: '_', limit: 10 })).map((r) => r.name)).toEqual([
        'other/apps_100%',
      ]);
      expect((await store.repositories.search({ name: '', limit: 2 })).map((r) => r.name)).toEqual([
        'library/app',
        'library/nginx',
      ]);
      const within = (projectIds: number[]) =>
        store.repositories.search({ name: 'app', projectIds, limit: 10 }).then((r) => r.map((m) => m.name));
      expect(await within([])).toEqual([]);
      expect(await within([library?.id ?? 0])).toEqual(['library/app']);
      expect(await within([library?.id ?? 0, team.id])).toEqual(['library/app', 'team/App-server']);
    });
  });
}
