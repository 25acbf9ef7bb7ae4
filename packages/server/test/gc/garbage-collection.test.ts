import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GcOptions, GcResult } from '../../src/gc/collector.js';
import { ManualClock } from '../../src/ports/clock.js';
import {
  expectOciError,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  putManifest,
  randomBlob,
  sha256,
  type Descriptor,
} from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const HOUR = 3_600_000;
const clock = new ManualClock(Date.now());
// Tag history (tags.restoreWindow) would keep deleted artifacts' blobs: these tests are of GC alone (tag-history.test.ts).
const reg = useOciTestRegistry({ WHARF_TAGS_RESTOREWINDOW: '0' }, { clock });

const NOW: GcOptions = { deleteUntagged: false, dryRun: false, workers: 3, timeWindowMs: 0 };

function collect(opts: Partial<GcOptions> = {}): Promise<GcResult> {
  const lines: string[] = [];
  return reg.wharf.gc.run({ ...NOW, ...opts }, { signal: new AbortController().signal, log: (l) => lines.push(l) });
}

/** The digests whose content is in storage. */
async function storedDigests(): Promise<Set<string>> {
  const root = path.join(reg.dataDir, 'storage', 'blobs', 'sha256');
  const found = new Set<string>();
  for (const prefix of await readdir(root).catch(() => [])) {
    for (const hex of await readdir(path.join(root, prefix))) found.add(`sha256:${hex}`);
  }
  return found;
}

async function blobStatus(repo: string, digest: string): Promise<number> {
  return (await reg.app.inject({ method: 'HEAD', url: `/v2/${repo}/blobs/${digest}` })).statusCode;
}

function layersOf(image: { manifest: { config: Descriptor; layers: Descriptor[] } }): string[] {
  return [image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)];
}

describe('online garbage collection', () => {
  it('frees the blobs only a deleted artifact used and keeps those a tagged image shares, byte for byte', async () => {
    const shared = await pushBlob(reg.app, 'gc1/app', randomBlob(2048));
    const config = (n: number) => pushBlob(reg.app, 'gc1/app', Buffer.from(`{"n":${n}}`), OCI_CONFIG);
    const own = await pushBlob(reg.app, 'gc1/app', randomBlob(4096));
    const keep = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: await config(1), layers: [shared] };
    const doomed = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: await config(2), layers: [shared, own] };
    expect((await putManifest(reg.app, 'gc1/app', 'keep', keep, OCI_MANIFEST)).statusCode).toBe(201);
    const put = await putManifest(reg.app, 'gc1/app', 'doomed', doomed, OCI_MANIFEST);
    const doomedDigest = put.headers['docker-content-digest'] as string;
    expect((await reg.app.inject({ method: 'DELETE', url: `/v2/gc1/app/manifests/${doomedDigest}` })).statusCode).toBe(
      202,
    );
    const doomedBody = Buffer.from(JSON.stringify(doomed));
    const freed = own.size + doomed.config.size + doomedBody.length;

    const dry = await collect({ dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, blobsDeleted: 3, bytesFreed: freed });
    expect(await storedDigests()).toContain(own.digest);

    const project = await reg.wharf.store.projects.getByName('gc1');
    const usedBefore = (await reg.wharf.store.quotas.ofProject(project!.id))!.used;
    const result = await collect();
    expect(result).toMatchObject({ blobsDeleted: 3, bytesFreed: freed, artifactsDeleted: 0, leftoversFinished: 0 });
    // The project's quota stops counting what was collected: its usage is what a recount finds.
    expect(await reg.wharf.store.quotas.recount()).toEqual([]);
    expect((await reg.wharf.store.quotas.ofProject(project!.id))!.used).toBeLessThan(usedBefore);
    const stored = await storedDigests();
    for (const gone of [own.digest, doomed.config.digest, doomedDigest]) expect(stored).not.toContain(gone);
    expect(await blobStatus('gc1/app', own.digest)).toBe(404);
    for (const kept of [shared.digest, keep.config.digest]) expect(await blobStatus('gc1/app', kept)).toBe(200);
    const pulled = await reg.app.inject({ method: 'GET', url: '/v2/gc1/app/manifests/keep' });
    expect(pulled.rawPayload.equals(Buffer.from(JSON.stringify(keep)))).toBe(true);
    expect((await reg.app.inject({ method: 'GET', url: `/v2/gc1/app/blobs/${shared.digest}` })).statusCode).toBe(200);
    expect(await collect()).toMatchObject({ blobsDeleted: 0, bytesFreed: 0 });
    // Pushed again, the collected content comes back.
    expect((await putManifest(reg.app, 'gc1/app', 'again', doomed, OCI_MANIFEST)).statusCode).toBe(400);
    await pushBlob(reg.app, 'gc1/app', Buffer.from('{"n":2}'));
    expect(await blobStatus('gc1/app', doomed.config.digest)).toBe(200);
  });

  it('keeps content within the time window until the clock has moved past it', async () => {
    await collect(); // what earlier cases left unreferenced
    const image = await pushImage(reg.app, 'gc2/app', 'v1');
    await reg.app.inject({ method: 'DELETE', url: `/v2/gc2/app/manifests/${image.digest}` });
    expect(await collect({ timeWindowMs: 2 * HOUR })).toMatchObject({ blobsDeleted: 0 });
    clock.advance(3 * HOUR);
    const result = await collect({ timeWindowMs: 2 * HOUR });
    expect(result.blobsDeleted).toBe(4);
    const stored = await storedDigests();
    for (const digest of [...layersOf(image), image.digest]) expect(stored).not.toContain(digest);
  });

  it('deletes untagged artifacts on request, keeping index children and accessories of kept subjects', async () => {
    const tagged = await pushImage(reg.app, 'gc3/app', 'v1');
    const untagged = await pushImage(reg.app, 'gc3/app', 'temp');
    await reg.app.inject({ method: 'DELETE', url: '/v2/gc3/app/manifests/temp' });
    const child = await pushImage(reg.app, 'gc3/app', 'child');
    await reg.app.inject({ method: 'DELETE', url: '/v2/gc3/app/manifests/child' });
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [child.descriptor] };
    expect((await putManifest(reg.app, 'gc3/app', 'multi', index, OCI_INDEX)).statusCode).toBe(201);
    const empty = await pushBlob(reg.app, 'gc3/app', Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
    const signature = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.signature',
      config: empty,
      layers: [empty],
      subject: tagged.descriptor,
    };
    const signed = await putManifest(reg.app, 'gc3/app', sha256(JSON.stringify(signature)), signature, OCI_MANIFEST);
    expect(signed.statusCode).toBe(201);

    expect(await collect({ deleteUntagged: true, dryRun: true })).toMatchObject({ artifactsDeleted: 1 });
    const result = await collect({ deleteUntagged: true });
    expect(result.artifactsDeleted).toBe(1);
    const status = async (ref: string) =>
      (await reg.app.inject({ method: 'HEAD', url: `/v2/gc3/app/manifests/${ref}` })).statusCode;
    expect(await status(untagged.digest)).toBe(404);
    expect(await status(tagged.digest)).toBe(200);
    expect(await status(child.digest)).toBe(200);
    expect(await status(sha256(JSON.stringify(signature)))).toBe(200);
    const stored = await storedDigests();
    for (const digest of layersOf(untagged)) expect(stored).not.toContain(digest);
    for (const digest of [...layersOf(tagged), ...layersOf(child)]) expect(stored).toContain(digest);
  });

  it('refuses, retryably, a push relying on a blob being deleted, and finishes a run that died', async () => {
    const content = randomBlob(1000);
    const layer = await pushBlob(reg.app, 'gc4/app', content);
    const config = await pushBlob(reg.app, 'gc4/app', Buffer.from('{"gc":4}'), OCI_CONFIG);
    // A collector that died after marking: the blob stays `deleting` with its content on disk.
    const marked = await reg.wharf.store.transaction((tx) =>
      tx.garbage.markDeleting([layer.digest], clock.now() + HOUR),
    );
    expect(marked).toEqual([{ digest: layer.digest, size: layer.size }]);
    expect(await blobStatus('gc4/app', layer.digest)).toBe(404);
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
    expectOciError(await putManifest(reg.app, 'gc4/app', 'v1', manifest, OCI_MANIFEST), 400, 'MANIFEST_BLOB_UNKNOWN');
    const reupload = await reg.app.inject({
      method: 'POST',
      url: `/v2/gc4/app/blobs/uploads/?digest=${layer.digest}`,
      payload: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectOciError(reupload, 503, 'UNAVAILABLE');
    expect(reupload.headers['retry-after']).toBe('5');

    const result = await collect({ timeWindowMs: HOUR });
    // The refused manifest's content was stored before its references were checked: an orphaned file, collected.
    const refused = Buffer.byteLength(JSON.stringify(manifest));
    expect(result).toMatchObject({
      leftoversFinished: 1,
      orphansDeleted: 1,
      blobsDeleted: 2,
      bytesFreed: layer.size + refused,
    });
    expect(await storedDigests()).not.toContain(layer.digest);
    const again = await pushBlob(reg.app, 'gc4/app', content);
    expect(again.digest).toBe(layer.digest);
    expect((await putManifest(reg.app, 'gc4/app', 'v1', manifest, OCI_MANIFEST)).statusCode).toBe(201);
  });
});
