import { Migrator } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store, StoreRecords } from '../../ports/store.js';
import type { FreshIdentity, IdentityStoreFixture } from './identity/identity-store-fixture.suite.js';
import { storeOver } from './index.js';
import { digestOf } from './metadata-store-fixture.suite.js';
import { InCodeMigrationProvider } from './migrations/in-code-migration-provider.js';
import { migrateToLatest } from './migrations/migrate.js';

/** The repository, created in the project its first segment names. */
async function repositoryOf(tx: StoreRecords, repository: string) {
  const project = await tx.projects.getByName(repository.split('/')[0]!);
  return tx.repositories.ensure(repository, project!.id);
}

/** Links a blob of `size` bytes into `repository` (created in its project when absent). */
async function link(store: Store, repository: string, seed: string, size: number): Promise<string> {
  const digest = digestOf(seed);
  await store.transaction(async (tx) => {
    const repo = await repositoryOf(tx, repository);
    await tx.blobs.put({ digest, size }, Date.now());
    await tx.blobs.link(repo.id, digest);
  });
  return digest;
}

/** Stores a manifest of `size` bytes (its own blob row) referencing `blobs` in `repository`. */
async function manifest(store: Store, repository: string, seed: string, size: number, blobs: string[]) {
  const digest = digestOf(seed);
  await store.transaction(async (tx) => {
    const repo = await repositoryOf(tx, repository);
    await tx.blobs.put({ digest, size }, Date.now());
    await tx.manifests.put(
      { repositoryId: repo.id, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size },
      blobs.map((d) => ({ digest: d, kind: 'blob' as const })),
    );
  });
  return digest;
}

async function used(store: Store, project: string): Promise<number | undefined> {
  const id = (await store.projects.getByName(project))?.id ?? 0;
  return (await store.quotas.ofProject(id))?.used;
}

/** The quota records (ports/quota-records.ts), on every backend. */
export function describeQuotaRecords(fresh: FreshIdentity, unmigrated: () => Promise<IdentityStoreFixture>): void {
  describe('quotas', () => {
    it('are created for a project with its limit and removed with it', async () => {
      const { store } = await fresh();
      const a = await store.projects.create({ name: 'qa', public: false });
      await store.quotas.create(a.id, 1000);
      const b = await store.projects.create({ name: 'qb', public: false });
      await store.quotas.create(b.id, 5000);
      expect(await store.quotas.ofProject(a.id)).toMatchObject({ projectName: 'qa', hard: 1000, used: 0 });
      expect(await store.quotas.ofProject(b.id)).toMatchObject({ projectName: 'qb', hard: 5000, used: 0 });
      const quotaOfB = (await store.quotas.ofProject(b.id))!.id;
      expect(await store.projects.delete(b.id)).toBe(true);
      expect(await store.quotas.get(quotaOfB)).toBeUndefined();
      expect(await store.quotas.setHard(quotaOfB, 1)).toBe(false);
    });

    it('reserve counts a digest once per project, within the limit, and reports refusals', async () => {
      const { store } = await fresh();
      await store.quotas.create((await store.projects.create({ name: 'p', public: false })).id, 1000);
      await store.quotas.create((await store.projects.create({ name: 'other', public: false })).id, -1);
      const d = digestOf('layer');
      expect(await store.transaction((tx) => tx.quotas.reserve('p', d, 600))).toMatchObject({ delta: 600, used: 600 });
      await link(store, 'p/one', 'layer', 600);
      // Held by the project already (linked to p/one): adds nothing, in any repository of it.
      expect(await store.transaction((tx) => tx.quotas.reserve('p', d, 600))).toMatchObject({ delta: 0, used: 600 });
      // Over the limit: refused with the usage and the limit, nothing changed.
      expect(await store.transaction((tx) => tx.quotas.reserve('p', digestOf('big'), 401))).toMatchObject({
        refused: true,
        used: 600,
        hard: 1000,
      });
      expect(await store.transaction((tx) => tx.quotas.reserve('p', digestOf('fits'), 400))).toMatchObject({
        delta: 400,
        used: 1000,
      });
      // Another project counts the same digest for itself; unlimited never refuses.
      expect(await store.transaction((tx) => tx.quotas.reserve('other', d, 600))).toMatchObject({ delta: 600 });
      expect(await store.transaction((tx) => tx.quotas.reserve('other', digestOf('huge'), 2 ** 40))).toMatchObject({
        delta: 2 ** 40,
        used: 2 ** 40 + 600,
        hard: -1,
      });
      expect(await store.transaction((tx) => tx.quotas.reserve('nowhere', d, 1))).toBeUndefined();
    });

    it('releases what a delete makes the project stop holding, and the recount agrees', async () => {
      const { store } = await fresh();
      await store.quotas.create((await store.projects.create({ name: 'r', public: false })).id, -1);
      const shared = await link(store, 'r/a', 'shared', 100);
      await link(store, 'r/b', 'shared', 100);
      const own = await link(store, 'r/a', 'own', 10);
      const m = await manifest(store, 'r/a', 'manifest', 7, [shared, own]);
      // Manifests with the same digest in two repositories.
      await manifest(store, 'r/b', 'manifest', 7, [shared]);
      expect(await store.quotas.recount()).toEqual([
        { projectId: expect.any(Number) as number, projectName: 'r', before: 0, after: 117 },
      ]);
      expect(await used(store, 'r')).toBe(117);
      // r/b still holds the manifest: nothing released.
      await store.transaction(async (tx) => {
        expect(await tx.quotas.releaseManifest('r/a', m)).toMatchObject({ delta: 0, used: 117 });
        await tx.manifests.delete((await tx.repositories.get('r/a'))!.id, m);
      });
      await store.transaction(async (tx) => {
        expect(await tx.quotas.releaseManifest('r/b', m)).toMatchObject({ delta: -7, used: 110 });
        await tx.manifests.delete((await tx.repositories.get('r/b'))!.id, m);
      });
      // A blob link: the shared one stays counted, the own one goes; a link that does not exist releases nothing.
      await store.transaction(async (tx) => {
        const a = (await tx.repositories.get('r/a'))!.id;
        expect(await tx.quotas.releaseBlob('r/a', shared)).toMatchObject({ delta: 0 });
        await tx.blobs.unlink(a, shared);
        expect(await tx.quotas.releaseBlob('r/a', own)).toMatchObject({ delta: -10, used: 100 });
        await tx.blobs.unlink(a, own);
        expect(await tx.quotas.releaseBlob('r/a', own)).toMatchObject({ delta: 0, used: 100 });
      });
      // The repository: what only it holds.
      await store.transaction(async (tx) => {
        expect(await tx.quotas.releaseRepository('r/b')).toMatchObject({ delta: -100, used: 0 });
        await tx.repositories.delete((await tx.repositories.get('r/b'))!.id);
      });
      expect(await store.quotas.recount()).toEqual([]);
    });

    it('lists with the project filter, sort and paging; setHard changes the limit', async () => {
      const { store } = await fresh();
      const ids: number[] = [];
      for (const [name, hard] of [
        ['l1', 30],
        ['l2', 10],
        ['l3', 20],
      ] as const) {
        const { id } = await store.projects.create({ name, public: false });
        await store.quotas.create(id, hard);
        ids.push(id);
      }
      const desc = await store.quotas.list({ page: 1, pageSize: 2, sort: [{ by: 'hard', direction: 'desc' }] });
      expect(desc.total).toBe(4); // and library
      expect(desc.items.map((q) => q.projectName)).toEqual(['l1', 'l3']);
      const one = await store.quotas.list({ page: 1, pageSize: 10, projectId: ids[1] });
      expect(one).toMatchObject({ total: 1, items: [{ projectName: 'l2', hard: 10, used: 0 }] });
      expect(await store.quotas.setHard(one.items[0]!.id, -1)).toBe(true);
      expect((await store.quotas.get(one.items[0]!.id))?.hard).toBe(-1);
    });

    it('migration 0010 gives existing projects the stored default and their current usage', async () => {
      const { db, dialect } = await unmigrated();
      const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
      expect((await migrator.migrateTo('0008-outbox')).error).toBeUndefined();
      const before = storeOver(db, dialect);
      await db
        .insertInto('settings')
        .values({ name: 'storage_per_project', value: '2048', updated_at: 0 })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: '2048' }))
        .execute();
      await db
        .insertInto('projects')
        .values({ name: 'old', owner_id: null, public: 0, created_at: 0, updated_at: 0 })
        .execute();
      // Plain inserts: the store's current records write columns of later migrations (blobs.updated_at, 0013).
      const oldProject = await before.projects.getByName('old');
      const repo = await before.repositories.ensure('old/a', oldProject!.id);
      for (const [seed, size] of [
        ['x', 100],
        ['y', 50],
      ] as const) {
        await db
          .insertInto('blobs')
          .values({ digest: digestOf(seed), size, created_at: 0 })
          .execute();
        await db
          .insertInto('repository_blobs')
          .values({ repository_id: repo.id, digest: digestOf(seed), created_at: 0 })
          .execute();
      }
      await migrateToLatest(db, dialect);
      const store = storeOver(db, dialect);
      const old = await store.projects.getByName('old');
      const library = await store.projects.getByName('library');
      expect(await store.quotas.ofProject(old!.id)).toMatchObject({ hard: 2048, used: 150 });
      expect(await store.quotas.ofProject(library!.id)).toMatchObject({ hard: 2048, used: 0 });
    });
  });
}
