/**
 * The nodes scenario (BENCH_ONLY=nodes): Wharf as 1, 2, 3 … nodes (one worker process each) on one PostgreSQL
 * database (created and dropped here), one Redis (a key prefix of this run) and shared blob storage (a filesystem
 * directory, or an S3 bucket with BENCH_STORAGE=s3), behind a round-robin proxy (per request). Per node count: the
 * aggregate pull throughput of 16 clients and manifest GET req/s (wrk), each through the proxy.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { repositoryScope, type BasicCredentials } from './auth.js';
import { BlobSource } from './blob-source.js';
import { MiB, type BenchConfig } from './config.js';
import { MANIFEST_ACCEPT, makeSmallImage } from './oci.js';
import { startPortChild, type PortChild } from './port-child.js';
import { startUsage, type ResourceUsage } from './proc-stats.js';
import { RegistryClient } from './registry-client.js';
import { fmt, renderTable } from './report.js';
import { log } from './runner.js';
import { randomAdminPassword, startWharf, type RunningServer } from './servers.js';
import { runWrk } from './wrk.js';

const BLOB_REPO = 'library/bench/nodes';
const MANIFEST_REPO = 'library/bench/nodes-manifest';
const TAG = 'latest';

export interface NodesRow {
  readonly nodes: number;
  readonly pullMiBps: number;
  readonly manifestRps: number;
  readonly manifestP99Ms: number;
  /** CPU-seconds of all nodes, and of the proxy, during the pull and the manifest phases. */
  readonly pullCpuSeconds: number;
  readonly manifestCpuSeconds: number;
  readonly proxyCpuSeconds: number;
  /** CPU-seconds used on the machine by other work (not the nodes, the proxy or the bench) during both phases. */
  readonly otherCpuSeconds: number;
  /** The largest peak RSS of one node process during the phases. */
  readonly maxNodePeakRssMiB: number;
  readonly errors: number;
}

export interface NodesResult {
  readonly storage: string;
  readonly rows: NodesRow[];
  readonly error?: string;
}

function postgresAdminUrl(): string {
  return process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withPostgres(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key of this run's prefix (never anything else: the server is shared). */
async function dropRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Measures a phase over every node (summed CPU, largest per-process peak RSS) and the proxy. */
function usageOf(
  nodes: readonly RunningServer[],
  proxy: PortChild,
): () => { nodes: ResourceUsage[]; proxy: ResourceUsage } {
  const stops = nodes.map((n) => startUsage(n.pid));
  const proxyStop = startUsage(proxy.pid);
  return () => ({ nodes: stops.map((s) => s()), proxy: proxyStop() });
}

const cpuOf = (u: readonly ResourceUsage[]): number => u.reduce((a, b) => a + b.cpuSeconds, 0);
/** The proxy's "other" CPU counts the nodes too: take them out. */
const otherOf = (u: { nodes: ResourceUsage[]; proxy: ResourceUsage }): number =>
  Math.max(0, u.proxy.otherCpuSeconds - cpuOf(u.nodes));
const maxRss = (u: readonly ResourceUsage[]): number => Math.max(0, ...u.flatMap((x) => x.perProcessPeakRssMiB));

async function measureCount(
  cfg: BenchConfig,
  nodes: readonly RunningServer[],
  credentials: BasicCredentials,
  blob: { digest: string; size: number },
  workDir: string,
  logDir: string,
): Promise<NodesRow> {
  const proxy = await startPortChild(
    'rr-proxy.js',
    nodes.map((n) => new URL(n.baseUrl).port),
    join(logDir, 'rr-proxy.log'),
  );
  const client = new RegistryClient(proxy.url, credentials);
  try {
    await client.pullBlob(BLOB_REPO, blob.digest); // warm: tokens, page cache, every node's caches once or so
    const n = cfg.pullConcurrency;
    let stop = usageOf(nodes, proxy);
    const t0 = process.hrtime.bigint();
    const sizes = await Promise.all(Array.from({ length: n }, () => client.pullBlob(BLOB_REPO, blob.digest)));
    const pullSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pullUsage = stop();
    if (sizes.some((s) => s !== blob.size)) throw new Error(`a pull through the proxy returned the wrong size`);
    const pullMiBps = sizes.reduce((a, b) => a + b, 0) / MiB / pullSeconds;

    const auth = await client.authHeaders(repositoryScope(MANIFEST_REPO, 'pull'));
    const manifestLoad = (seconds: number): ReturnType<typeof runWrk> =>
      runWrk({
        url: `${proxy.url}/v2/${MANIFEST_REPO}/manifests/${TAG}`,
        method: 'GET',
        headers: { Accept: MANIFEST_ACCEPT, ...auth },
        seconds,
        connections: cfg.wrkConnections,
        threads: cfg.wrkThreads,
        scriptDir: workDir,
      });
    await manifestLoad(1); // untimed warm-up: a node just started has cold caches and unoptimised code
    stop = usageOf(nodes, proxy);
    const wrk = await manifestLoad(cfg.wrkSeconds);
    const wrkUsage = stop();
    const row: NodesRow = {
      nodes: nodes.length,
      pullMiBps,
      manifestRps: wrk.requestsPerSec,
      manifestP99Ms: wrk.p99Ms,
      pullCpuSeconds: cpuOf(pullUsage.nodes),
      manifestCpuSeconds: cpuOf(wrkUsage.nodes),
      proxyCpuSeconds: pullUsage.proxy.cpuSeconds + wrkUsage.proxy.cpuSeconds,
      otherCpuSeconds: otherOf(pullUsage) + otherOf(wrkUsage),
      maxNodePeakRssMiB: Math.max(maxRss(pullUsage.nodes), maxRss(wrkUsage.nodes)),
      errors: wrk.non2xx + wrk.socketErrors,
    };
    log(
      `nodes ${row.nodes}: pull ${fmt(row.pullMiBps)} MiB/s (${pullSeconds.toFixed(2)} s), manifest GET ` +
        `${fmt(row.manifestRps)} req/s (p99 ${fmt(row.manifestP99Ms)} ms, ${row.errors} errors), proxy CPU ` +
        `${fmt(row.proxyCpuSeconds)} s, other work ${fmt(row.otherCpuSeconds)} CPU-s`,
    );
    return row;
  } finally {
    client.close();
    await proxy.stop();
  }
}

/** Runs the scenario; `storageEnv` is Wharf's storage settings for the nodes (empty: the shared data directory). */
export async function runNodes(
  cfg: BenchConfig,
  repoRoot: string,
  workDir: string,
  logDir: string,
  storageEnv: Readonly<Record<string, string>>,
): Promise<NodesResult> {
  const storage = storageEnv['WHARF_STORAGE_DRIVER'] === 's3' ? 's3 (one bucket)' : 'filesystem (one directory)';
  const dbName = `wharf_bench_${randomBytes(6).toString('hex')}`;
  const redisUrl = process.env['BENCH_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `wharf-bench-${randomBytes(6).toString('hex')}:`;
  const dbUrl = new URL(postgresAdminUrl());
  dbUrl.pathname = `/${dbName}`;
  await withPostgres((c) => c.query(`CREATE DATABASE ${dbName}`));
  log(`nodes: database ${dbName}, Redis prefix ${redisPrefix}, storage ${storage}`);
  const credentials: BasicCredentials = { username: 'admin', password: randomAdminPassword() };
  const env: Record<string, string> = {
    WHARF_HTTP_WORKERS: '1',
    WHARF_DATABASE_DRIVER: 'postgres',
    WHARF_DATABASE_URL: dbUrl.toString(),
    WHARF_REDIS_URL: redisUrl,
    WHARF_REDIS_KEYPREFIX: redisPrefix,
    WHARF_SECRETS_KEY: randomBytes(32).toString('base64'),
    ...storageEnv,
  };
  const dataDir = join(workDir, 'nodes-data');
  const nodes: RunningServer[] = [];
  const rows: NodesRow[] = [];
  try {
    let blob: { digest: string; size: number } | undefined;
    for (const count of cfg.nodeCounts) {
      // One at a time: the first start creates the schema, the admin and the token keys the others then find.
      while (nodes.length < count) {
        const name = `node${nodes.length + 1}`;
        nodes.push(await startWharf(repoRoot, workDir, logDir, { name, dataDir, credentials, env }));
        log(`nodes: ${name} up at ${nodes[nodes.length - 1]?.baseUrl}`);
      }
      if (blob === undefined) blob = await loadContent(cfg, nodes[0] as RunningServer, credentials);
      rows.push(await measureCount(cfg, nodes, credentials, blob, workDir, logDir));
    }
    return { storage, rows };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log(`nodes: ERROR ${error}`);
    return { storage, rows, error };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await withPostgres((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch((e: unknown) =>
      log(`nodes: could not drop ${dbName}: ${String(e)}`),
    );
    await dropRedisKeys(redisUrl, redisPrefix).then(
      (n) => log(`nodes: dropped ${n} Redis key(s) of ${redisPrefix}`),
      (e: unknown) => log(`nodes: could not clean Redis prefix ${redisPrefix}: ${String(e)}`),
    );
  }
}

/** Untimed: the blob pulled and the manifest read, pushed through the first node. */
async function loadContent(
  cfg: BenchConfig,
  node: RunningServer,
  credentials: BasicCredentials,
): Promise<{ digest: string; size: number }> {
  const client = new RegistryClient(node.baseUrl, credentials);
  try {
    const source = new BlobSource(cfg.blobBytes, 4004);
    const digest = source.digest();
    await client.pushMonolithic(BLOB_REPO, digest, () => source.chunks(), source.size);
    await client.pushImage(MANIFEST_REPO, TAG, makeSmallImage('nodes', 2, 2048));
    return { digest, size: source.size };
  } finally {
    client.close();
  }
}

/** The scaling table: each node count against one node. */
export function renderNodes(result: NodesResult): string {
  const base = result.rows.find((r) => r.nodes === 1);
  const ratio = (v: number, b: number | undefined): string => (b === undefined || b <= 0 ? '-' : `${fmt(v / b)}x`);
  return renderTable(
    [
      'Nodes',
      'Pull 16 clients MiB/s',
      'vs 1 node',
      'Manifest GET req/s',
      'vs 1 node',
      'GET p99 ms',
      'Nodes CPU-s pull/GET',
      'Proxy CPU-s',
      'Other CPU-s',
      'Max node peak RSS MiB',
      'Errors',
    ],
    result.rows.map((r) => [
      String(r.nodes),
      fmt(r.pullMiBps),
      ratio(r.pullMiBps, base?.pullMiBps),
      fmt(r.manifestRps),
      ratio(r.manifestRps, base?.manifestRps),
      fmt(r.manifestP99Ms),
      `${fmt(r.pullCpuSeconds)} / ${fmt(r.manifestCpuSeconds)}`,
      fmt(r.proxyCpuSeconds),
      fmt(r.otherCpuSeconds),
      fmt(r.maxNodePeakRssMiB),
      String(r.errors),
    ]),
  );
}
