import { describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store.js';
import type { NewTagHistoryEntry } from '../../ports/tag-history-records.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const T0 = 1_700_000_000_000;
const DAY = 86_400_000;

function entry(repositoryId: number, over: Partial<NewTagHistoryEntry> = {}): NewTagHistoryEntry {
  return {
    repositoryId,
    tag: 'v1',
    digest: digestOf('m'),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    kind: 'tag.deleted',
    operator: 'alice',
    at: new Date(T0),
    expiresAt: new Date(T0 + DAY),
    ...over,
  };
}

/** Blob records of these digests (size 10 each), last touched at T0. */
async function blobs(store: Store, ...digests: string[]): Promise<void> {
  for (const digest of digests) await store.blobs.put({ digest, size: 10 }, T0);
}

/** Tag history (ports/tag-history-records.ts) and how garbage collection honours its holds, on every backend. */
export function describeTagHistoryRecords(fresh: FreshStore): void {
  describe('tag history', () => {
    it('records entries with their holds, lists unexpired ones newest first, by tag, in pages', async () => {
      const store = await fresh();
      const repo = await repositoryIn(store, 'th/app');
      const other = await repositoryIn(store, 'th/other');
      const first = await store.tagHistory.add(entry(repo.id), [digestOf('m'), digestOf('l1'), digestOf('m')]);
      expect(first).toEqual({ id: first.id, ...entry(repo.id) });
      const second = await store.tagHistory.add(
        entry(repo.id, { tag: undefined, kind: 'artifact.deleted', operator: undefined, digest: digestOf('n') }),
        [digestOf('n')],
      );
      expect(second.tag).toBeUndefined();
      expect(second.operator).toBeUndefined();
      const third = await store.tagHistory.add(
        entry(repo.id, { tag: 'v2', kind: 'tag.moved', expiresAt: new Date(T0 + 2 * DAY) }),
        [],
      );
      await store.tagHistory.add(entry(other.id), []);
      expect(await store.tagHistory.holds(first.id)).toEqual([digestOf('l1'), digestOf('m')].sort());

      const all = await store.tagHistory.query(repo.id, { page: 1, pageSize: 10, now: T0 });
      expect(all.total).toBe(3);
      expect(all.items.map((e) => e.id)).toEqual([third.id, second.id, first.id]);
      const paged = await store.tagHistory.query(repo.id, { page: 2, pageSize: 2, now: T0 });
      expect(paged).toEqual({ total: 3, items: [first] });
      const byTag = await store.tagHistory.query(repo.id, { page: 1, pageSize: 10, now: T0, tag: 'v2' });
      expect(byTag.items.map((e) => e.id)).toEqual([third.id]);
      const later = await store.tagHistory.query(repo.id, { page: 1, pageSize: 10, now: T0 + DAY });
      expect(later.items.map((e) => e.id)).toEqual([third.id]);

      expect(await store.tagHistory.get(repo.id, first.id)).toEqual(first);
      expect(await store.tagHistory.get(other.id, first.id)).toBeUndefined();
    });

    it('purges expired entries with their holds; entries go with their repository', async () => {
      const store = await fresh();
      const repo = await repositoryIn(store, 'thp/app');
      const expiring = await store.tagHistory.add(entry(repo.id), [digestOf('a')]);
      const kept = await store.tagHistory.add(entry(repo.id, { expiresAt: new Date(T0 + 3 * DAY) }), [digestOf('b')]);
      expect(await store.tagHistory.purge(T0 + DAY - 1)).toBe(0);
      expect(await store.tagHistory.purge(T0 + DAY)).toBe(1);
      expect(await store.tagHistory.get(repo.id, expiring.id)).toBeUndefined();
      expect(await store.tagHistory.holds(expiring.id)).toEqual([]);
      expect(await store.tagHistory.holds(kept.id)).toEqual([digestOf('b')]);
      expect(await store.repositories.delete(repo.id)).toBe(true);
      expect(await store.tagHistory.holds(kept.id)).toEqual([]);
      expect(await store.tagHistory.purge(Number.MAX_SAFE_INTEGER)).toBe(0);
    });

    it('keeps held blobs from garbage collection until the entry expires, and reports them', async () => {
      const store = await fresh();
      const repo = await repositoryIn(store, 'thg/app');
      await blobs(store, digestOf('held'), digestOf('free'), digestOf('manifested'));
      await store.manifests.put(
        { repositoryId: repo.id, digest: digestOf('manifested'), mediaType: 'application/json', size: 10 },
        [],
      );
      await store.tagHistory.add(entry(repo.id, { expiresAt: new Date(T0 + DAY) }), [
        digestOf('held'),
        digestOf('manifested'),
      ]);
      const candidates = async (before: number) =>
        (await store.garbage.unreferencedBlobs(before, undefined, 10)).map((b) => b.digest);
      // Before the entry expires (as the window's start): only the free blob is a candidate.
      expect(await candidates(T0 + DAY - 1)).toEqual([digestOf('free')]);
      expect(await store.tagHistory.restoreHolds(T0 + DAY - 1)).toEqual({ blobs: 1, bytes: 10, until: T0 + DAY });
      const marked = await store.transaction((tx) =>
        tx.garbage.markDeleting([digestOf('held'), digestOf('free')], T0 + DAY - 1),
      );
      expect(marked.map((b) => b.digest)).toEqual([digestOf('free')]);
      // Once it expired, the held blob is a candidate like any other.
      expect(await candidates(T0 + DAY)).toEqual([digestOf('held')]);
      expect(await store.tagHistory.restoreHolds(T0 + DAY)).toEqual({ blobs: 0, bytes: 0, until: undefined });
      const expired = await store.transaction((tx) => tx.garbage.markDeleting([digestOf('held')], T0 + DAY));
      expect(expired.map((b) => b.digest)).toEqual([digestOf('held')]);
    });
  });
}
