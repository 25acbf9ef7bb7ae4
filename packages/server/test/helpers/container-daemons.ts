// Private container daemons for end-to-end tests with real clients: a Docker daemon (Debian's docker.io, dockerd
// 20.10, with the containerd it starts and manages itself) and a standalone containerd for `ctr`. Each runs as root
// from its own temporary directory (data, state, sockets, pid files) and touches nothing of the host's daemons:
// no iptables rules, no bridge, no IP forwarding, no /etc/docker/daemon.json, no /run/containerd. They only pull,
// push, load and tag images; no container is ever run. One daemon per test file: start it in beforeAll, stop it in
// afterAll.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTools } from './oci-images.js';

/** Debian's docker.io CLI (20.10): the one the tests are written against, whatever else is on PATH. */
export const DOCKER_CLI = '/usr/bin/docker';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the command's stdin (e.g. a password for `--password-stdin`). */
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** A command that exited non-zero; the message names it and carries both outputs, so tests can match on it. */
export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`command failed (exit ${String(code)}): ${command}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`);
  }
}

/** Runs a command to completion; throws CommandFailed when it exits non-zero (or times out). */
export function runCommand(
  command: string,
  args: readonly string[],
  opts: CommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const shown = `${command} ${args.join(' ')}${signal ? ` (killed by ${signal})` : ''}`;
        reject(new CommandFailed(shown, code, stdout, stderr));
      }
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a command that must fail; returns its stdout and stderr together. */
export async function runFailing(command: string, args: readonly string[], opts: CommandOptions = {}): Promise<string> {
  try {
    await runCommand(command, args, opts);
  } catch (error) {
    if (error instanceof CommandFailed) return `${error.stdout}\n${error.stderr}`;
    throw error;
  }
  throw new Error(`${command} ${args.join(' ')} succeeded but should have been refused`);
}

function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new Error(`${what} must run as root (the e2e tests start private daemons); run the tests as root.`);
  }
}

interface Daemon {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  output(): string;
}

function spawnDaemon(command: string, args: string[]): Daemon {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: string) => {
    output = (output + chunk).slice(-20_000);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  child.once('error', (error) => keep(`\nspawn error: ${error.message}\n`));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return { child, exited, output: () => output };
}

async function waitUntil(daemon: Daemon, name: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (daemon.child.exitCode !== null || daemon.child.signalCode !== null || daemon.child.pid === undefined) {
      throw new Error(`${name} exited before it was ready.\n--- output ---\n${daemon.output()}`);
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s.\n--- output ---\n${daemon.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once the process has exited. */
async function terminate(daemon: Daemon): Promise<void> {
  const { child } = daemon;
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([
    daemon.exited.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref()),
  ]);
  if (timedOut) {
    child.kill('SIGKILL');
    await daemon.exited;
  }
}

/** Kills the process whose pid a file holds, if it is still running (a daemon's own child left behind). */
async function killPidFile(path: string): Promise<void> {
  const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Whether a unix socket accepts connections. */
function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** GET `path` on a unix socket's HTTP server; resolves with the status and body. */
function getOverSocket(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
    req.end();
  });
}

/** A temporary directory short enough for unix socket paths (108 bytes) below it. */
async function shortTempDir(prefix: string): Promise<string> {
  const base = tmpdir().length <= 40 ? tmpdir() : '/tmp';
  return mkdtemp(join(base, prefix));
}

export interface DockerDaemon {
  /** `unix:///…/docker.sock`, the daemon's only API endpoint. */
  readonly host: string;
  readonly dir: string;
  /**
   * Runs Debian's docker CLI against this daemon with its own client configuration directory (DOCKER_CONFIG), so
   * credentials stored by `docker login` stay with the test that made them.
   */
  docker(configDir: string, args: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
  /** Like docker(), for a command that must fail: returns what it printed (stdout and stderr). */
  dockerFailing(configDir: string, args: readonly string[], opts?: CommandOptions): Promise<string>;
  /** Stops the daemon (and the containerd it manages) and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Starts a private dockerd: vfs storage, no iptables, no bridge, no IP forwarding, an empty daemon.json, its own
 * data root, exec root, pid file and unix socket. dockerd 20.10 starts and manages its own containerd (socket under
 * the exec root) when it is given none. Plain HTTP to 127.0.0.0/8 needs no `--insecure-registry`.
 */
export async function startDockerd(): Promise<DockerDaemon> {
  requireRoot('dockerd');
  await requireTools('dockerd', 'containerd', 'containerd-shim-runc-v2', 'runc');
  if (!existsSync(DOCKER_CLI)) {
    throw new Error(
      `MISSING TEST TOOLS: ${DOCKER_CLI} (Debian's docker.io CLI) not found. Install it with ` +
        '`sudo bash scripts/install-test-deps.sh` (Debian package: docker.io).',
    );
  }
  const dir = await shortTempDir('wharf-dockerd-');
  const socket = join(dir, 'docker.sock');
  const execRoot = join(dir, 'exec');
  await writeFile(join(dir, 'daemon.json'), '{}\n');
  const daemon = spawnDaemon('dockerd', [
    '--config-file',
    join(dir, 'daemon.json'),
    '--storage-driver=vfs',
    '--iptables=false',
    '--ip-forward=false',
    '--bridge=none',
    '--data-root',
    join(dir, 'data'),
    '--exec-root',
    execRoot,
    '--pidfile',
    join(dir, 'docker.pid'),
    '-H',
    `unix://${socket}`,
    '--log-level=warn',
  ]);
  const stop = async () => {
    await terminate(daemon);
    // dockerd stops the containerd it manages on SIGTERM; after a SIGKILL it would be left behind.
    await killPidFile(join(execRoot, 'containerd', 'containerd.pid'));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(daemon, 'dockerd', async () => {
      const ping = await getOverSocket(socket, '/_ping');
      return ping.status === 200 && ping.body === 'OK';
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const host = `unix://${socket}`;
  const envOf = (configDir: string, opts?: CommandOptions) => ({
    ...opts,
    env: { ...opts?.env, DOCKER_HOST: host, DOCKER_CONFIG: configDir },
  });
  return {
    host,
    dir,
    docker: (configDir, args, opts) => runCommand(DOCKER_CLI, args, envOf(configDir, opts)),
    dockerFailing: (configDir, args, opts) => runFailing(DOCKER_CLI, args, envOf(configDir, opts)),
    stop,
  };
}

export interface ContainerdDaemon {
  /** The gRPC socket, for `ctr -a`. */
  readonly address: string;
  readonly dir: string;
  /** Runs `ctr -a <address> …`. */
  ctr(args: readonly string[], opts?: CommandOptions): Promise<CommandResult>;
  /** Like ctr(), for a command that must fail: returns what it printed (stdout and stderr). */
  ctrFailing(args: readonly string[], opts?: CommandOptions): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a standalone containerd with its own config, root, state and sockets (no CRI plugin: no networking, no
 * Kubernetes). Images are unpacked with the `native` snapshotter (plain copies; no overlay mounts).
 */
export async function startContainerd(): Promise<ContainerdDaemon> {
  requireRoot('containerd');
  await requireTools('containerd', 'ctr');
  const dir = await shortTempDir('wharf-containerd-');
  const address = join(dir, 'containerd.sock');
  const config = join(dir, 'config.toml');
  await writeFile(
    config,
    [
      'version = 2',
      `root = ${JSON.stringify(join(dir, 'root'))}`,
      `state = ${JSON.stringify(join(dir, 'state'))}`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = ${JSON.stringify(address)}`,
      '[ttrpc]',
      `  address = ${JSON.stringify(`${address}.ttrpc`)}`,
      '',
    ].join('\n'),
  );
  const daemon = spawnDaemon('containerd', ['--config', config, '--log-level', 'warn']);
  const stop = async () => {
    await terminate(daemon);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(daemon, 'containerd', () => socketAccepts(address));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    dir,
    ctr: (args, opts) => runCommand('ctr', ['-a', address, ...args], opts),
    ctrFailing: (args, opts) => runFailing('ctr', ['-a', address, ...args], opts),
    stop,
  };
}
