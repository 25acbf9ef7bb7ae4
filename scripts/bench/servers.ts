/** Starts and stops the two registries under test: Wharf (node) and the reference CNCF distribution. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BasicCredentials } from './auth.js';

export type ServerRole = 'reference' | 'wharf';

export interface RunningServer {
  readonly role: ServerRole;
  readonly label: string;
  readonly baseUrl: string;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Credentials for the token service; undefined for a registry without authentication (the reference). */
  readonly credentials?: BasicCredentials;
  /** The process of the blob store this server uses (BENCH_STORAGE=s3: s3rver), whose CPU each phase reports. */
  readonly storePid?: number;
  /** Whether the process is still alive. */
  alive(): boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

async function launch(
  role: ServerRole,
  label: string,
  port: number,
  dataDir: string,
  logFile: string,
  start: (out: number) => ChildProcess,
  auth?: { readonly credentials: BasicCredentials; readonly readyStatuses: readonly number[] },
): Promise<RunningServer> {
  const out = openSync(logFile, 'w');
  const child = start(out);
  closeSync(out);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  if (child.pid === undefined) throw new Error(`${label}: failed to spawn`);
  const pid = child.pid;
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    role,
    label,
    baseUrl,
    pid,
    dataDir,
    logFile,
    ...(auth === undefined ? {} : { credentials: auth.credentials }),
    alive: () => !exited,
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const done = await Promise.race([exitPromise.then(() => true), sleep(10_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    },
  };
  // A registry with authentication answers an anonymous GET /v2/ with 401 once it is up.
  const ready = auth?.readyStatuses ?? [200];
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`${label} exited before becoming ready; log tail:\n${logTail(logFile)}`);
    if (ready.includes(await getStatus(`${baseUrl}/v2/`))) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `${label}: GET /v2/ not ${ready.join(' or ')} within ${READY_TIMEOUT_MS} ms; log tail:\n${logTail(logFile)}`,
      );
    }
    await sleep(100);
  }
}

/**
 * distribution's environment: ours without `AWS_CA_BUNDLE`. With it set, distribution 2.8's S3 driver panics at
 * start ("LoadCustomCABundleError: … HTTPClient's transport unsupported type": the AWS SDK cannot add a CA bundle to
 * the transport distribution wraps); the bench's S3 store is plain HTTP on loopback and needs no CA.
 */
function referenceEnv(): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _ignored, ...env } = process.env;
  return env;
}

/**
 * Starts distribution. `storageYaml`: the lines of its `storage:` driver block (default: the filesystem below the
 * data directory), e.g. `distributionS3Yaml` for BENCH_STORAGE=s3.
 */
export async function startReference(
  role: ServerRole,
  workDir: string,
  logDir: string,
  storageYaml?: readonly string[],
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = join(workDir, `${role}-data`);
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(workDir, `${role}-docker-registry.yml`);
  writeFileSync(
    configFile,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      ...(storageYaml ?? ['  filesystem:', `    rootdirectory: ${dataDir}`]),
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const logFile = join(logDir, `${role}.log`);
  return launch(
    role,
    role === 'reference' ? 'docker-registry' : 'docker-registry (as wharf)',
    port,
    dataDir,
    logFile,
    (out) => spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', out, out], env: referenceEnv() }),
  );
}

/** A strong random password for Wharf's `admin` that satisfies its password policy (upper, lower, digit). */
export function randomAdminPassword(): string {
  for (;;) {
    const candidate = randomBytes(24).toString('base64url');
    if (/[A-Z]/.test(candidate) && /[a-z]/.test(candidate) && /[0-9]/.test(candidate)) return candidate;
  }
}

/** For running several Wharf builds side by side (the A/B mode): a name for data and log, and node's options. */
export interface WharfLaunchOptions {
  /** Names the data directory, the log file and the label (default `wharf`). */
  readonly name?: string;
  /** Options for node before the entry point, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /** Further environment of the server, over the defaults (A/B builds' `BENCH_AB_ENV_<LABEL>`). */
  readonly env?: Readonly<Record<string, string>>;
  /** A data directory of its own choosing (several nodes share one); default `<workDir>/<name>-data`. */
  readonly dataDir?: string;
  /** The admin's credentials (the nodes of one database share them); default a random password. */
  readonly credentials?: BasicCredentials;
}

export async function startWharf(
  repoRoot: string,
  workDir: string,
  logDir: string,
  opts: WharfLaunchOptions = {},
): Promise<RunningServer> {
  const entry = join(repoRoot, 'packages/server/dist/cli/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist (run npm run build)`);
  const name = opts.name ?? 'wharf';
  const port = await freePort();
  const dataDir = opts.dataDir ?? join(workDir, `${name}-data`);
  mkdirSync(dataDir, { recursive: true });
  const logFile = join(logDir, `${name}.log`);
  // A fresh data directory per run, so `admin` is created at first start with this run's password.
  const credentials: BasicCredentials = opts.credentials ?? { username: 'admin', password: randomAdminPassword() };
  return launch(
    'wharf',
    name,
    port,
    dataDir,
    logFile,
    (out) =>
      spawn(process.execPath, [...(opts.nodeArgs ?? []), entry, 'serve'], {
        cwd: repoRoot,
        stdio: ['ignore', out, out],
        env: {
          ...process.env,
          WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
          WHARF_DATA_DIR: dataDir,
          WHARF_LOG_LEVEL: 'warn',
          WHARF_HTTP_ACCESSLOG: 'false',
          WHARF_ADMIN_PASSWORD: credentials.password,
          // The login-flood scenario names its clients' addresses in X-Forwarded-For (a flood from many).
          WHARF_HTTP_TRUSTEDPROXIES: '127.0.0.1',
          // `BENCH_AUDIT=off` runs Wharf without its audit log (the pull figures with auditing on and off).
          ...(process.env['BENCH_AUDIT'] === 'off' && { WHARF_AUDIT_ENABLED: 'false' }),
          ...opts.env,
        },
      }),
    { credentials, readyStatuses: [200, 401] },
  );
}
