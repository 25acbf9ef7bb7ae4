// Crash safety: many concurrent blob uploads (monolithic, chunked, POST+PUT) and manifest pushes, SIGKILL in the
// middle, restart on the same data directory, and everything the server acknowledged (201) must still be there,
// intact, with every blob file on disk hashing to the digest its path names. Repeated over several kill/restart
// rounds, then once more with a graceful stop.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  getBlob,
  getManifest,
  headBlob,
  pushBlobChunked,
  pushBlobMonolithic,
  pushBlobPostPut,
  pushManifest,
  ADMIN_AUTH,
} from '../helpers/oci-client.js';
import type { PushedBlob } from '../helpers/oci-client.js';
import { releaseWharfData, startWharf } from '../helpers/registry-process.js';
import type { RunningRegistry } from '../helpers/registry-process.js';
import { openTestStorage } from '../helpers/test-storage.js';

const WORKERS = 16;
const ROUNDS = 3;
const REPOS = ['library/crash/alpha', 'library/crash/team/beta', 'library/crash/team/svc/gamma', 'library/crash/delta'];
const KIB = 1024;
const MIB = 1024 * KIB;
/** Upload bytes per round, so the test stays bounded on a 2-core machine. */
const ROUND_BYTE_BUDGET = 320 * MIB;
const MIN_LOAD_MS = 1_500;
const MAX_LOAD_MS = 6_000;

interface AckedBlob {
  repo: string;
  digest: string;
  size: number;
}

interface AckedManifest {
  repo: string;
  tag: string;
  digest: string;
  blobs: AckedBlob[];
}

const acked = { blobs: [] as AckedBlob[], manifests: [] as AckedManifest[] };
const modes: Record<PushedBlob['mode'], number> = { post: 0, 'post-put': 0, chunked: 0 };
let dataDir = '';
let registry: RunningRegistry | undefined;

afterAll(async () => {
  await registry?.kill();
  if (dataDir !== '') {
    await releaseWharfData(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  }
});

/** Blob sizes from 64 KiB to 4 MiB, skewed towards the small end. */
function randomBlobSize(): number {
  const r = Math.random();
  return 64 * KIB + Math.floor(r * r * (4 * MIB - 64 * KIB));
}

async function pushRandomBlob(base: string, repo: string, op: number): Promise<PushedBlob> {
  const data = randomBytes(randomBlobSize());
  switch (op % 3) {
    case 0:
      return pushBlobMonolithic(base, repo, data);
    case 1:
      return pushBlobChunked(base, repo, data, randomInt(64 * KIB, 1 * MIB));
    default:
      return pushBlobPostPut(base, repo, data);
  }
}

interface LoadResult {
  unexpected: string[];
  /** Operations cut off by the SIGKILL: proof that the kill happened mid-load. */
  interrupted: number;
  blobs: number;
  manifests: number;
  bytes: number;
}

/** Runs the concurrent load, SIGKILLs the server part-way through and waits for every worker to stop. */
async function loadAndKill(server: RunningRegistry, round: number): Promise<LoadResult> {
  const result: LoadResult = { unexpected: [], interrupted: 0, blobs: 0, manifests: 0, bytes: 0 };
  let killed = false;
  let bytesStarted = 0;
  const worker = async (w: number): Promise<void> => {
    for (let op = 0; !killed && bytesStarted < ROUND_BYTE_BUDGET && op < 1_000; op++) {
      const repo = REPOS[(w + op) % REPOS.length] ?? 'library/crash/alpha';
      try {
        const layers: AckedBlob[] = [];
        for (let i = 0, n = randomInt(1, 4); i < n && !killed; i++) {
          const pushed = await pushRandomBlob(server.url, repo, w + op + i);
          bytesStarted += pushed.size;
          modes[pushed.mode]++;
          const blob = { repo, digest: pushed.digest, size: pushed.size };
          layers.push(blob);
          acked.blobs.push(blob);
          result.blobs++;
          result.bytes += blob.size;
        }
        if (killed || layers.length === 0) continue;
        const configBytes = Buffer.from(
          JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, w, op }),
        );
        const config = await pushBlobMonolithic(server.url, repo, configBytes);
        acked.blobs.push({ repo, digest: config.digest, size: config.size });
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
          layers: layers.map((l) => ({
            mediaType: 'application/vnd.oci.image.layer.v1.tar',
            digest: l.digest,
            size: l.size,
          })),
        });
        const tag = `r${round}-w${w}-op${op}`;
        const pushed = await pushManifest(
          server.url,
          repo,
          tag,
          manifest,
          'application/vnd.oci.image.manifest.v1+json',
        );
        acked.manifests.push({
          repo,
          tag,
          digest: pushed.digest,
          blobs: [...layers, { repo, digest: config.digest, size: config.size }],
        });
        result.manifests++;
      } catch (err) {
        // Failures caused by the SIGKILL (connection reset/refused) are expected once `killed` is set.
        if (killed) result.interrupted++;
        else result.unexpected.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  const started = Date.now();
  const killAt = started + randomInt(MIN_LOAD_MS, MIN_LOAD_MS + 1_500);
  while (Date.now() < started + MAX_LOAD_MS && (Date.now() < killAt || result.blobs < 20)) {
    if (bytesStarted > ROUND_BYTE_BUDGET * 0.7) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  killed = true;
  await server.kill();
  await Promise.all(workers);
  return result;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Every `blobs/<alg>/<first two hex>/<hex>/data` in the registry's storage (filesystem or S3) hashes to its digest;
 * returns the digests seen.
 */
async function checkBlobStore(server: RunningRegistry): Promise<Set<string>> {
  const storage = openTestStorage(server.storage!);
  const seen = new Set<string>();
  const problems: string[] = [];
  const files: { digest: string; path: string }[] = [];
  for await (const file of storage.walk('blobs')) {
    const [, alg = '', prefix = '', hex = '', name = ''] = file.path.split('/');
    if (name !== 'data') continue;
    if (!hex.startsWith(prefix)) problems.push(`${alg}/${prefix}/${hex}: directory not under its prefix`);
    files.push({ digest: `${alg}:${hex}`, path: file.path });
  }
  await mapLimit(files, 4, async ({ digest, path }) => {
    const hash = createHash('sha256');
    for await (const chunk of await storage.reader(path)) hash.update(chunk as Buffer);
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) problems.push(`${path}: content hashes to ${actual}`);
    seen.add(digest);
  });
  expect(problems).toEqual([]);
  return seen;
}

/** Everything acknowledged so far is served intact, and nothing answers an unexpected status (500 included). */
async function verifyAcknowledged(server: RunningRegistry): Promise<void> {
  const failures: string[] = [];
  const record = (what: string, err: unknown): void => {
    failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  };
  await mapLimit(acked.blobs, 8, async (blob) => {
    try {
      const length = await headBlob(server.url, blob.repo, blob.digest);
      if (length !== blob.size) failures.push(`HEAD ${blob.repo}@${blob.digest}: Content-Length ${length}`);
      const body = await getBlob(server.url, blob.repo, blob.digest);
      const actual = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      if (actual !== blob.digest) failures.push(`GET ${blob.repo}@${blob.digest}: content hashes to ${actual}`);
    } catch (err) {
      record(`blob ${blob.repo}@${blob.digest}`, err);
    }
  });
  await mapLimit(acked.manifests, 8, async (m) => {
    try {
      const byTag = await getManifest(server.url, m.repo, m.tag);
      if (byTag.digest !== m.digest) failures.push(`${m.repo}:${m.tag} resolves to ${byTag.digest}, not ${m.digest}`);
      const byDigest = await getManifest(server.url, m.repo, m.digest);
      if (byDigest.digest !== m.digest) failures.push(`${m.repo}@${m.digest} served ${byDigest.digest}`);
      for (const blob of m.blobs) await headBlob(server.url, m.repo, blob.digest);
    } catch (err) {
      record(`manifest ${m.repo}:${m.tag}`, err);
    }
  });
  const tagLists = await Promise.all(
    REPOS.map(async (repo) => {
      const res = await fetch(`${server.url}/v2/${repo}/tags/list?n=100000`, { headers: ADMIN_AUTH });
      if (res.status === 404) return [];
      if (res.status !== 200) failures.push(`GET /v2/${repo}/tags/list answered ${res.status}: ${await res.text()}`);
      else return ((await res.json()) as { tags: string[] | null }).tags?.map((t) => `${repo}:${t}`) ?? [];
      return [];
    }),
  );
  const listed = new Set(tagLists.flat());
  for (const m of acked.manifests)
    if (!listed.has(`${m.repo}:${m.tag}`)) failures.push(`tag list lacks ${m.repo}:${m.tag}`);
  expect(failures.slice(0, 20), `${failures.length} failures after restart`).toEqual([]);

  const stored = await checkBlobStore(server);
  const missing = acked.blobs.filter((b) => !stored.has(b.digest)).map((b) => b.digest);
  expect(missing, `acknowledged blobs without blobs/<alg>/<xx>/<hex>/data in storage`).toEqual([]);
}

/** The restarted server still accepts writes: a fresh chunked blob and manifest push and pull back. */
async function verifyWritable(server: RunningRegistry, round: number): Promise<void> {
  const data = randomBytes(300 * KIB);
  const blob = await pushBlobChunked(server.url, 'library/crash/after-restart', data, 128 * KIB);
  expect((await getBlob(server.url, 'library/crash/after-restart', blob.digest)).equals(data)).toBe(true);
  const config = await pushBlobMonolithic(server.url, 'library/crash/after-restart', Buffer.from('{}'));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: blob.digest, size: blob.size }],
  });
  const tag = `after-round-${round}`;
  const pushed = await pushManifest(
    server.url,
    'library/crash/after-restart',
    tag,
    manifest,
    'application/vnd.oci.image.manifest.v1+json',
  );
  expect((await getManifest(server.url, 'library/crash/after-restart', tag)).digest).toBe(pushed.digest);
}

describe('crash safety', () => {
  it('keeps every acknowledged blob, manifest and tag across SIGKILL and restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-crash-'));
    for (let round = 1; round <= ROUNDS; round++) {
      registry = await startWharf({ dataDir });
      if (round > 1) await verifyAcknowledged(registry);
      const load = await loadAndKill(registry, round);
      console.info(
        `round ${round}: ${load.blobs} blobs (${(load.bytes / MIB).toFixed(0)} MiB) and ${load.manifests} manifests ` +
          `acknowledged before SIGKILL, ${load.interrupted} operations cut off; upload modes so far ${JSON.stringify(modes)}`,
      );
      expect(load.unexpected.slice(0, 10), 'errors before the SIGKILL').toEqual([]);
      expect(load.blobs).toBeGreaterThan(0);
      expect(load.interrupted, 'operations in flight when the server was killed').toBeGreaterThan(0);
    }
    registry = await startWharf({ dataDir });
    await verifyAcknowledged(registry);
    await verifyWritable(registry, ROUNDS);
    expect(acked.manifests.length).toBeGreaterThan(0);

    // A graceful stop and restart keeps everything too.
    await registry.stop();
    registry = await startWharf({ dataDir });
    await verifyAcknowledged(registry);
    await registry.stop();
    registry = undefined;
  }, 150_000);
});
