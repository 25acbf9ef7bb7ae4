/** Runs wrk with a generated Lua script and parses its --latency report. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface WrkOptions {
  readonly url: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly seconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly scriptDir: string;
}

export interface WrkResult {
  readonly requests: number;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly raw: string;
}

function luaString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function toMs(value: string, unit: string): number {
  const v = Number(value);
  switch (unit) {
    case 'us':
      return v / 1000;
    case 'ms':
      return v;
    case 's':
      return v * 1000;
    case 'm':
      return v * 60_000;
    default:
      throw new Error(`wrk: unknown latency unit '${unit}'`);
  }
}

function percentile(raw: string, pct: number): number {
  const m = new RegExp(`^\\s*${pct}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(raw);
  if (m?.[1] === undefined || m[2] === undefined) throw new Error(`wrk: no ${pct}% latency in output:\n${raw}`);
  return toMs(m[1], m[2]);
}

export async function runWrk(opts: WrkOptions): Promise<WrkResult> {
  const script = join(opts.scriptDir, `wrk-${opts.method.toLowerCase()}.lua`);
  const lines = [`wrk.method = ${luaString(opts.method)}`];
  for (const [k, v] of Object.entries(opts.headers)) lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = [
    `-t${opts.threads}`,
    `-c${opts.connections}`,
    `-d${opts.seconds}s`,
    '--timeout',
    '5s',
    '--latency',
    '-s',
    script,
    opts.url,
  ];
  const { stdout } = await execFileP('wrk', args, { maxBuffer: 1 << 20 });
  const requests = /(\d+) requests in/.exec(stdout);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
  if (requests?.[1] === undefined || rps?.[1] === undefined) throw new Error(`wrk: unexpected output:\n${stdout}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = sock === null ? 0 : sock.slice(1).reduce((a, b) => a + Number(b), 0);
  return {
    requests: Number(requests[1]),
    requestsPerSec: Number(rps[1]),
    p50Ms: percentile(stdout, 50),
    p99Ms: percentile(stdout, 99),
    non2xx: non2xx?.[1] === undefined ? 0 : Number(non2xx[1]),
    socketErrors,
    raw: stdout,
  };
}
