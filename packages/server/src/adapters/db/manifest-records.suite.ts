import { describe, expect, it } from 'vitest';
import type { NewManifest } from '../../ports/metadata-store.js';
import type { Store } from '../../ports/store.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const SBOM = 'application/spdx+json';
const SIGNATURE = 'application/vnd.dev.cosign.artifact.sig.v1+json';

function manifest(repositoryId: number, seed: string, extra: Partial<NewManifest> = {}): NewManifest {
  return { repositoryId, digest: digestOf(seed), mediaType: IMAGE, size: 512, ...extra };
}

async function repositoryId(store: Store, name = 'r'): Promise<number> {
  return (await repositoryIn(store, name)).id;
}

export function describeManifestRecords(fresh: FreshStore): void {
  describe('manifests', () => {
    it('put stores the manifest and get returns the same record', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const before = Date.now();
      const annotations = { 'org.opencontainers.image.title': 'hello', 'x.unicode': 'ünï' };
      const put = await store.manifests.put(
        manifest(repo, 'm', { artifactType: SBOM, subject: digestOf('s'), annotations, size: 2 ** 33 + 1 }),
        [],
      );
      expect(put).toMatchObject({
        repositoryId: repo,
        digest: digestOf('m'),
        mediaType: IMAGE,
        size: 2 ** 33 + 1,
        artifactType: SBOM,
        subject: digestOf('s'),
        annotations,
      });
      expect(Number.isInteger(put.id)).toBe(true);
      expect(put.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(await store.manifests.get(repo, digestOf('m'))).toEqual(put);
      expect(await store.manifests.get(repo, digestOf('other'))).toBeUndefined();
    });

    it('resolve finds a manifest by tag or digest through the repository name only', async () => {
      const store = await fresh();
      const a = await repositoryId(store, 'team/a');
      const b = await repositoryId(store, 'team/b');
      const inA = await store.manifests.put(manifest(a, 'm1'), []);
      const inB = await store.manifests.put(manifest(b, 'm2'), []);
      await store.tags.put(a, 'v1', inA.id);
      expect(await store.manifests.resolve('team/a', { tag: 'v1' })).toEqual(inA);
      expect(await store.manifests.resolve('team/a', { digest: digestOf('m1') })).toEqual(inA);
      expect(await store.manifests.resolve('team/b', { digest: digestOf('m2') })).toEqual(inB);
      expect(await store.manifests.resolve('team/b', { tag: 'v1' })).toBeUndefined();
      expect(await store.manifests.resolve('team/b', { digest: digestOf('m1') })).toBeUndefined();
      expect(await store.manifests.resolve('team/c', { digest: digestOf('m1') })).toBeUndefined();
      await store.tags.put(a, 'v1', (await store.manifests.put(manifest(a, 'm3'), [])).id);
      expect((await store.manifests.resolve('team/a', { tag: 'v1' }))?.digest).toBe(digestOf('m3'));
    });

    it('optional fields come back undefined when absent', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const put = await store.manifests.put(manifest(repo, 'plain'), []);
      const got = await store.manifests.get(repo, digestOf('plain'));
      expect(got).toEqual(put);
      expect(got?.artifactType).toBeUndefined();
      expect(got?.subject).toBeUndefined();
      expect(got?.annotations).toBeUndefined();
      expect(typeof got?.size).toBe('number');
    });

    it('put of an existing (repository, digest) returns the existing record unchanged', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const first = await store.manifests.put(manifest(repo, 'm'), [{ digest: digestOf('layer'), kind: 'blob' }]);
      const second = await store.manifests.put(manifest(repo, 'm', { mediaType: 'other', size: 1 }), [
        { digest: digestOf('another'), kind: 'manifest' },
      ]);
      expect(second).toEqual(first);
      expect(await store.manifests.references(first.id)).toEqual([{ digest: digestOf('layer'), kind: 'blob' }]);
      const raced = await Promise.all(
        Array.from({ length: 10 }, () => store.manifests.put(manifest(repo, 'raced'), [])),
      );
      expect(new Set(raced.map((record) => record.id)).size).toBe(1);
    });

    it('the same digest in two repositories is two manifests', async () => {
      const store = await fresh();
      const one = await store.manifests.put(manifest(await repositoryId(store, 'one'), 'm'), []);
      const two = await store.manifests.put(manifest(await repositoryId(store, 'two'), 'm'), []);
      expect(two.id).not.toBe(one.id);
      expect(two.repositoryId).not.toBe(one.repositoryId);
    });

    it('references returns what put recorded, once per digest', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const references = [
        { digest: digestOf('config'), kind: 'blob' },
        { digest: digestOf('layer'), kind: 'blob' },
        { digest: digestOf('layer'), kind: 'blob' },
        { digest: digestOf('child'), kind: 'manifest' },
      ] as const;
      const index = await store.manifests.put(manifest(repo, 'index'), references);
      const bare = await store.manifests.put(manifest(repo, 'bare'), []);
      const recorded = await store.manifests.references(index.id);
      const byDigest = (a: { digest: string }, b: { digest: string }) => (a.digest < b.digest ? -1 : 1);
      expect([...recorded].sort(byDigest)).toEqual([...references.slice(0, 2), references[3]].sort(byDigest));
      expect(await store.manifests.references(bare.id)).toEqual([]);
    });

    it('existingOf returns which digests are manifests of the repository', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const elsewhere = await repositoryId(store, 'elsewhere');
      await store.manifests.put(manifest(repo, 'a'), []);
      await store.manifests.put(manifest(repo, 'b'), []);
      await store.manifests.put(manifest(elsewhere, 'c'), []);
      const asked = [digestOf('a'), digestOf('c'), digestOf('z'), digestOf('b')];
      expect(await store.manifests.existingOf(repo, asked)).toEqual(new Set([digestOf('a'), digestOf('b')]));
      expect(await store.manifests.existingOf(repo, [])).toEqual(new Set());
    });

    it('delete removes the manifest, its references and the tags pointing at it', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const doomed = await store.manifests.put(manifest(repo, 'doomed'), [{ digest: digestOf('l'), kind: 'blob' }]);
      const kept = await store.manifests.put(manifest(repo, 'kept'), [{ digest: digestOf('l'), kind: 'blob' }]);
      await store.tags.put(repo, 'v1', doomed.id);
      await store.tags.put(repo, 'latest', doomed.id);
      await store.tags.put(repo, 'stable', kept.id);
      expect(await store.manifests.delete(repo, digestOf('doomed'))).toBe(true);
      expect(await store.manifests.get(repo, digestOf('doomed'))).toBeUndefined();
      expect(await store.manifests.references(doomed.id)).toEqual([]);
      expect(await store.tags.list(repo, { limit: 10 })).toEqual(['stable']);
      expect(await store.manifests.references(kept.id)).toEqual([{ digest: digestOf('l'), kind: 'blob' }]);
      expect(await store.manifests.delete(repo, digestOf('doomed'))).toBe(false);
      expect(await store.manifests.delete(await repositoryId(store, 'other'), digestOf('kept'))).toBe(false);
      expect(await store.manifests.get(repo, digestOf('kept'))).toEqual(kept);
    });

    it('referrers lists manifests with the subject, ordered by digest, optionally by artifactType', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const other = await repositoryId(store, 'other');
      const subject = digestOf('subject');
      await store.manifests.put(manifest(repo, 'subject'), []);
      const seeds = ['r1', 'r2', 'r3', 'r4'];
      const types = [SBOM, SIGNATURE, SBOM, undefined];
      for (const [i, seed] of seeds.entries()) {
        await store.manifests.put(manifest(repo, seed, { subject, artifactType: types[i] }), []);
      }
      await store.manifests.put(manifest(repo, 'unrelated', { subject: digestOf('x'), artifactType: SBOM }), []);
      await store.manifests.put(manifest(other, 'foreign', { subject, artifactType: SBOM }), []);
      const digests = async (artifactType?: string) =>
        (await store.manifests.referrers(repo, subject, artifactType)).map((record) => record.digest);
      const sorted = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : 1));
      expect(await digests()).toEqual(sorted(seeds.map(digestOf)));
      expect(await digests(SBOM)).toEqual(sorted([digestOf('r1'), digestOf('r3')]));
      expect(await digests(SIGNATURE)).toEqual([digestOf('r2')]);
      expect(await digests('application/none')).toEqual([]);
      const [first] = await store.manifests.referrers(repo, subject, SIGNATURE);
      expect(first).toEqual(await store.manifests.get(repo, digestOf('r2')));
    });

    it('referrers finds a referrer put before anything else exists for its subject', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      const subject = digestOf('not-yet-pushed');
      const early = await store.manifests.put(manifest(repo, 'early', { subject, artifactType: SBOM }), []);
      expect(await store.manifests.referrers(repo, subject)).toEqual([early]);
      await store.manifests.put(manifest(repo, 'not-yet-pushed'), []);
      expect(await store.manifests.referrers(repo, subject, SBOM)).toEqual([early]);
      expect(await store.manifests.referrers(repo, digestOf('early'))).toEqual([]);
    });

    it('put inside a transaction joins it: rolled back together, committed together', async () => {
      const store = await fresh();
      const repo = await repositoryId(store);
      await expect(
        store.transaction(async (tx) => {
          const put = await tx.manifests.put(manifest(repo, 'tx'), [{ digest: digestOf('l'), kind: 'blob' }]);
          expect(await tx.manifests.references(put.id)).toHaveLength(1);
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      expect(await store.manifests.get(repo, digestOf('tx'))).toBeUndefined();
      const committed = await store.transaction(async (tx) => {
        const put = await tx.manifests.put(manifest(repo, 'tx'), [{ digest: digestOf('l'), kind: 'blob' }]);
        await tx.tags.put(repo, 'latest', put.id);
        return put;
      });
      expect(await store.manifests.get(repo, digestOf('tx'))).toEqual(committed);
      expect(await store.manifests.references(committed.id)).toEqual([{ digest: digestOf('l'), kind: 'blob' }]);
      expect((await store.tags.get(repo, 'latest'))?.manifestId).toBe(committed.id);
    });
  });
}
