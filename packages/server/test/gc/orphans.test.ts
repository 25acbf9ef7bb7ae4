import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GcOptions, GcResult } from '../../src/gc/collector.js';
import { ManualClock } from '../../src/ports/clock.js';
import { expectOciError, pushBlob, pushImage, randomBlob, sha256 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const HOUR = 3_600_000;
const clock = new ManualClock(Date.now() + 10 * HOUR);
const reg = useOciTestRegistry({}, { clock });

const OPTS: GcOptions = { deleteUntagged: false, dryRun: false, workers: 2, timeWindowMs: 2 * HOUR };

function collect(opts: Partial<GcOptions> = {}): Promise<GcResult> {
  return reg.wharf.gc.run({ ...OPTS, ...opts }, { signal: new AbortController().signal, log: () => undefined });
}

function dataFile(digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return path.join(reg.dataDir, 'storage', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}

/** Content put in storage without a record (as an upload whose transaction failed leaves it), last modified at `mtime`. */
async function plantOrphan(content: Buffer, mtime: number): Promise<string> {
  const digest = sha256(content);
  const file = dataFile(digest);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await utimes(file, mtime / 1000, mtime / 1000);
  return digest;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

describe('orphaned content in storage', () => {
  it('deletes files without a blob record older than the time window, and leaves younger ones and recorded ones', async () => {
    const image = await pushImage(reg.app, 'orphan1/app', 'v1');
    // The pushed layers' files are older than the window too, but they have records: left alone.
    for (const layer of image.manifest.layers) await utimes(dataFile(layer.digest), 1, 1);
    const old = randomBlob(3000);
    const oldDigest = await plantOrphan(old, clock.now() - 3 * HOUR);
    const young = randomBlob(500);
    const youngDigest = await plantOrphan(young, clock.now() - HOUR);

    const dry = await collect({ dryRun: true });
    expect(dry).toMatchObject({ orphansDeleted: 1, blobsDeleted: 1, bytesFreed: 3000, dryRun: true });
    expect(await exists(dataFile(oldDigest))).toBe(true);

    const result = await collect();
    expect(result).toMatchObject({ orphansDeleted: 1, blobsDeleted: 1, bytesFreed: 3000 });
    expect(await exists(dataFile(oldDigest))).toBe(false);
    expect(await exists(dataFile(youngDigest))).toBe(true);
    expect(await reg.wharf.store.blobs.get(oldDigest)).toBeUndefined();
    for (const layer of image.manifest.layers) {
      const res = await reg.app.inject({ method: 'GET', url: `/v2/orphan1/app/blobs/${layer.digest}` });
      expect(res.statusCode).toBe(200);
    }

    clock.advance(2 * HOUR);
    expect(await collect()).toMatchObject({ orphansDeleted: 1, bytesFreed: 500 });
    expect(await exists(dataFile(youngDigest))).toBe(false);
  });

  it('records an orphan `deleting` first, so that a push recording the same digest is told to retry', async () => {
    const content = randomBlob(700);
    const digest = await plantOrphan(content, clock.now() - 3 * HOUR);
    // The collector's claim, as it makes it before deleting the content.
    const claimed = await reg.wharf.store.transaction((tx) => tx.garbage.claimOrphan(digest, 700, clock.now()));
    expect(claimed).toBe(true);
    // A second claim (another node's run) does nothing.
    expect(await reg.wharf.store.transaction((tx) => tx.garbage.claimOrphan(digest, 700, clock.now()))).toBe(false);
    const push = await reg.app.inject({
      method: 'POST',
      url: `/v2/orphan2/app/blobs/uploads/?digest=${digest}`,
      payload: content,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expectOciError(push, 503, 'UNAVAILABLE');
    expect(push.headers['retry-after']).toBeDefined();
    // A run finishes it (as it finishes what a run that died left), then the push goes through.
    const result = await collect();
    expect(result.leftoversFinished).toBeGreaterThanOrEqual(1);
    expect(await exists(dataFile(digest))).toBe(false);
    await pushBlob(reg.app, 'orphan2/app', content);
    expect(await exists(dataFile(digest))).toBe(true);
    expect(await reg.wharf.store.blobs.get(digest)).toMatchObject({ digest, size: 700 });
  });

  it('does not claim an orphan whose digest got a record meanwhile', async () => {
    const content = randomBlob(900);
    const { digest } = await pushBlob(reg.app, 'orphan3/app', content);
    expect(await reg.wharf.store.transaction((tx) => tx.garbage.claimOrphan(digest, 900, clock.now()))).toBe(false);
    expect(await reg.wharf.store.blobs.get(digest)).toEqual({ digest, size: 900 });
  });
});

describe('orphaned upload data', () => {
  it('the engine’s UPLOAD_PURGE removes stale sessions and upload directories without a session', async () => {
    const start = await reg.app.inject({ method: 'POST', url: '/v2/orphan4/app/blobs/uploads/' });
    expect(start.statusCode).toBe(202);
    const location = start.headers.location as string;
    const patched = await reg.app.inject({
      method: 'PATCH',
      url: location,
      payload: randomBlob(64),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(patched.statusCode).toBe(202);
    const orphanDir = path.join(reg.dataDir, 'storage', 'uploads', 'no-such-session');
    await mkdir(orphanDir, { recursive: true });
    await writeFile(path.join(orphanDir, 'data'), randomBlob(32));
    await utimes(path.join(orphanDir, 'data'), 1, 1);

    clock.advance(25 * HOUR); // past uploads.purgeAfter (24 h) and the purge's interval
    const jobs = reg.wharf.jobs;
    await jobs.tick();
    await jobs.idle();
    const { items } = await jobs.executions.list({ vendorType: 'UPLOAD_PURGE' });
    expect(items[0]).toMatchObject({ status: 'Success', trigger: 'SCHEDULE' });
    expect(await exists(orphanDir)).toBe(false);
    expectOciError(await reg.app.inject({ method: 'GET', url: location }), 404, 'BLOB_UPLOAD_UNKNOWN');
  });
});
