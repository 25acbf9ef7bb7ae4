/** Entry point of `npm run bench`: Wharf vs. the reference registry, scenario by scenario, one server at a time. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAbBuilds, runAb } from './ab.js';
import { loadConfig, MiB, type BenchConfig } from './config.js';
import { processTree } from './proc-stats.js';
import { renderNodes, runNodes, type NodesResult } from './nodes.js';
import { comparisonRows, renderComparison, renderResources, resourceRows, type ScenarioResult } from './report.js';
import { RegistryClient } from './registry-client.js';
import { log, runScenario } from './runner.js';
import { artifacts } from './scenarios/artifacts.js';
import { garbageCollection, gcSummary } from './scenarios/gc.js';
import { listings } from './scenarios/listing.js';
import { loginFlood } from './scenarios/login-flood.js';
import { manifestReads } from './scenarios/manifest.js';
import { pull } from './scenarios/pull.js';
import { bigPush, chunkedPush, monolithicPush } from './scenarios/push.js';
import { smallImages } from './scenarios/small-images.js';
import type { Scenario, ServerState } from './scenarios/types.js';
import { distributionS3Yaml, startS3, wharfS3Env, type BenchS3 } from './s3.js';
import { startReference, startWharf, type RunningServer, type ServerRole } from './servers.js';

const SCENARIOS: readonly Scenario[] = [
  monolithicPush,
  chunkedPush,
  pull,
  smallImages,
  manifestReads,
  listings,
  artifacts,
  loginFlood,
  bigPush,
  garbageCollection,
];

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const benchDir = join(repoRoot, '.bench');

function referenceVersion(): string {
  try {
    return execFileSync('docker-registry', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * What `docker login` does before a user pushes: GET /v2/, a token without scope for the Basic credentials, GET /v2/
 * with it. Untimed; it checks the generated credentials once, so the first timed token request of the run does not
 * also pay for the server's first password check. Nothing for a registry without authentication.
 */
async function login(server: RunningServer): Promise<void> {
  if (server.credentials === undefined) return;
  const client = new RegistryClient(server.baseUrl, server.credentials);
  try {
    await client.ping();
    log(`${server.label}: logged in as ${server.credentials.username} (Docker token authentication)`);
  } finally {
    client.close();
  }
}

/**
 * How Wharf serves: its worker processes (the server's children; none: one process) and the setting that chose
 * them (`WHARF_HTTP_WORKERS` from the environment, else the default `auto`: one per core).
 */
function workersOf(server: RunningServer | undefined): string | undefined {
  if (server?.role !== 'wharf' || server.credentials === undefined) return undefined;
  const processes = Math.max(1, processTree(server.pid).length - 1);
  const setting = process.env['WHARF_HTTP_WORKERS'] ?? 'auto';
  return `${processes} worker process${processes === 1 ? '' : 'es'} (http.workers ${setting}, ${cpus().length} cores)`;
}

/** BENCH_STORAGE=s3: the buckets of the bench's s3rver, one per registry (and one for the nodes scenario). */
const BUCKETS = { reference: 'bench-reference', wharf: 'bench-wharf', nodes: 'bench-nodes' } as const;

async function startServers(
  workDir: string,
  logDir: string,
  s3: BenchS3 | undefined,
  cfg: BenchConfig,
): Promise<Map<ServerRole, RunningServer>> {
  const servers = new Map<ServerRole, RunningServer>();
  const withStore = (server: RunningServer): RunningServer =>
    s3 === undefined ? server : { ...server, storePid: s3.pid };
  const refStorage = (role: ServerRole): string[] | undefined =>
    s3 === undefined ? undefined : distributionS3Yaml(s3, BUCKETS[role]);
  try {
    servers.set('reference', withStore(await startReference('reference', workDir, logDir, refStorage('reference'))));
  } catch (err) {
    // Reported as the reference's error in each scenario; Wharf's figures still come.
    log(`reference did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (cfg.onlyReference) return servers;
  try {
    const wharf = withStore(
      cfg.wharfAsReference
        ? await startReference('wharf', workDir, logDir, refStorage('wharf'))
        : await startWharf(repoRoot, workDir, logDir, { env: s3 === undefined ? {} : wharfS3Env(s3, BUCKETS.wharf) }),
    );
    try {
      await login(wharf);
    } catch (err) {
      await wharf.stop();
      throw err;
    }
    servers.set('wharf', wharf);
  } catch (err) {
    log(`Wharf did not start: ${err instanceof Error ? err.message : String(err)}`);
  }
  return servers;
}

function describeConfig(cfg: BenchConfig): Record<string, unknown> {
  return {
    quick: cfg.quick,
    blobMiB: cfg.blobBytes / MiB,
    chunkMiB: cfg.chunkBytes / MiB,
    pullConcurrency: cfg.pullConcurrency,
    smallImages: cfg.smallImages,
    smallConcurrency: cfg.smallConcurrency,
    wrkSeconds: cfg.wrkSeconds,
    wrkConnections: cfg.wrkConnections,
    wrkThreads: cfg.wrkThreads,
    listingCount: cfg.listingCount,
    listingPageSize: cfg.listingPageSize,
    listingRounds: cfg.listingRounds,
    artifactCount: cfg.artifactCount,
    apiRounds: cfg.apiRounds,
    floodPulls: cfg.floodPulls,
    floodConcurrency: cfg.floodConcurrency,
    bigBlobMiB: cfg.bigBlobBytes / MiB,
    gcBlobs: cfg.gcBlobs,
    scenarios: [...cfg.scenarios],
    storage: cfg.storage,
    nodeCounts: cfg.nodeCounts,
  };
}

async function main(): Promise<number> {
  const cfg = loadConfig(process.env);
  mkdirSync(benchDir, { recursive: true });
  const logDir = join(benchDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'wharf-bench-'));
  log(`${cfg.quick ? 'QUICK run' : 'full run'}; data under ${workDir}, server logs under ${logDir}`);
  const ab = process.env['BENCH_AB'];
  if (ab !== undefined && ab !== '') {
    try {
      return await runAb(cfg, SCENARIOS, parseAbBuilds(ab, process.cwd()), {
        bench: benchDir,
        work: workDir,
        log: logDir,
      });
    } finally {
      if (!cfg.keepData) rmSync(workDir, { recursive: true, force: true });
    }
  }

  const s3 =
    cfg.storage === 's3'
      ? await startS3(join(workDir, 's3rver'), Object.values(BUCKETS), join(logDir, 's3rver.log'))
      : undefined;
  if (s3 !== undefined) log(`s3rver at ${s3.endpoint} (buckets ${Object.values(BUCKETS).join(', ')})`);
  // The nodes scenario starts servers of its own: the pair is started only for the other scenarios.
  const pairWanted = SCENARIOS.some((s) => cfg.scenarios.has(s.id));
  const servers = pairWanted ? await startServers(workDir, logDir, s3, cfg) : new Map<ServerRole, RunningServer>();
  const wharfWorkers = workersOf(servers.get('wharf'));
  if (wharfWorkers !== undefined) log(`Wharf: ${wharfWorkers}`);
  const stopAll = async (): Promise<void> => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await s3?.stop();
    if (!cfg.keepData) rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const wharfWanted = !cfg.onlyReference;
  const results: ScenarioResult[] = [];
  let nodes: NodesResult | undefined;
  const states = new Map<ServerRole, ServerState>([
    ['reference', {}],
    ['wharf', {}],
  ]);
  try {
    for (const scenario of SCENARIOS) {
      if (!cfg.scenarios.has(scenario.id)) continue;
      log(`== ${scenario.title}`);
      const result: ScenarioResult = {
        id: scenario.id,
        title: scenario.title,
        metrics: scenario.metrics,
        byServer: {},
      };
      for (const role of ['reference', 'wharf'] as const) {
        if (role === 'wharf' && !wharfWanted) continue;
        if (role === 'reference' && scenario.id === 'bigpush' && !cfg.bigPushOnReference) continue;
        const server = servers.get(role);
        if (server === undefined) {
          result.byServer[role] = { metrics: {}, phases: [], notes: [], error: `${role} server did not start` };
          continue;
        }
        result.byServer[role] = await runScenario(scenario, server, cfg, states.get(role) ?? {}, workDir);
      }
      results.push(result);
    }
    if (cfg.scenarios.has('nodes')) {
      await Promise.all([...servers.values()].map((s) => s.stop())); // the nodes get the machine to themselves
      log('== Several Wharf nodes behind a round-robin proxy');
      nodes = await runNodes(cfg, repoRoot, workDir, logDir, s3 === undefined ? {} : wharfS3Env(s3, BUCKETS.nodes));
    }
  } finally {
    await stopAll();
  }

  const rows = comparisonRows(results);
  const resources = resourceRows(results);
  const lines: string[] = [];
  lines.push('');
  lines.push(`Wharf vs. reference (${referenceVersion()})${cfg.quick ? ' -- QUICK run (BENCH_QUICK=1)' : ''}`);
  lines.push(
    cfg.storage === 's3'
      ? 'Storage: S3 (one s3rver process started by the bench, a bucket per registry; its CPU: the S3 store column).'
      : 'Storage: filesystem.',
  );
  if (wharfWorkers !== undefined) lines.push(`Wharf: ${wharfWorkers}.`);
  if (process.env['BENCH_BUILD_FAILED'] === '1') {
    lines.push(
      'WARNING: `npm run build` reported errors; this run used whatever tsc emitted into packages/server/dist.',
    );
  }
  lines.push(
    'Ratios are oriented so that > 1 means Wharf is better (throughput: wharf/ref; time, latency, CPU: ref/wharf).',
  );
  const wharfServer = servers.get('wharf');
  if (wharfServer?.credentials !== undefined) {
    lines.push(
      'Wharf runs with authorisation on (Bearer tokens from /service/token, per repository and scope); the reference',
      'has no authentication configured and gets no Authorization header. See docs/benchmark.md.',
    );
  }
  if (results.length > 0) {
    lines.push('');
    lines.push(renderComparison(rows));
    lines.push('');
    lines.push(
      'Server resources per timed phase (CPU = utime+stime of the server process tree; peak RSS = VmHWM, reset per',
      'phase, summed over the processes, and the largest of one process):',
    );
    lines.push('');
    lines.push(renderResources(resources));
    lines.push('');
    lines.push(
      "'Other CPU-s' is CPU used on the machine by anything but the measured server and the benchmark during the phase;",
    );
    lines.push(
      `well above 0 means other work competed for the ${cpus().length} cores and that phase's numbers are noisy.`,
    );
  }
  const gc = results.find((r) => r.id === garbageCollection.id);
  if (gc !== undefined) lines.push('', ...gcSummary(gc, cfg.gcBlobs));
  if (nodes !== undefined) {
    lines.push(
      '',
      `Wharf nodes (one process each, WHARF_HTTP_WORKERS=1) behind a round-robin proxy; storage ${nodes.storage}:`,
      '',
    );
    lines.push(renderNodes(nodes));
    lines.push(`(${cpus().length} cores for the nodes, the proxy, PostgreSQL, Redis and the clients.)`);
  }
  const problems: string[] = [];
  for (const r of results) {
    for (const [role, sr] of Object.entries(r.byServer)) {
      if (sr.error !== undefined) problems.push(`ERROR ${role} ${r.id}: ${sr.error}`);
      for (const n of sr.notes) problems.push(`note ${role} ${r.id}: ${n}`);
    }
  }
  if (nodes?.error !== undefined) problems.push(`ERROR wharf nodes: ${nodes.error}`);
  if (problems.length > 0) lines.push('', ...problems);
  process.stdout.write(`${lines.join('\n')}\n`);

  const jsonFile = join(benchDir, 'results.json');
  const report = {
    generatedAt: new Date().toISOString(),
    reference: referenceVersion(),
    wharfBuildFailed: process.env['BENCH_BUILD_FAILED'] === '1',
    wharf: cfg.onlyReference ? null : cfg.wharfAsReference ? 'docker-registry (BENCH_WHARF_AS_REFERENCE)' : 'wharf',
    config: describeConfig(cfg),
    wharfWorkers: wharfWorkers ?? null,
    authentication: {
      reference: 'none',
      wharf: servers.get('wharf')?.credentials === undefined ? 'none' : 'docker token (Bearer from /service/token)',
    },
    comparison: rows,
    resources,
    nodes: nodes ?? null,
    scenarios: results.map((r) => ({ id: r.id, title: r.title, byServer: r.byServer })),
    problems,
  };
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${jsonFile}`);
  return problems.some((p) => p.startsWith('ERROR')) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
