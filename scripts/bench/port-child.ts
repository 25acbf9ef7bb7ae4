/** A helper process of the benchmark (s3rver, the round-robin proxy) that prints `{"port":N}` once it listens. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface PortChild {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Runs `<this directory>/<script>` with node and `args`; stderr goes to `logFile`. */
export async function startPortChild(script: string, args: readonly string[], logFile: string): Promise<PortChild> {
  const path = join(dirname(fileURLToPath(import.meta.url)), script);
  const err = openSync(logFile, 'w');
  const child = spawn(process.execPath, [path, ...args], { stdio: ['ignore', 'pipe', err] });
  closeSync(err);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  };
  const { stdout } = child;
  if (stdout === null) throw new Error(`${script}: no stdout`);
  const lines = createInterface({ input: stdout });
  try {
    const port = await Promise.race([
      new Promise<number>((resolve) => lines.once('line', (l) => resolve((JSON.parse(l) as { port: number }).port))),
      exited.then(() => Promise.reject(new Error(`${script} exited before listening (see ${logFile})`))),
      sleep(30_000).then(() => Promise.reject(new Error(`${script} did not listen within 30 s`))),
    ]);
    if (child.pid === undefined) throw new Error(`${script}: failed to spawn`);
    return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
