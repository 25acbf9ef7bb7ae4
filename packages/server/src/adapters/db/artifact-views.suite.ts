import { describe, expect, it } from 'vitest';
import type { AccessoryQuery, ManifestRecord, NewManifest } from '../../ports/metadata-store.js';
import type { Store } from '../../ports/store.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStores } from './metadata-store-fixture.suite.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';

const page = { page: 1, pageSize: 50 };
const pause = () => new Promise((resolve) => setTimeout(resolve, 3));

async function put(
  store: Store,
  repositoryId: number,
  seed: string,
  extra: Partial<NewManifest> = {},
  children: readonly ManifestRecord[] = [],
): Promise<ManifestRecord> {
  const manifest: NewManifest = {
    repositoryId,
    digest: digestOf(seed),
    mediaType: children.length > 0 ? INDEX : MANIFEST,
    size: 100,
    artifactMediaType: children.length > 0 ? INDEX : IMAGE_CONFIG,
    ...extra,
  };
  return store.manifests.put(
    manifest,
    children.map((c) => ({ digest: c.digest, kind: 'manifest' })),
  );
}

/**
 * A repository `<name>` with: an index (tagged `multi`) over two children (one also tagged `arm`), a tagged image
 * (`v1`, `latest`), an untagged image, a chart, and a referrer of the image.
 */
async function populate(store: Store, name: string) {
  const repository = await repositoryIn(store, name);
  const id = repository.id;
  const amd = await put(store, id, `${name}/amd`);
  const arm = await put(store, id, `${name}/arm`);
  await pause();
  const index = await put(store, id, `${name}/index`, {}, [amd, arm]);
  await pause();
  const image = await put(store, id, `${name}/image`, { annotations: { a: 'b' } });
  await pause();
  const untagged = await put(store, id, `${name}/untagged`);
  await pause();
  const chart = await put(store, id, `${name}/chart`, { artifactMediaType: HELM_CONFIG });
  const referrer = await put(store, id, `${name}/sbom`, { subject: image.digest, artifactType: 'application/x-sbom' });
  // Pushed in this order, a few milliseconds apart.
  for (const [tag, manifest] of [
    ['multi', index],
    ['arm', arm],
    ['v1', image],
    ['latest', image],
    ['chart', chart],
  ] as const) {
    await pause();
    await store.tags.put(id, tag, manifest.id);
  }
  return { repository, amd, arm, index, image, untagged, chart, referrer };
}

const digests = (records: readonly ManifestRecord[]) => records.map((r) => r.digest);

export function describeArtifactViews(fresh: FreshStores): void {
  describe('artifact views', () => {
    it('query lists tagged manifests and those no index contains, never referrers, newest first', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const { items, total } = await store.manifests.query(r.repository.id, page);
      expect(digests(items)).toEqual(digests([r.chart, r.untagged, r.image, r.index, r.arm]));
      expect(total).toBe(5);
      const second = await store.manifests.query(r.repository.id, { page: 2, pageSize: 2 });
      expect(digests(second.items)).toEqual(digests([r.image, r.index]));
      expect(second.total).toBe(5);
    });

    it('query filters by tagging, tag, digest, media type and type', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const q = async (filter: object) =>
        digests((await store.manifests.query(r.repository.id, { ...page, ...filter })).items);
      expect(await q({ tagged: false })).toEqual(digests([r.untagged]));
      expect(await q({ tagged: true })).toEqual(digests([r.chart, r.image, r.index, r.arm]));
      expect(await q({ tag: { anyOf: ['latest', 'arm'] } })).toEqual(digests([r.image, r.arm]));
      expect(await q({ tag: { contains: 'ULT' } })).toEqual(digests([r.index]));
      expect(await q({ digest: { anyOf: [r.untagged.digest] } })).toEqual(digests([r.untagged]));
      expect(await q({ mediaType: { anyOf: [HELM_CONFIG] } })).toEqual(digests([r.chart]));
      expect(await q({ mediaType: { contains: 'index' } })).toEqual(digests([r.index]));
      expect(await q({ type: { anyOf: ['CHART'] } })).toEqual(digests([r.chart]));
      expect(await q({ type: { anyOf: ['IMAGE'] }, tagged: false })).toEqual(digests([r.untagged]));
      expect(await q({ type: { anyOf: ['CNAB'] } })).toEqual([]);
      expect(await q({ tag: { anyOf: [] } })).toEqual([]);
    });

    it('query sorts by push time, pull time, digest and id', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const sorted = async (by: 'pushTime' | 'pullTime' | 'digest' | 'id', direction: 'asc' | 'desc') =>
        digests((await store.manifests.query(r.repository.id, { ...page, sort: [{ by, direction }] })).items);
      const listed = [r.arm, r.index, r.image, r.untagged, r.chart];
      expect(await sorted('pushTime', 'asc')).toEqual(digests(listed));
      expect(await sorted('id', 'desc')).toEqual(digests([...listed].reverse()));
      expect(await sorted('digest', 'asc')).toEqual(digests(listed).sort());
      await store.pulls.record({ repositories: [], manifests: [{ id: r.untagged.id, at: new Date(5_000) }], tags: [] });
      expect((await sorted('pullTime', 'desc'))[0]).toBe(r.untagged.digest);
    });

    it('getMany, parents and referrersOf find manifests of the repository only', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const other = await populate(store, 'p/other');
      const many = await store.manifests.getMany(r.repository.id, [r.amd.digest, r.arm.digest, digestOf('none')]);
      expect(digests(many).sort()).toEqual([r.amd.digest, r.arm.digest].sort());
      expect(await store.manifests.getMany(r.repository.id, [])).toEqual([]);
      expect(digests(await store.manifests.parents(r.repository.id, r.amd.digest))).toEqual([r.index.digest]);
      expect(await store.manifests.parents(r.repository.id, r.image.digest)).toEqual([]);
      expect(await store.manifests.parents(r.repository.id, other.amd.digest)).toEqual([]);
      expect(digests(await store.manifests.referrersOf(r.repository.id, [r.image.digest, r.index.digest]))).toEqual([
        r.referrer.digest,
      ]);
      expect(await store.manifests.referrersOf(r.repository.id, [other.image.digest])).toEqual([]);
    });

    it('accessories pages, filters by type and digest and sorts the manifests with a subject', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const other = await populate(store, 'p/other');
      const id = r.repository.id;
      await pause();
      const cosign = await put(store, id, 'p/app/cosign', {
        subject: r.image.digest,
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      });
      await pause();
      const notation = await put(store, id, 'p/app/notation', {
        subject: r.image.digest,
        artifactMediaType: 'application/vnd.cncf.notary.signature',
      });
      const all = await store.manifests.accessories(id, r.image.digest, page);
      expect(all.total).toBe(3);
      expect(digests(all.items)).toEqual([notation.digest, cosign.digest, r.referrer.digest]);
      const of = async (query: Omit<AccessoryQuery, 'page' | 'pageSize'>) =>
        digests((await store.manifests.accessories(id, r.image.digest, { ...page, ...query })).items);
      expect(await of({ type: { anyOf: ['signature.cosign'] } })).toEqual([cosign.digest]);
      expect(await of({ type: { contains: 'SIGNATURE' } })).toEqual([notation.digest, cosign.digest]);
      expect(await of({ type: { anyOf: ['subject.accessory'] } })).toEqual([r.referrer.digest]);
      expect(await of({ type: { anyOf: ['harbor.sbom'] } })).toEqual([]);
      expect(await of({ digest: { anyOf: [cosign.digest] } })).toEqual([cosign.digest]);
      expect(await of({ sort: [{ by: 'digest', direction: 'asc' }] })).toEqual(
        [notation.digest, cosign.digest, r.referrer.digest].sort(),
      );
      const second = await store.manifests.accessories(id, r.image.digest, { page: 2, pageSize: 2 });
      expect({ total: second.total, items: digests(second.items) }).toEqual({ total: 3, items: [r.referrer.digest] });
      expect((await store.manifests.accessories(id, other.image.digest, page)).total).toBe(0);
      expect((await store.manifests.accessories(id, r.index.digest, page)).items).toEqual([]);
    });

    it('the artifact media type and the pull time come back on manifest records', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const got = await store.manifests.get(r.repository.id, r.chart.digest);
      expect(got?.artifactMediaType).toBe(HELM_CONFIG);
      expect(got?.pulledAt).toBeUndefined();
      await store.pulls.record({ repositories: [], manifests: [{ id: r.chart.id, at: new Date(7_000) }], tags: [] });
      expect((await store.manifests.resolve('p/app', { tag: 'chart' }))?.pulledAt).toEqual(new Date(7_000));
    });

    it('tags have stable ids and push times; create refuses an existing name', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const v1 = await store.tags.get(r.repository.id, 'v1');
      expect(v1).toMatchObject({
        repositoryId: r.repository.id,
        name: 'v1',
        manifestId: r.image.id,
        digest: r.image.digest,
      });
      expect(Number.isInteger(v1?.id)).toBe(true);
      await pause();
      await store.tags.put(r.repository.id, 'v1', r.untagged.id);
      const moved = await store.tags.get(r.repository.id, 'v1');
      expect(moved?.id).toBe(v1?.id);
      expect(moved?.updatedAt.getTime()).toBeGreaterThan(v1!.updatedAt.getTime());
      expect(await store.tags.create(r.repository.id, 'v1', r.image.id)).toBe(false);
      expect((await store.tags.get(r.repository.id, 'v1'))?.manifestId).toBe(r.untagged.id);
      expect(await store.tags.create(r.repository.id, 'v2', r.image.id)).toBe(true);
      expect((await store.tags.get(r.repository.id, 'v2'))?.manifestId).toBe(r.image.id);
    });

    it('tag query filters, sorts and pages the tags of one manifest; ofManifests gathers several', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      await pause();
      await store.tags.create(r.repository.id, 'zeta', r.image.id);
      const names = async (query: object) =>
        (await store.tags.query(r.image.id, { ...page, ...query })).items.map((t) => t.name);
      expect(await names({})).toEqual(['zeta', 'latest', 'v1']);
      expect(await names({ sort: [{ by: 'name', direction: 'asc' }] })).toEqual(['latest', 'v1', 'zeta']);
      expect(await names({ name: { contains: 'E' } })).toEqual(['zeta', 'latest']);
      expect(await names({ name: { anyOf: ['v1'] } })).toEqual(['v1']);
      const second = await store.tags.query(r.image.id, {
        page: 2,
        pageSize: 2,
        sort: [{ by: 'name', direction: 'asc' }],
      });
      expect(second).toMatchObject({ total: 3, items: [{ name: 'zeta' }] });
      const all = await store.tags.ofManifests([r.image.id, r.index.id]);
      expect(all.map((t) => t.name)).toEqual(['zeta', 'latest', 'v1', 'multi']);
      expect(await store.tags.ofManifests([])).toEqual([]);
    });

    it('pulls add to the count and move pull times forward only; rows deleted meanwhile are skipped', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      const batch = (at: number, count = 1) => ({
        repositories: [{ id: r.repository.id, count }],
        manifests: [{ id: r.image.id, at: new Date(at) }],
        tags: [{ repositoryId: r.repository.id, name: 'v1', at: new Date(at) }],
      });
      await store.pulls.record(batch(10_000, 2));
      await store.pulls.record(batch(9_000, 3));
      expect((await store.repositories.view('p/app'))?.pullCount).toBe(5);
      expect((await store.manifests.get(r.repository.id, r.image.digest))?.pulledAt).toEqual(new Date(10_000));
      expect((await store.tags.get(r.repository.id, 'v1'))?.pulledAt).toEqual(new Date(10_000));
      expect((await store.tags.get(r.repository.id, 'latest'))?.pulledAt).toBeUndefined();
      await store.pulls.record({
        repositories: [{ id: 999_999, count: 1 }],
        manifests: [{ id: 999_999, at: new Date(1) }],
        tags: [{ repositoryId: r.repository.id, name: 'ghost', at: new Date(1) }],
      });
    });

    it('view shows the counts and times of a repository', async () => {
      const { store, identity } = await fresh();
      const r = await populate(store, 'p/app');
      const view = await store.repositories.view('p/app');
      expect(view).toEqual({
        id: r.repository.id,
        name: 'p/app',
        projectId: (await identity.projects.getByName('p'))?.id,
        description: '',
        artifactCount: 5,
        pullCount: 0,
        createdAt: r.repository.createdAt,
        updatedAt: expect.any(Date) as Date,
      });
      expect(view?.updatedAt.getTime()).toBeGreaterThanOrEqual(r.referrer.createdAt.getTime());
      expect(await store.repositories.view('p/none')).toBeUndefined();
      const empty = await repositoryIn(store, 'p/empty');
      expect(await store.repositories.view('p/empty')).toMatchObject({ artifactCount: 0, updatedAt: empty.createdAt });
    });

    it('setDescription changes the description and the update time', async () => {
      const { store } = await fresh();
      const repository = await repositoryIn(store, 'p/app');
      await pause();
      expect(await store.repositories.setDescription(repository.id, 'About this')).toBe(true);
      const view = await store.repositories.view('p/app');
      expect(view?.description).toBe('About this');
      expect(view?.updatedAt.getTime()).toBeGreaterThan(repository.createdAt.getTime());
      expect(await store.repositories.setDescription(999_999, 'x')).toBe(false);
    });

    it('query filters repositories by project and name, sorts and pages them', async () => {
      const { store, identity } = await fresh();
      for (const name of ['a/one', 'a/two', 'b/three', 'c/four']) {
        await repositoryIn(store, name);
        await pause();
      }
      const a = (await identity.projects.getByName('a'))!.id;
      const b = (await identity.projects.getByName('b'))!.id;
      const names = async (query: object) =>
        (await store.repositories.query({ ...page, ...query })).items.map((v) => v.name);
      expect(await names({})).toEqual(['c/four', 'b/three', 'a/two', 'a/one']);
      expect(await names({ projectIds: [a, b], sort: [{ by: 'name', direction: 'asc' }] })).toEqual([
        'a/one',
        'a/two',
        'b/three',
      ]);
      expect(await names({ projectIds: [] })).toEqual([]);
      expect(await names({ name: { contains: 'T' } })).toEqual(['b/three', 'a/two']);
      expect(await names({ name: { anyOf: ['a/one', 'c/four'] } })).toEqual(['c/four', 'a/one']);
      const one = (await store.repositories.get('a/one'))!;
      await store.pulls.record({ repositories: [{ id: one.id, count: 4 }], manifests: [], tags: [] });
      expect((await names({ sort: [{ by: 'pullCount', direction: 'desc' }] }))[0]).toBe('a/one');
      await store.repositories.setDescription(one.id, 'touched');
      expect((await names({ sort: [{ by: 'updateTime', direction: 'desc' }] }))[0]).toBe('a/one');
      const second = await store.repositories.query({ page: 2, pageSize: 3 });
      expect(second.total).toBe(4);
      expect(second.items.map((v) => v.name)).toEqual(['a/one']);
    });

    it('delete removes the repository with its manifests, tags and blob links, but not blob records', async () => {
      const { store } = await fresh();
      const r = await populate(store, 'p/app');
      await store.blobs.put({ digest: digestOf('layer'), size: 3 }, Date.now());
      await store.blobs.link(r.repository.id, digestOf('layer'));
      expect(await store.repositories.delete(r.repository.id)).toBe(true);
      expect(await store.repositories.get('p/app')).toBeUndefined();
      expect(await store.manifests.resolve('p/app', { tag: 'v1' })).toBeUndefined();
      expect(await store.tags.ofManifests([r.image.id])).toEqual([]);
      expect(await store.blobs.getInRepository('p/app', digestOf('layer'))).toBeUndefined();
      expect(await store.blobs.get(digestOf('layer'))).toEqual({ digest: digestOf('layer'), size: 3 });
      expect(await store.repositories.delete(r.repository.id)).toBe(false);
      const again = await repositoryIn(store, 'p/app');
      expect((await store.manifests.query(again.id, page)).total).toBe(0);
    });
  });
}
