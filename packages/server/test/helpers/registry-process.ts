// Starts registry processes for end-to-end tests: the built Wharf server (`startWharf`) and Debian's reference
// registry, distribution 2.8 (`startReferenceRegistry`). Both return the same handle shape so that a test (or a
// developer validating the harness) can run against either.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStoreOptions } from '../../src/adapters/blob/index.js';
import { ADMIN_PASSWORD } from './test-registry.js';
import { testStorage } from './test-storage.js';

export interface RunningRegistry {
  /** Base URL, e.g. `http://127.0.0.1:5000`. */
  readonly url: string;
  /** `127.0.0.1:PORT`, as used in image references (`HOST/REPO:TAG`). */
  readonly host: string;
  readonly dataDir: string;
  /** Directory holding `<alg>/<first two hex>/<hex>/data` blob files inside `dataDir`. */
  readonly blobStoreDir: string;
  /** Wharf's storage (filesystem, or S3 with `WHARF_TEST_STORAGE=s3`), to open from the test (test-storage.ts). */
  readonly storage?: BlobStoreOptions;
  readonly pid: number;
  /** SIGTERM, then wait for the process to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** SIGKILL, then wait for the process to exit. */
  kill(): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): { stdout: string; stderr: string };
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse this data directory (it is never removed by the handle). Otherwise a temporary one is created. */
  dataDir?: string;
  /** Listen on this port of 127.0.0.1 (known before it starts, e.g. for `http.baseUrl`); otherwise a free one. */
  port?: number;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export const WHARF_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const REFERENCE_REGISTRY_BIN = '/usr/bin/docker-registry';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

interface SpawnSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  dataDir: string;
  blobStoreDir: string;
  /** Removed after the process exits on stop()/kill(). */
  ownedDirs: string[];
  storage?: BlobStoreOptions;
  onStopped?: () => Promise<void>;
}

async function launch(spec: SpawnSpec): Promise<RunningRegistry> {
  const host = `127.0.0.1:${spec.port}`;
  const url = `http://${host}`;
  const child = spawn(spec.command, spec.args, {
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  let finished = false;
  const finish = async (signal: NodeJS.Signals): Promise<void> => {
    if (finished) return;
    finished = true;
    await terminate(child, exited, signal);
    try {
      if (spec.onStopped) await spec.onStopped();
    } finally {
      for (const dir of spec.ownedDirs) await rm(dir, { recursive: true, force: true });
    }
  };
  const handle: RunningRegistry = {
    url,
    host,
    dataDir: spec.dataDir,
    blobStoreDir: spec.blobStoreDir,
    ...(spec.storage ? { storage: spec.storage } : {}),
    pid: child.pid ?? -1,
    stop: () => finish('SIGTERM'),
    kill: () => finish('SIGKILL'),
    output: () => ({ stdout, stderr }),
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await handle.kill();
      throw new Error(
        `${spec.name} exited before it was ready (exit code ${String(child.exitCode)}, signal ${String(
          child.signalCode,
        )}${spawnError ? `, ${spawnError.message}` : ''}).\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
      );
    }
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      // 401: the registry is up and asks for credentials (Wharf's /v2/ needs them; distribution's does not).
      if (res.status === 200 || res.status === 401) return handle;
      lastProblem = `GET /v2/ answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /v2/ failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(
        `${spec.name} was not ready within ${READY_TIMEOUT_MS / 1000} s on ${url} (${lastProblem}).\n` +
          `--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>, signal: NodeJS.Signals): Promise<void> {
  if (child.pid === undefined) return; // never started
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const mod = await import('../../src/adapters/db/postgres-test-database.js');
  return mod.createTestDatabase();
}

/** Storage (an S3 bucket) of caller-provided data directories, kept across restarts. */
const storageByDataDir = new Map<string, Awaited<ReturnType<typeof testStorage>>>();

/** PostgreSQL databases of caller-provided data directories, kept across restarts until releaseWharfData(). */
const databasesByDataDir = new Map<string, TestDatabase>();

/**
 * Drops the PostgreSQL database startWharf() created for a caller-provided `dataDir` (with
 * `WHARF_TEST_DATABASE=postgres`; a no-op otherwise). Call it once the data directory is no longer restarted.
 */
export async function releaseWharfData(dataDir: string): Promise<void> {
  const database = databasesByDataDir.get(dataDir);
  databasesByDataDir.delete(dataDir);
  await database?.drop();
}

/**
 * Starts the built Wharf server (`npm run build` first). With `WHARF_TEST_DATABASE=postgres` it runs on a fresh
 * PostgreSQL database. Without `opts.dataDir` the temporary data directory and the database are removed on
 * stop()/kill(). With `opts.dataDir` (a server restarted on the same data, e.g. after a crash) both belong to the
 * caller: every start on that directory reuses the same database, dropped by releaseWharfData(dataDir).
 */
export async function startWharf(opts: StartOptions = {}): Promise<RunningRegistry> {
  if (!existsSync(WHARF_MAIN)) {
    throw new Error(
      `Wharf is not built: ${WHARF_MAIN} is missing. Run \`npm run build\` in the repository root first.`,
    );
  }
  const ownedDirs: string[] = [];
  let dataDir = opts.dataDir;
  if (dataDir === undefined) {
    dataDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-data-'));
    ownedDirs.push(dataDir);
  }
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {
    WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'warn',
    WHARF_HTTP_ACCESSLOG: 'false',
    WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // One process (no cluster) unless a test asks for workers: the suite runs many servers on few cores.
    WHARF_HTTP_WORKERS: '1',
  };
  let ownedDatabase: TestDatabase | undefined;
  let storage: Awaited<ReturnType<typeof testStorage>> | undefined;
  try {
    storage = opts.dataDir === undefined ? undefined : storageByDataDir.get(opts.dataDir);
    if (storage === undefined) {
      storage = await testStorage(dataDir);
      if (opts.dataDir !== undefined) storageByDataDir.set(opts.dataDir, storage);
    }
    Object.assign(env, storage.env);
    if (process.env.WHARF_TEST_DATABASE === 'postgres') {
      let database = opts.dataDir === undefined ? undefined : databasesByDataDir.get(opts.dataDir);
      if (database === undefined) {
        database = await createPostgresDatabase();
        if (opts.dataDir === undefined) ownedDatabase = database;
        else databasesByDataDir.set(opts.dataDir, database);
      }
      env.WHARF_DATABASE_DRIVER = 'postgres';
      env.WHARF_DATABASE_URL = database.url;
    }
  } catch (err) {
    for (const dir of ownedDirs) await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const db = ownedDatabase;
  // On failure launch() has already stopped the process, dropped an owned database and removed the owned directories.
  return launch({
    name: 'Wharf',
    command: process.execPath,
    args: [WHARF_MAIN, 'serve'],
    env: { ...env, ...opts.env },
    port,
    dataDir,
    blobStoreDir: join(dataDir, 'storage', 'blobs'),
    ownedDirs,
    storage: storage.options,
    onStopped: db ? () => db.drop() : undefined,
  });
}

/** Starts Debian's reference registry (`docker-registry`, distribution 2.8) with filesystem storage. */
export async function startReferenceRegistry(opts: StartOptions = {}): Promise<RunningRegistry> {
  if (!existsSync(REFERENCE_REGISTRY_BIN)) {
    throw new Error(
      `${REFERENCE_REGISTRY_BIN} is missing: install the Debian package docker-registry (bash scripts/install-test-deps.sh).`,
    );
  }
  const configDir = await mkdtemp(join(tmpdir(), 'wharf-e2e-refreg-'));
  const ownedDirs = [configDir];
  let dataDir = opts.dataDir;
  if (dataDir === undefined) {
    dataDir = join(configDir, 'data');
  }
  const port = await freePort();
  const configPath = join(configDir, 'config.yml');
  await writeFile(
    configPath,
    [
      'version: 0.1',
      'log: {level: warn, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${JSON.stringify(dataDir)}}, delete: {enabled: true}}`,
      `http: {addr: "127.0.0.1:${port}"}`,
      '',
    ].join('\n'),
  );
  return launch({
    name: 'docker-registry',
    command: REFERENCE_REGISTRY_BIN,
    args: ['serve', configPath],
    env: { ...opts.env },
    port,
    dataDir,
    blobStoreDir: join(dataDir, 'docker', 'registry', 'v2', 'blobs'),
    ownedDirs,
  });
}
