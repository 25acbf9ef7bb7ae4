/** Benchmark sizes and switches, read once from the environment. */

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export type ScenarioId =
  | 'mono'
  | 'chunked'
  | 'pull'
  | 'small'
  | 'manifest'
  | 'listing'
  | 'artifacts'
  | 'login-flood'
  | 'bigpush'
  | 'gc'
  | 'nodes';

/** Where both registries keep blobs: their filesystem drivers, or one S3 store (s3rver, a bucket each). */
export type StorageKind = 'filesystem' | 's3';

export const ALL_SCENARIOS: readonly ScenarioId[] = [
  'mono',
  'chunked',
  'pull',
  'small',
  'manifest',
  'listing',
  'artifacts',
  'login-flood',
  'bigpush',
  'gc',
  'nodes',
];

export interface BenchConfig {
  readonly quick: boolean;
  readonly blobBytes: number;
  readonly chunkBytes: number;
  readonly pullConcurrency: number;
  /** Sequential pulls timed together in the single-client case (one pull of a fast blob is too short to time). */
  readonly pullRepeats: number;
  readonly smallImages: number;
  readonly smallConcurrency: number;
  readonly smallRepos: number;
  readonly smallLayerBytes: number;
  readonly wrkSeconds: number;
  readonly wrkConnections: number;
  readonly wrkThreads: number;
  readonly listingCount: number;
  readonly listingPageSize: number;
  readonly listingRounds: number;
  readonly setupConcurrency: number;
  /** Artifacts in the one repository of the artifacts scenario, and requests per timed API call. */
  readonly artifactCount: number;
  readonly apiRounds: number;
  /** Timed pulls of the 3 MiB blob without and with the flood, and the flood's concurrent clients. */
  readonly floodPulls: number;
  readonly floodConcurrency: number;
  readonly bigBlobBytes: number;
  readonly bigPushOnReference: boolean;
  /** Blobs loaded into each registry by the gc scenario, half of them then unreferenced. */
  readonly gcBlobs: number;
  readonly onlyReference: boolean;
  readonly wharfAsReference: boolean;
  readonly keepData: boolean;
  readonly scenarios: ReadonlySet<ScenarioId>;
  /** BENCH_STORAGE: `filesystem` (default) or `s3`. */
  readonly storage: StorageKind;
  /** The node counts of the nodes scenario (BENCH_NODES, default 1,2,3). */
  readonly nodeCounts: readonly number[];
}

function parseStorage(raw: string | undefined): StorageKind {
  if (raw === undefined || raw === '' || raw === 'filesystem') return 'filesystem';
  if (raw === 's3') return 's3';
  throw new Error(`BENCH_STORAGE must be filesystem or s3, got ${raw}`);
}

function parseNodeCounts(raw: string | undefined): number[] {
  if (raw === undefined || raw.trim() === '') return [1, 2, 3];
  const counts = raw.split(',').map((s) => Number(s.trim()));
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new Error(`BENCH_NODES: bad list '${raw}'`);
  return [...new Set(counts)].sort((a, b) => a - b);
}

function intEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return n;
}

function parseScenarios(raw: string | undefined): ReadonlySet<ScenarioId> {
  if (raw === undefined || raw.trim() === '') return new Set(ALL_SCENARIOS);
  const wanted = raw.split(',').map((s) => s.trim());
  const picked = new Set<ScenarioId>();
  for (const w of wanted) {
    const hit = ALL_SCENARIOS.find((s) => s === w);
    if (hit === undefined) throw new Error(`BENCH_ONLY: unknown scenario '${w}' (known: ${ALL_SCENARIOS.join(',')})`);
    picked.add(hit);
  }
  return picked;
}

/** The scenarios BENCH_STORAGE=s3 applies to (the others measure metadata, or manage storage themselves). */
const S3_SCENARIOS: readonly ScenarioId[] = ['mono', 'chunked', 'pull', 'small', 'nodes'];

function scenariosFor(raw: string | undefined, storage: StorageKind): ReadonlySet<ScenarioId> {
  const picked = parseScenarios(raw);
  if (storage !== 's3') return picked;
  if (raw === undefined || raw.trim() === '') return new Set(S3_SCENARIOS);
  const other = [...picked].filter((s) => !S3_SCENARIOS.includes(s));
  if (other.length > 0) throw new Error(`BENCH_STORAGE=s3 covers ${S3_SCENARIOS.join(',')}, not ${other.join(',')}`);
  return picked;
}

export function loadConfig(env: NodeJS.ProcessEnv): BenchConfig {
  const quick = env['BENCH_QUICK'] === '1';
  const storage = parseStorage(env['BENCH_STORAGE']);
  return {
    quick,
    blobBytes: intEnv(env, 'BENCH_BLOB_MIB', quick ? 32 : 256) * MiB,
    chunkBytes: 8 * MiB,
    pullConcurrency: 16,
    pullRepeats: intEnv(env, 'BENCH_PULL_REPEATS', quick ? 2 : 8),
    smallImages: intEnv(env, 'BENCH_SMALL_IMAGES', quick ? 100 : 500),
    smallConcurrency: 16,
    smallRepos: 50,
    smallLayerBytes: 4 * 1024,
    wrkSeconds: intEnv(env, 'BENCH_WRK_SECONDS', quick ? 3 : 10),
    wrkConnections: 32,
    wrkThreads: intEnv(env, 'BENCH_WRK_THREADS', 1),
    listingCount: intEnv(env, 'BENCH_LISTING_COUNT', quick ? 300 : 2000),
    listingPageSize: 100,
    listingRounds: intEnv(env, 'BENCH_LISTING_ROUNDS', quick ? 2 : 5),
    setupConcurrency: 16,
    artifactCount: intEnv(env, 'BENCH_ARTIFACTS', quick ? 1000 : 10_000),
    apiRounds: intEnv(env, 'BENCH_API_ROUNDS', quick ? 20 : 100),
    floodPulls: intEnv(env, 'BENCH_FLOOD_PULLS', quick ? 20 : 100),
    floodConcurrency: intEnv(env, 'BENCH_FLOOD_CONCURRENCY', 300),
    bigBlobBytes: intEnv(env, 'BENCH_BIG_BLOB_MIB', quick ? 128 : 1024) * MiB,
    bigPushOnReference: env['BENCH_BIGPUSH_REFERENCE'] !== '0',
    gcBlobs: intEnv(env, 'BENCH_GC_BLOBS', quick ? 2000 : 100_000),
    onlyReference: env['BENCH_ONLY_REFERENCE'] === '1',
    wharfAsReference: env['BENCH_WHARF_AS_REFERENCE'] === '1',
    keepData: env['BENCH_KEEP'] === '1',
    scenarios: scenariosFor(env['BENCH_ONLY'], storage),
    storage,
    nodeCounts: parseNodeCounts(env['BENCH_NODES']),
  };
}
