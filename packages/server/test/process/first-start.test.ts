import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/main.js';
import { freePort, WHARF_MAIN } from '../helpers/registry-process.js';

/**
 * What a person sees on the first `wharf serve`: one "listening" line, logs as text or JSON (`log.format`), and the
 * generated administrator password in a banner of its own on stderr.
 */

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Served {
  stdout: string;
  stderr: string;
  dataDir: string;
  port: number;
}

/** Runs `wharf serve` (stdout and stderr piped) on a new data directory until it listens, then stops it. */
async function serveOnce(env: Record<string, string>): Promise<Served> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-first-start-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawn(process.execPath, [WHARF_MAIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', WHARF_DATA_DIR: dataDir, WHARF_HTTP_ADDR: `127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  // The banner comes after the listening line; wait for the line, then until the process is serving.
  while (!/listening/.test(stdout) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const res = await fetch(`http://127.0.0.1:${port}/api/v2.0/ping`);
  expect(await res.text()).toBe('Pong');
  child.kill('SIGTERM');
  await exited;
  return { stdout, stderr, dataDir, port };
}

describe('the first start', () => {
  it('logs JSON when piped, says "listening" once, and shows the generated password in a banner', async () => {
    // Two workers: the primary prepares the data once, so the banner and the "listening" line appear once.
    const served = await serveOnce({ WHARF_HTTP_WORKERS: '2' });
    const lines = served.stdout.split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => /listening/i.test(line))).toHaveLength(1);
    expect(records.find((r) => r.msg === 'wharf listening')).toMatchObject({
      address: `http://127.0.0.1:${served.port}`,
    });
    const password = (await readFile(path.join(served.dataDir, 'admin-password'), 'utf8')).trim();
    // In the log once (warn) and in the banner on stderr, on a line of its own.
    expect(records.filter((r) => JSON.stringify(r).includes(password))).toMatchObject([{ level: 40 }]);
    expect(served.stderr).toContain(`    username:  admin\n    password:  ${password}\n`);
    expect(served.stderr).toMatch(/={78}\n {2}First start: Wharf created the administrator account/);
    expect(served.stderr).toContain(path.join(served.dataDir, 'admin-password'));
  });

  it('logs text for a person with log.format pretty, and shows no banner when the password is configured', async () => {
    const served = await serveOnce({
      WHARF_LOG_FORMAT: 'pretty',
      WHARF_ADMIN_PASSWORD: 'Configured1',
      WHARF_HTTP_WORKERS: '1',
    });
    const lines = served.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} (INFO |WARN |ERROR) \S/);
    expect(lines.filter((line) => /listening/i.test(line))).toEqual([
      expect.stringMatching(
        / INFO {2}wharf listening address=http:\/\/127\.0\.0\.1:\d+ dataDir=\S+ database=sqlite workers=1$/,
      ),
    ]);
    expect(served.stdout).not.toContain('\u001b['); // no colours when not a terminal
    expect(served.stderr).toBe('');
  });
});

describe('createLogger', () => {
  /** Collects what a logger writes to an output that says it is (or is not) a terminal. */
  const output = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, isTTY, write: (text: string) => written.push(text) };
  };

  it('writes text on a terminal and JSON elsewhere with log.format auto (the default); json and pretty force it', () => {
    const cases = [
      { format: undefined, tty: true, pretty: true },
      { format: undefined, tty: false, pretty: false },
      { format: 'json', tty: true, pretty: false },
      { format: 'pretty', tty: false, pretty: true },
    ];
    for (const { format, tty, pretty } of cases) {
      const out = output(tty);
      const config = loadConfig({ env: format ? { WHARF_LOG_FORMAT: format } : {} });
      createLogger(config, out).info({ n: 1 }, 'hello');
      expect(out.written, `${format} on ${tty ? 'a terminal' : 'a pipe'}`).toHaveLength(1);
      if (pretty) expect(out.written[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} .*INFO.* hello n=1\n$/);
      else expect(JSON.parse(out.written[0]!)).toMatchObject({ level: 30, msg: 'hello', n: 1, service: 'wharf' });
    }
  });

  it('refuses an unknown log.format', () => {
    expect(() => loadConfig({ env: { WHARF_LOG_FORMAT: 'xml' } })).toThrow(/log\.format/);
  });
});
