/**
 * Garbage collection at scale (docs/benchmark.md): N small blobs in images of 10 blobs (a config and 9 layers),
 * half of the images deleted by digest over /v2, so that half of the blobs are unreferenced; then the registry's GC.
 * Each role runs its own fresh server (the shared ones stay as they are for the other scenarios):
 * - reference: docker-registry is stopped and `docker-registry garbage-collect` runs on its storage (offline);
 * - Wharf: started in-process by gc-wharf.js, whose IPC channel runs `wharf.gc` (the online collector) and returns
 *   its result; then pushes per second by a few pushers without GC and while a GC over new garbage runs.
 * Loading is timed separately and is not part of the GC figures.
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { BasicCredentials } from '../auth.js';
import { makeConfig, makeManifest, makeSmallImage, sha256, type SmallBlob, type SmallImage } from '../oci.js';
import { runPool } from '../pool.js';
import { RegistryClient } from '../registry-client.js';
import { freePort, startReference } from '../servers.js';
import type { GcChildMessage, GcRequest } from '../gc-wharf.js';
import type { ScenarioResult } from '../report.js';
import type { ScenarioContext, Scenario } from './types.js';

const BLOBS_PER_IMAGE = 10;
const REPOS = 100;
const LOAD_CONCURRENCY = 32;
const PUSHERS = 4;
/** The GC that runs under pushes keeps what is younger than this: in-flight pushes are not garbage. */
const PUSH_GC_WINDOW_MS = 5_000;

function randomBlob(): SmallBlob {
  const data = randomBytes(randomInt(100, 501));
  return { data, digest: sha256(data) };
}

function makeImages(blobs: number, label: string): SmallImage[] {
  return Array.from({ length: Math.ceil(blobs / BLOBS_PER_IMAGE) }, (_, i) => {
    const config = makeConfig(`${label}-${i}`);
    const layers = Array.from({ length: BLOBS_PER_IMAGE - 1 }, randomBlob);
    return { config, layers, ...makeManifest(config, layers) };
  });
}

const repoOf = (i: number): string => `library/gc/r${i % REPOS}`;

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Pushes the images (blobs in parallel across images), then deletes every second one by digest. */
async function loadAndDelete(ctx: ScenarioContext, client: RegistryClient, images: readonly SmallImage[]) {
  const t0 = process.hrtime.bigint();
  await runPool(images.length, LOAD_CONCURRENCY, async (i) => {
    const image = images[i]!;
    const repo = repoOf(i);
    await Promise.all([image.config, ...image.layers].map((b) => client.pushSmallBlob(repo, b)));
    await client.putManifest(repo, `v${i}`, image.manifest);
  });
  const loadSeconds = seconds(t0);
  const t1 = process.hrtime.bigint();
  const doomed = images.map((image, i) => ({ image, i })).filter(({ i }) => i % 2 === 0);
  await runPool(doomed.length, LOAD_CONCURRENCY, async (k) => {
    const { image, i } = doomed[k]!;
    await client.deleteManifest(repoOf(i), image.manifestDigest);
  });
  const deleteSeconds = seconds(t1);
  const garbageBytes = doomed.reduce(
    (sum, { image }) =>
      sum + image.manifest.length + [image.config, ...image.layers].reduce((s, b) => s + b.data.length, 0),
    0,
  );
  ctx.log(
    `loaded ${images.length} images (${images.length * BLOBS_PER_IMAGE} blobs) in ${loadSeconds.toFixed(1)} s ` +
      `(${((images.length * (BLOBS_PER_IMAGE + 1)) / loadSeconds).toFixed(0)} blobs+manifests/s); deleted ` +
      `${doomed.length} manifests in ${deleteSeconds.toFixed(1)} s: ${doomed.length * (BLOBS_PER_IMAGE + 1)} ` +
      `unreferenced blobs (manifests included), ${garbageBytes} bytes`,
  );
  return { loadSeconds, garbageBlobs: doomed.length * (BLOBS_PER_IMAGE + 1), garbageBytes };
}

/** Blob data files under distribution's storage, and their total size. */
function distributionBlobs(dataDir: string): { count: number; bytes: number } {
  const root = join(dataDir, 'docker/registry/v2/blobs/sha256');
  let count = 0;
  let bytes = 0;
  let prefixes: string[];
  try {
    prefixes = readdirSync(root);
  } catch {
    return { count, bytes };
  }
  for (const prefix of prefixes) {
    for (const hex of readdirSync(join(root, prefix))) {
      try {
        bytes += statSync(join(root, prefix, hex, 'data')).size;
        count++;
      } catch {
        // a directory without data: not a blob
      }
    }
  }
  return { count, bytes };
}

function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 1024 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr.slice(-2000)}`));
      else resolve(`${stdout}\n${stderr}`);
    });
  });
}

async function runReference(ctx: ScenarioContext, images: readonly SmallImage[], workDir: string, logDir: string) {
  const server = await startReference('reference', workDir, logDir);
  let load;
  const client = new RegistryClient(server.baseUrl);
  try {
    load = await loadAndDelete(ctx, client, images);
  } finally {
    client.close();
    await server.stop();
  }
  const before = distributionBlobs(server.dataDir);
  const t0 = process.hrtime.bigint();
  const out = await run('docker-registry', ['garbage-collect', join(workDir, 'reference-docker-registry.yml')]);
  const gcSeconds = seconds(t0);
  const after = distributionBlobs(server.dataDir);
  const eligible = out.split('\n').filter((line) => line.includes('blob eligible for deletion')).length;
  ctx.log(
    `docker-registry garbage-collect: ${gcSeconds.toFixed(2)} s; ${eligible} 'blob eligible for deletion' lines; ` +
      `blobs on disk ${before.count} -> ${after.count}, ${before.bytes - after.bytes} bytes freed`,
  );
  if (before.count - after.count !== load.garbageBlobs)
    ctx.note(`distribution deleted ${before.count - after.count} blobs, ${load.garbageBlobs} were unreferenced`);
  return {
    loadSeconds: load.loadSeconds,
    gcSeconds,
    blobsDeleted: before.count - after.count,
    bytesFreed: before.bytes - after.bytes,
  };
}

/** A Wharf for this scenario: gc-wharf.js in a child process, with the GC behind its IPC channel. */
class GcWharf {
  private waiting: ((message: GcChildMessage) => void) | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly credentials: BasicCredentials,
  ) {
    child.on('message', (message: GcChildMessage) => this.waiting?.(message));
  }

  static async start(workDir: string, logFile: string): Promise<GcWharf> {
    const port = await freePort();
    const dataDir = join(workDir, 'wharf-data');
    mkdirSync(dataDir, { recursive: true });
    const credentials = { username: 'admin', password: `Gc${randomBytes(18).toString('hex')}` };
    const out = openSync(logFile, 'w');
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'gc-wharf.js');
    const child = fork(script, [], {
      stdio: ['ignore', out, out, 'ipc'],
      env: {
        ...process.env,
        WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
        WHARF_DATA_DIR: dataDir,
        WHARF_LOG_LEVEL: 'warn',
        WHARF_HTTP_ACCESSLOG: 'false',
        WHARF_ADMIN_PASSWORD: credentials.password,
        // Distribution restores nothing: with the default restore window, the deleted manifests' blobs would be
        // kept for tag restore (7 days) and there would be nothing to collect.
        WHARF_TAGS_RESTOREWINDOW: '0',
      },
    });
    closeSync(out);
    const ready = await new Promise<GcChildMessage>((resolve, reject) => {
      child.once('message', (m: GcChildMessage) => resolve(m));
      child.once('exit', (code) => reject(new Error(`gc-wharf exited with ${code}; see ${logFile}`)));
    });
    if (ready.type !== 'ready') throw new Error(`gc-wharf: unexpected ${ready.type}`);
    return new GcWharf(child, `http://127.0.0.1:${port}`, credentials);
  }

  async gc(options: GcRequest['options']) {
    const done = new Promise<GcChildMessage>((resolve) => (this.waiting = resolve));
    this.child.send({ type: 'gc', options } satisfies GcRequest);
    const message = await done;
    this.waiting = undefined;
    if (message.type === 'gc-error') throw new Error(`wharf gc: ${message.message}`);
    if (message.type !== 'gc-result') throw new Error(`gc-wharf: unexpected ${message.type}`);
    return message;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'stop' });
    await Promise.race([exited, sleep(15_000)]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** `PUSHERS` clients push small tagged images until `until` resolves; returns images per second. */
async function pushWhile(
  client: RegistryClient,
  label: string,
  until: Promise<unknown>,
): Promise<{ rate: number; retries: number; seconds: number }> {
  let stop = false;
  let pushed = 0;
  let retries = 0;
  const t0 = process.hrtime.bigint();
  const pusher = async (p: number) => {
    for (let i = 0; !stop; i++) {
      const image = makeSmallImage(`${label}-${p}-${i}`, 2, 400);
      for (let attempt = 0; ; attempt++) {
        try {
          await client.pushImage(`library/gc/push-${p}`, `${label}-${i}`, image);
          break;
        } catch (err) {
          // A blob collected between its upload and the manifest (MANIFEST_BLOB_UNKNOWN) or 503 while deleting.
          if (attempt >= 5) throw err;
          retries++;
        }
      }
      pushed++;
    }
  };
  const pushers = Promise.all(Array.from({ length: PUSHERS }, (_, p) => pusher(p)));
  await until;
  const elapsed = seconds(t0);
  stop = true;
  await pushers;
  return { rate: pushed / elapsed, retries, seconds: elapsed };
}

async function runWharf(ctx: ScenarioContext, images: readonly SmallImage[], workDir: string, logDir: string) {
  const wharf = await GcWharf.start(workDir, join(logDir, 'wharf-gc.log'));
  const client = new RegistryClient(wharf.baseUrl, wharf.credentials);
  try {
    await client.ping();
    const load = await loadAndDelete(ctx, client, images);
    const gc = await wharf.gc({ deleteUntagged: false, dryRun: false, workers: 5, timeWindowMs: 0 });
    const { result } = gc;
    ctx.log(
      `wharf gc (time window 0, 5 workers): ${(gc.ms / 1000).toFixed(2)} s (mark ${result.markMs} ms, sweep ` +
        `${result.sweepMs} ms, orphan scan ${result.orphanScanMs ?? '?'} ms); ${result.blobsDeleted} blobs, ` +
        `${result.bytesFreed} bytes`,
    );
    if (result.blobsDeleted !== load.garbageBlobs)
      ctx.note(`wharf deleted ${result.blobsDeleted} blobs, ${load.garbageBlobs} were unreferenced`);

    // New garbage for the GC under pushes: the same number of unreferenced blobs, uploaded without a manifest.
    const orphans = Array.from({ length: load.garbageBlobs }, randomBlob);
    const t0 = process.hrtime.bigint();
    await runPool(orphans.length, LOAD_CONCURRENCY, (i) => client.pushSmallBlob(repoOf(i), orphans[i]!));
    ctx.log(`uploaded ${orphans.length} unreferenced blobs for the GC under pushes in ${seconds(t0).toFixed(1)} s`);
    // Without GC for a fixed time (longer than the window, so the new garbage is older than it when the GC starts).
    const baselineSeconds = Math.max(ctx.cfg.quick ? 5 : 15, PUSH_GC_WINDOW_MS / 1000 + 1);
    const without = await pushWhile(client, 'nogc', sleep(baselineSeconds * 1000));
    const during = wharf.gc({ deleteUntagged: false, dryRun: false, workers: 5, timeWindowMs: PUSH_GC_WINDOW_MS });
    const withGc = await pushWhile(client, 'gc', during);
    const gc2 = await during;
    ctx.log(
      `pushes/s by ${PUSHERS} pushers: ${without.rate.toFixed(1)} without GC (${without.seconds.toFixed(1)} s), ` +
        `${withGc.rate.toFixed(1)} during GC (${withGc.seconds.toFixed(1)} s, ${withGc.retries} retried pushes); that ` +
        `GC (window ${PUSH_GC_WINDOW_MS / 1000} s): ${gc2.result.blobsDeleted} blobs in ${(gc2.ms / 1000).toFixed(2)} s`,
    );
    if (gc2.result.blobsDeleted < orphans.length)
      ctx.note(`the GC under pushes deleted ${gc2.result.blobsDeleted} of ${orphans.length} unreferenced blobs`);
    if (withGc.seconds < 2) ctx.note(`the GC under pushes took ${withGc.seconds.toFixed(2)} s: a noisy push rate`);
    return {
      loadSeconds: load.loadSeconds,
      gcSeconds: gc.ms / 1000,
      markSeconds: (result.markMs ?? 0) / 1000,
      sweepSeconds: (result.sweepMs ?? 0) / 1000,
      orphanScanSeconds: (result.orphanScanMs ?? 0) / 1000,
      blobsDeleted: result.blobsDeleted,
      bytesFreed: result.bytesFreed,
      pushesNoGc: without.rate,
      pushesDuringGc: withGc.rate,
      pushRatio: withGc.rate / without.rate,
      gcUnderPushesSeconds: gc2.ms / 1000,
    };
  } finally {
    client.close();
    await wharf.stop();
  }
}

export const garbageCollection: Scenario = {
  id: 'gc',
  title: 'Garbage collection at scale',
  metrics: [
    { key: 'loadSeconds', label: 'load N blobs (not part of GC)', unit: 's', better: 'lower' },
    { key: 'gcSeconds', label: 'GC of N/2 unreferenced blobs', unit: 's', better: 'lower', targetRatio: 10 },
    { key: 'markSeconds', label: 'GC mark (find + mark)', unit: 's', better: 'lower' },
    { key: 'sweepSeconds', label: 'GC sweep (content + records)', unit: 's', better: 'lower' },
    { key: 'orphanScanSeconds', label: 'GC orphan scan', unit: 's', better: 'lower' },
    { key: 'blobsDeleted', label: 'blobs deleted by GC', unit: 'blobs', better: 'higher' },
    { key: 'bytesFreed', label: 'bytes freed by GC', unit: 'bytes', better: 'higher' },
    { key: 'pushesNoGc', label: 'pushes without GC, 4 pushers', unit: 'images/s', better: 'higher' },
    { key: 'pushesDuringGc', label: 'pushes during GC, 4 pushers', unit: 'images/s', better: 'higher' },
    { key: 'pushRatio', label: 'pushes during GC / without', unit: 'ratio', better: 'higher', wharfMin: 0.8 },
    { key: 'gcUnderPushesSeconds', label: 'GC of N/2 blobs under pushes', unit: 's', better: 'lower' },
  ],
  async run(ctx) {
    const images = makeImages(ctx.cfg.gcBlobs, `gc-${process.pid}-${ctx.server.role}`);
    const workDir = join(ctx.workDir, `gc-${ctx.server.role}`);
    const logDir = join(dirname(ctx.server.logFile), 'gc');
    mkdirSync(workDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    ctx.log(`${images.length} images of ${BLOBS_PER_IMAGE} blobs (100-500 bytes layers) in ${REPOS} repositories`);
    return ctx.server.role === 'reference'
      ? runReference(ctx, images, workDir, logDir)
      : runWharf(ctx, images, workDir, logDir);
  },
};

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? 'n/a' : value.toFixed(digits);
}

/**
 * The scenario's figures in a few plain lines for the end of the run: both GC times and their ratio against the
 * 10x target, Wharf's mark/sweep split, bytes freed, and the push rates without and during GC against 0.8.
 */
export function gcSummary(result: ScenarioResult, blobs: number): string[] {
  const ref = result.byServer.reference?.metrics ?? {};
  const wharf = result.byServer.wharf?.metrics ?? {};
  const ratio =
    ref['gcSeconds'] !== undefined && wharf['gcSeconds'] !== undefined && wharf['gcSeconds'] > 0
      ? ref['gcSeconds'] / wharf['gcSeconds']
      : undefined;
  const ms = (key: string) => (wharf[key] === undefined ? 'n/a' : `${Math.round(wharf[key] * 1000)} ms`);
  const pushRatio = wharf['pushRatio'];
  return [
    `Garbage collection, ${blobs} blobs loaded, half of them unreferenced:`,
    `  distribution garbage-collect (offline): ${fixed(ref['gcSeconds'], 2)} s, ${ref['blobsDeleted'] ?? 'n/a'} blobs, ` +
      `${ref['bytesFreed'] ?? 'n/a'} bytes freed`,
    `  Wharf GC (online): ${fixed(wharf['gcSeconds'], 2)} s total = mark ${ms('markSeconds')} + sweep ` +
      `${ms('sweepSeconds')} + orphan scan ${ms('orphanScanSeconds')}; ${wharf['blobsDeleted'] ?? 'n/a'} blobs, ` +
      `${wharf['bytesFreed'] ?? 'n/a'} bytes freed`,
    `  ratio distribution / Wharf: ${fixed(ratio, 2)}x (target >= 10x: ${ratio === undefined ? 'n/a' : ratio >= 10 ? 'met' : 'NOT met'})`,
    `  pushes/s (4 pushers): ${fixed(wharf['pushesNoGc'], 1)} without GC, ${fixed(wharf['pushesDuringGc'], 1)} during GC; ` +
      `ratio ${fixed(pushRatio, 2)} (target >= 0.8: ${pushRatio === undefined ? 'n/a' : pushRatio >= 0.8 ? 'met' : 'NOT met'})`,
  ];
}
