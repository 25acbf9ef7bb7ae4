import { describe, expect, it } from 'vitest';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

export function describeBlobRecords(fresh: FreshStore): void {
  describe('blobs', () => {
    it('put records a blob that get returns; unknown digests are undefined', async () => {
      const store = await fresh();
      expect(await store.blobs.get(digestOf('a'))).toBeUndefined();
      await store.blobs.put({ digest: digestOf('a'), size: 42 }, Date.now());
      expect(await store.blobs.get(digestOf('a'))).toEqual({ digest: digestOf('a'), size: 42 });
      expect(await store.blobs.get(digestOf('b'))).toBeUndefined();
    });

    it('a second put of the same digest is a no-op', async () => {
      const store = await fresh();
      await store.blobs.put({ digest: digestOf('a'), size: 42 }, Date.now());
      await store.blobs.put({ digest: digestOf('a'), size: 43 }, Date.now());
      await Promise.all([1, 2, 3].map((size) => store.blobs.put({ digest: digestOf('a'), size }, Date.now())));
      expect(await store.blobs.get(digestOf('a'))).toEqual({ digest: digestOf('a'), size: 42 });
    });

    it('sizes beyond 2^32 round-trip as numbers', async () => {
      const store = await fresh();
      const size = 2 ** 40 + 7;
      await store.blobs.put({ digest: digestOf('huge'), size }, Date.now());
      const blob = await store.blobs.get(digestOf('huge'));
      expect(typeof blob?.size).toBe('number');
      expect(blob?.size).toBe(size);
    });

    it('getInRepository returns the blob only while it is linked to that repository', async () => {
      const store = await fresh();
      const one = await repositoryIn(store, 'one');
      const two = await repositoryIn(store, 'two');
      await store.blobs.put({ digest: digestOf('a'), size: 1 }, Date.now());
      expect(await store.blobs.getInRepository(one.name, digestOf('a'))).toBeUndefined();
      await store.blobs.link(one.id, digestOf('a'));
      expect(await store.blobs.getInRepository(one.name, digestOf('a'))).toEqual({ digest: digestOf('a'), size: 1 });
      expect(await store.blobs.getInRepository(two.name, digestOf('a'))).toBeUndefined();
      expect(await store.blobs.unlink(one.id, digestOf('a'))).toBe(true);
      expect(await store.blobs.getInRepository(one.name, digestOf('a'))).toBeUndefined();
      expect(await store.blobs.get(digestOf('a'))).toEqual({ digest: digestOf('a'), size: 1 });
    });

    it('link is idempotent, also under concurrent callers; unlink reports whether it was linked', async () => {
      const store = await fresh();
      const repository = await repositoryIn(store, 'r');
      await store.blobs.put({ digest: digestOf('a'), size: 1 }, Date.now());
      await store.blobs.link(repository.id, digestOf('a'));
      await Promise.all(Array.from({ length: 10 }, () => store.blobs.link(repository.id, digestOf('a'))));
      expect(await store.blobs.linkedOf(repository.id, [digestOf('a')])).toEqual(new Set([digestOf('a')]));
      expect(await store.blobs.unlink(repository.id, digestOf('a'))).toBe(true);
      expect(await store.blobs.unlink(repository.id, digestOf('a'))).toBe(false);
      expect(await store.blobs.unlink(repository.id, digestOf('never'))).toBe(false);
    });

    it('link refuses a digest without a blob record', async () => {
      const store = await fresh();
      const repository = await repositoryIn(store, 'r');
      await expect(store.blobs.link(repository.id, digestOf('missing'))).rejects.toThrow();
      expect(await store.blobs.linkedOf(repository.id, [digestOf('missing')])).toEqual(new Set());
    });

    it('linkedOf returns exactly the linked subset, per repository, for any number of digests', async () => {
      const store = await fresh();
      const one = await repositoryIn(store, 'one');
      const two = await repositoryIn(store, 'two');
      const digests = Array.from({ length: 1200 }, (_, i) => digestOf(`blob-${i}`));
      const linked = digests.filter((_, i) => i % 3 === 0);
      for (const digest of linked) await store.blobs.put({ digest, size: 1 }, Date.now());
      await store.transaction(async (tx) => {
        for (const digest of linked) await tx.blobs.link(one.id, digest);
      });
      await store.blobs.link(two.id, digests[3] ?? '');
      expect(await store.blobs.linkedOf(one.id, [])).toEqual(new Set());
      expect(await store.blobs.linkedOf(one.id, digests)).toEqual(new Set(linked));
      expect(await store.blobs.linkedOf(two.id, digests)).toEqual(new Set([digests[3]]));
      expect(await store.blobs.linkedOf(one.id, [digests[1] ?? '', digests[0] ?? ''])).toEqual(new Set([digests[0]]));
    });

    it('totalSize sums every blob once, zero when there are none', async () => {
      const store = await fresh();
      expect(await store.blobs.totalSize()).toBe(0);
      await store.blobs.put({ digest: digestOf('a'), size: 2 ** 40 }, Date.now());
      await store.blobs.put({ digest: digestOf('b'), size: 5 }, Date.now());
      await store.blobs.put({ digest: digestOf('a'), size: 99 }, Date.now());
      expect(await store.blobs.totalSize()).toBe(2 ** 40 + 5);
    });
  });
}
