import { describe, expect, it } from 'vitest';
import type { Store } from '../../ports/store.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

async function withManifests(store: Store, repositoryName: string, seeds: readonly string[]) {
  const repository = await repositoryIn(store, repositoryName);
  const manifests = [];
  for (const seed of seeds) {
    const digest = digestOf(`${repositoryName}/${seed}`);
    manifests.push(
      await store.manifests.put({ repositoryId: repository.id, digest, mediaType: 'application/json', size: 2 }, []),
    );
  }
  return { repository, manifests };
}

export function describeTagAndUploadRecords(fresh: FreshStore): void {
  describe('tags', () => {
    it('put creates a tag that get resolves to its manifest', async () => {
      const store = await fresh();
      const { repository, manifests } = await withManifests(store, 'r', ['m1']);
      const [m1] = manifests;
      expect(await store.tags.get(repository.id, 'latest')).toBeUndefined();
      const before = Date.now();
      await store.tags.put(repository.id, 'latest', m1?.id ?? -1);
      const tag = await store.tags.get(repository.id, 'latest');
      expect(tag).toMatchObject({ name: 'latest', digest: m1?.digest, manifestId: m1?.id });
      expect(tag?.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(tag?.updatedAt.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('put moves an existing tag to another manifest', async () => {
      const store = await fresh();
      const { repository, manifests } = await withManifests(store, 'r', ['m1', 'm2']);
      const [m1, m2] = manifests;
      await store.tags.put(repository.id, 'latest', m1?.id ?? -1);
      const first = await store.tags.get(repository.id, 'latest');
      await store.tags.put(repository.id, 'latest', m2?.id ?? -1);
      const moved = await store.tags.get(repository.id, 'latest');
      expect(moved).toMatchObject({ digest: m2?.digest, manifestId: m2?.id });
      expect(moved?.updatedAt.getTime()).toBeGreaterThanOrEqual(first?.updatedAt.getTime() ?? Infinity);
      expect(await store.tags.list(repository.id, { limit: 10 })).toEqual(['latest']);
    });

    it('put and create take the push time from the caller (the clock port)', async () => {
      const store = await fresh();
      const { repository, manifests } = await withManifests(store, 'r', ['m1', 'm2']);
      const [m1, m2] = manifests;
      await store.tags.put(repository.id, 'moved', m1?.id ?? -1, 1_000_000);
      await store.tags.put(repository.id, 'moved', m2?.id ?? -1, 2_000_000);
      expect((await store.tags.get(repository.id, 'moved'))?.updatedAt.getTime()).toBe(2_000_000);
      expect(await store.tags.create(repository.id, 'made', m1?.id ?? -1, 3_000_000)).toBe(true);
      expect((await store.tags.get(repository.id, 'made'))?.updatedAt.getTime()).toBe(3_000_000);
    });

    it('list orders byte-wise, paginates and is scoped to the repository', async () => {
      const store = await fresh();
      const { repository, manifests } = await withManifests(store, 'r', ['m1']);
      const other = await withManifests(store, 'other', ['m1']);
      const id = manifests[0]?.id ?? -1;
      for (const name of ['v1.0', 'V2', 'latest', 'v1-rc', 'v1_0', 'Latest'])
        await store.tags.put(repository.id, name, id);
      await store.tags.put(other.repository.id, 'elsewhere', other.manifests[0]?.id ?? -1);
      expect(await store.tags.list(repository.id, { limit: 100 })).toEqual([
        'Latest',
        'V2',
        'latest',
        'v1-rc',
        'v1.0',
        'v1_0',
      ]);
      expect(await store.tags.list(repository.id, { limit: 2 })).toEqual(['Latest', 'V2']);
      expect(await store.tags.list(repository.id, { last: 'V2', limit: 2 })).toEqual(['latest', 'v1-rc']);
      expect(await store.tags.list(repository.id, { last: 'v1_0', limit: 2 })).toEqual([]);
      expect(await store.tags.list(other.repository.id, { limit: 100 })).toEqual(['elsewhere']);
    });

    it('delete removes only the tag and reports whether it existed', async () => {
      const store = await fresh();
      const { repository, manifests } = await withManifests(store, 'r', ['m1']);
      const m1 = manifests[0];
      await store.tags.put(repository.id, 'a', m1?.id ?? -1);
      await store.tags.put(repository.id, 'b', m1?.id ?? -1);
      expect(await store.tags.delete(repository.id, 'a')).toBe(true);
      expect(await store.tags.delete(repository.id, 'a')).toBe(false);
      expect(await store.tags.get(repository.id, 'a')).toBeUndefined();
      expect(await store.tags.list(repository.id, { limit: 10 })).toEqual(['b']);
      expect(await store.manifests.get(repository.id, m1?.digest ?? '')).toEqual(m1);
    });
  });

  describe('uploads', () => {
    const startedAt = new Date('2024-05-01T10:00:00.123Z');

    it('create then get returns the session with millisecond timestamps', async () => {
      const store = await fresh();
      expect(await store.uploads.get('u1')).toBeUndefined();
      const upload = {
        id: 'u1',
        repository: 'library/alpine',
        startedAt,
        updatedAt: new Date(startedAt.getTime() + 5),
      };
      await store.uploads.create(upload);
      expect(await store.uploads.get('u1')).toEqual(upload);
      await expect(store.uploads.create(upload)).rejects.toThrow();
    });

    it('touch moves updatedAt and leaves startedAt', async () => {
      const store = await fresh();
      await store.uploads.create({ id: 'u1', repository: 'r', startedAt, updatedAt: startedAt });
      const at = new Date(startedAt.getTime() + 60_000);
      await store.uploads.touch('u1', at);
      expect(await store.uploads.get('u1')).toEqual({ id: 'u1', repository: 'r', startedAt, updatedAt: at });
      await store.uploads.touch('unknown', at);
      expect(await store.uploads.get('unknown')).toBeUndefined();
    });

    it('keeps the writer state given at create and at touch, and touch without one keeps it', async () => {
      const store = await fresh();
      const state = (size: number) => JSON.stringify({ driver: 'filesystem', path: 'uploads/u1/data', size });
      await store.uploads.create({ id: 'u1', repository: 'r', startedAt, updatedAt: startedAt, writerState: state(0) });
      expect((await store.uploads.get('u1'))?.writerState).toBe(state(0));
      const at = new Date(startedAt.getTime() + 1000);
      await store.uploads.touch('u1', at, state(42));
      expect(await store.uploads.get('u1')).toEqual({
        id: 'u1',
        repository: 'r',
        startedAt,
        updatedAt: at,
        writerState: state(42),
      });
      await store.uploads.touch('u1', new Date(at.getTime() + 1000));
      expect((await store.uploads.get('u1'))?.writerState).toBe(state(42));
      expect((await store.uploads.staleSince(new Date(at.getTime() + 5000), 10))[0]?.writerState).toBe(state(42));
    });

    it('a save fenced by a lease token is refused once a greater token saved, and records its token', async () => {
      const store = await fresh();
      const state = (size: number) => JSON.stringify({ driver: 'filesystem', path: 'uploads/u1/data', size });
      await store.uploads.create({ id: 'u1', repository: 'r', startedAt, updatedAt: startedAt, writerState: state(0) });
      expect((await store.uploads.get('u1'))?.fence).toBeUndefined();
      const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);
      // The first holder (token 3) saves; a newer holder (token 5) takes over and saves.
      expect(await store.uploads.touch('u1', at(1), state(10), 3)).toBe(true);
      expect(await store.uploads.get('u1')).toMatchObject({ writerState: state(10), fence: 3, updatedAt: at(1) });
      expect(await store.uploads.touch('u1', at(2), state(15), 5)).toBe(true);
      // The stale holder's save changes nothing: state, time and token stay the newer holder's.
      expect(await store.uploads.touch('u1', at(3), state(99), 3)).toBe(false);
      expect(await store.uploads.get('u1')).toMatchObject({ writerState: state(15), fence: 5, updatedAt: at(2) });
      // The current holder saves again under its own token; a later holder under a greater one.
      expect(await store.uploads.touch('u1', at(4), state(20), 5)).toBe(true);
      expect(await store.uploads.touch('u1', at(5), state(25), 2 ** 52)).toBe(true);
      expect(await store.uploads.get('u1')).toMatchObject({ writerState: state(25), fence: 2 ** 52 });
      // An unfenced save (no coordination) is never refused and keeps the token; an unknown session saves nothing.
      expect(await store.uploads.touch('u1', at(6))).toBe(true);
      expect((await store.uploads.get('u1'))?.fence).toBe(2 ** 52);
      expect(await store.uploads.touch('unknown', at(6), state(1), 1)).toBe(false);
      expect(await store.uploads.touch('unknown', at(6))).toBe(false);
    });

    it('delete reports whether the session existed', async () => {
      const store = await fresh();
      await store.uploads.create({ id: 'u1', repository: 'r', startedAt, updatedAt: startedAt });
      expect(await store.uploads.delete('u1')).toBe(true);
      expect(await store.uploads.delete('u1')).toBe(false);
      expect(await store.uploads.get('u1')).toBeUndefined();
    });

    it('staleSince returns sessions untouched since the cutoff, oldest first, up to the limit', async () => {
      const store = await fresh();
      const at = (minutes: number) => new Date(startedAt.getTime() + minutes * 60_000);
      for (const [id, minutes] of [
        ['c', 3],
        ['a', 1],
        ['fresh', 30],
        ['b', 2],
        ['edge', 10],
      ] as const) {
        await store.uploads.create({ id, repository: 'r', startedAt, updatedAt: at(minutes) });
      }
      const ids = async (limit: number) => (await store.uploads.staleSince(at(10), limit)).map((upload) => upload.id);
      expect(await ids(100)).toEqual(['a', 'b', 'c']);
      expect(await ids(2)).toEqual(['a', 'b']);
      await store.uploads.touch('a', at(20));
      expect(await ids(100)).toEqual(['b', 'c']);
      const [stale] = await store.uploads.staleSince(at(10), 1);
      expect(stale).toEqual({ id: 'b', repository: 'r', startedAt, updatedAt: at(2) });
    });
  });
}
