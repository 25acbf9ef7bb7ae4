import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { openConfiguredStore } from '../../src/main.js';
import { WHARF_MAIN } from '../helpers/registry-process.js';

const run = promisify(execFile);
const EXAMPLE = path.resolve(import.meta.dirname, '../../../../wharf.example.yml');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function wharf(args: string[], env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [WHARF_MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('wharf CLI', () => {
  it('lists its commands with --help, and each command has --help', async () => {
    const top = await wharf(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['serve', 'migrate', 'verify-config', 'print-config']) {
      expect(top.stdout).toContain(cmd);
      const help = await wharf([cmd, '--help']);
      expect(help.code, cmd).toBe(0);
      expect(help.stdout).toContain(`Usage: wharf ${cmd}`);
    }
  });

  it('rejects an unknown command and an unknown option', async () => {
    const unknown = await wharf(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const option = await wharf(['serve', '--bogus']);
    expect(option.code).toBe(1);
    expect(option.stderr).toContain("Unknown option '--bogus'");
  });

  it('verify-config accepts the documented example and reports each problem of a bad file', async () => {
    const ok = await wharf(['verify-config', EXAMPLE]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('configuration is valid');
    const bad = path.join(dir, 'bad.yml');
    await writeFile(bad, 'http:\n  addr: localhost\nstorage:\n  driver: s3\nextra: true\n');
    const res = await wharf(['verify-config', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('http.addr: expected HOST:PORT');
    expect(res.stderr).toContain('storage.driver');
    expect(res.stderr).toContain('Unrecognized key: "extra"');
  });

  it('serve refuses to start on an invalid configuration', async () => {
    const res = await wharf(['serve'], { WHARF_HTTP_ADDR: 'not-an-address', WHARF_DATA_DIR: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('http.addr: expected HOST:PORT');
  });

  it('print-config shows the effective configuration with secrets masked', async () => {
    const res = await wharf(['print-config'], {
      WHARF_DATA_DIR: dir,
      WHARF_DATABASE_DRIVER: 'postgres',
      WHARF_DATABASE_URL: 'postgres://wharf:hunter2@db.example:5432/wharf',
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('addr: 0.0.0.0:5000');
    expect(res.stdout).toContain(`dir: ${dir}`);
    expect(res.stdout).not.toContain('hunter2');
    expect(res.stdout).toContain('postgres://wharf:********@db.example:5432/wharf');
  });

  it('migrate creates the schema once, then reports it up to date', async () => {
    const env = { WHARF_DATA_DIR: path.join(dir, 'migrate') };
    const first = await wharf(['migrate'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^applied: /);
    const second = await wharf(['migrate'], env);
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('quota recount repairs the stored usage and reports what it changed', async () => {
    const env = { WHARF_DATA_DIR: path.join(dir, 'recount') };
    expect((await wharf(['migrate'], env)).code).toBe(0);
    const store = openConfiguredStore(loadConfig({ env }));
    try {
      // Tamper: count a digest the project `library` does not hold.
      await store.transaction((tx) => tx.quotas.reserve('library', `sha256:${'1'.repeat(64)}`, 4096));
    } finally {
      await store.close();
    }
    const repaired = await wharf(['quota', 'recount'], env);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toBe('library: used 4096 -> 0 bytes\nrecounted: 1 project corrected\n');
    expect((await wharf(['quota', 'recount'], env)).stdout).toBe('recounted: 0 projects corrected\n');
    expect((await wharf(['quota'], env)).code).toBe(2);
  });
});
