import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store.js';
import { describeArtifactViews } from './artifact-views.suite.js';
import { describeBlobRecords } from './blob-records.suite.js';
import { describeManifestRecords } from './manifest-records.suite.js';
import { describeRepositoryProjects } from './repository-projects.suite.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { MetadataStoreFixture } from './metadata-store-fixture.suite.js';
export type { MetadataStoreFixture } from './metadata-store-fixture.suite.js';
import { describeOutboxRecords } from './outbox-records.suite.js';
import { describeImmutableAndLabelRecords } from './immutable-label-records.suite.js';
import { describeTagAndUploadRecords } from './tag-and-upload-records.suite.js';
import { describeRetentionRecords } from './retention-records.suite.js';
import { describeAuditRecords } from './audit-records.suite.js';
import { describeTagHistoryRecords } from './tag-history-records.suite.js';
import { describeWebhookRecords } from './webhook-records.suite.js';

/**
 * The contract every Store implementation passes. `make` returns a store on a fresh, empty,
 * not yet migrated database.
 */
export function describeMetadataStore(label: string, make: () => Promise<MetadataStoreFixture>): void {
  describe(label, () => {
    const open: MetadataStoreFixture[] = [];
    /** Cases create repositories with repositoryIn, which creates the project a name needs first. */
    async function unmigrated(): Promise<Store> {
      const fixture = await make();
      open.push(fixture);
      return fixture.store;
    }
    async function fresh(): Promise<Store> {
      const store = await unmigrated();
      await store.migrate();
      return store;
    }
    async function freshWithIdentity() {
      const fixture = await make();
      open.push(fixture);
      await fixture.store.migrate();
      return { store: fixture.store, identity: fixture.identity };
    }
    afterEach(async () => {
      for (const fixture of open.splice(0)) await fixture.dispose();
    });

    describe('migrate', () => {
      it('applies the schema to an empty database and nothing once migrated', async () => {
        const store = await unmigrated();
        const applied = await store.migrate();
        expect(applied).toContain('0001-initial-schema');
        await repositoryIn(store, 'kept');
        expect(await store.migrate()).toEqual([]);
        expect(await store.repositories.list({ limit: 10 })).toEqual(['kept']);
      });
    });

    describe('repositories', () => {
      it('get returns undefined for an unknown name', async () => {
        const store = await fresh();
        expect(await store.repositories.get('nope')).toBeUndefined();
      });

      it('ensure creates the repository once and returns it again', async () => {
        const store = await fresh();
        const before = Date.now();
        const created = await repositoryIn(store, 'library/alpine');
        expect(created.name).toBe('library/alpine');
        expect(Number.isInteger(created.id)).toBe(true);
        expect(created.createdAt).toBeInstanceOf(Date);
        expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(created.createdAt.getTime()).toBeLessThanOrEqual(Date.now());
        const again = await repositoryIn(store, 'library/alpine');
        expect(again).toEqual(created);
        expect(await store.repositories.get('library/alpine')).toEqual(created);
        const other = await repositoryIn(store, 'library/busybox');
        expect(other.id).not.toBe(created.id);
      });

      it('ensure is safe when 20 concurrent callers race for the same name', async () => {
        const store = await fresh();
        const results = await Promise.all(Array.from({ length: 20 }, () => repositoryIn(store, 'raced')));
        const ids = new Set(results.map((record) => record.id));
        expect(ids.size).toBe(1);
        expect(await store.repositories.list({ limit: 100 })).toEqual(['raced']);
      });

      it('list orders names byte-wise', async () => {
        const store = await fresh();
        for (const name of ['a0', 'z', 'a/b', 'B', 'é', 'a', 'a-b']) await repositoryIn(store, name);
        expect(await store.repositories.list({ limit: 100 })).toEqual(['B', 'a', 'a-b', 'a/b', 'a0', 'z', 'é']);
      });

      it('list paginates with last and limit', async () => {
        const store = await fresh();
        for (const name of ['e', 'c', 'a', 'd', 'b']) await repositoryIn(store, name);
        expect(await store.repositories.list({ limit: 2 })).toEqual(['a', 'b']);
        expect(await store.repositories.list({ last: 'b', limit: 2 })).toEqual(['c', 'd']);
        expect(await store.repositories.list({ last: 'd', limit: 2 })).toEqual(['e']);
        expect(await store.repositories.list({ last: 'e', limit: 2 })).toEqual([]);
        expect(await store.repositories.list({ last: 'bb', limit: 10 })).toEqual(['c', 'd', 'e']);
        expect(await store.repositories.list({ last: 'B', limit: 1 })).toEqual(['a']);
      });
    });

    describeRepositoryProjects(freshWithIdentity);
    describeBlobRecords(fresh);
    describeManifestRecords(fresh);
    describeTagAndUploadRecords(fresh);
    describeOutboxRecords(fresh);
    describeImmutableAndLabelRecords(fresh);
    describeRetentionRecords(fresh);
    describeTagHistoryRecords(fresh);
    describeWebhookRecords(fresh);
    describeAuditRecords(fresh);
    describeArtifactViews(freshWithIdentity);

    describe('transaction', () => {
      it('commits all work and returns its result', async () => {
        const store = await fresh();
        const result = await store.transaction(async (tx) => {
          const repository = await repositoryIn(tx, 'library/committed');
          await tx.blobs.put({ digest: digestOf('layer'), size: 3 }, Date.now());
          await tx.blobs.link(repository.id, digestOf('layer'));
          expect(await tx.repositories.get('library/committed')).toEqual(repository);
          return repository.id;
        });
        const repository = await store.repositories.get('library/committed');
        expect(repository?.id).toBe(result);
        expect(await store.blobs.getInRepository('library/committed', digestOf('layer'))).toEqual({
          digest: digestOf('layer'),
          size: 3,
        });
      });

      it('rolls everything back when work throws, and rethrows', async () => {
        const store = await fresh();
        const existing = await repositoryIn(store, 'existing');
        const failure = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            const repository = await repositoryIn(tx, 'library/rolled-back');
            await tx.blobs.put({ digest: digestOf('config'), size: 10 }, Date.now());
            await tx.blobs.link(existing.id, digestOf('config'));
            const manifest = await tx.manifests.put(
              { repositoryId: repository.id, digest: digestOf('m'), mediaType: 'application/json', size: 5 },
              [{ digest: digestOf('config'), kind: 'blob' }],
            );
            await tx.tags.put(repository.id, 'latest', manifest.id);
            await tx.uploads.create({
              id: 'u1',
              repository: 'library/rolled-back',
              startedAt: new Date(),
              updatedAt: new Date(),
            });
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await store.repositories.list({ limit: 10 })).toEqual(['existing']);
        expect(await store.blobs.get(digestOf('config'))).toBeUndefined();
        expect(await store.blobs.linkedOf(existing.id, [digestOf('config')])).toEqual(new Set());
        expect(await store.uploads.get('u1')).toBeUndefined();
        const reopened = await repositoryIn(store, 'library/rolled-back');
        expect(await store.manifests.get(reopened.id, digestOf('m'))).toBeUndefined();
        expect(await store.tags.list(reopened.id, { limit: 10 })).toEqual([]);
      });
    });
  });
}
