import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { api, expectHarborError } from '../helpers/api-client.js';
import { TEST_DATABASE } from '../helpers/test-registry.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A data directory (and database) that survives restarts within one test. */
async function installation(): Promise<Record<string, string>> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-admin-'));
  cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
  const pg = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
  if (pg) cleanup.push(() => pg.drop());
  return {
    WHARF_DATA_DIR: dataDir,
    WHARF_HTTP_ACCESSLOG: 'false',
    ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
  };
}

/** Starts Wharf with a logger whose lines are collected. */
async function start(env: Record<string, string>): Promise<{ wharf: Wharf; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const config = loadConfig({ env });
  const wharf = await createWharf(config, pino({ level: 'info' }, sink));
  cleanup.push(() => wharf.close());
  await wharf.app.ready();
  return { wharf, lines };
}

const asAdmin = (password: string) => ({ username: 'admin', password });

describe('administrator bootstrap', () => {
  it('creates admin with the configured password, as a system administrator, and writes no file', async () => {
    const env = await installation();
    const { wharf } = await start({ ...env, WHARF_ADMIN_PASSWORD: 'Configured1' });
    const res = await api(wharf.app, 'GET', '/users/current', asAdmin('Configured1'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: 'admin', sysadmin_flag: true });
    await expect(stat(path.join(env.WHARF_DATA_DIR!, 'admin-password'))).rejects.toThrow(/ENOENT/);
  });

  it('generates a password when none is configured: logged once at warn, in a 0600 file, and it works', async () => {
    const env = await installation();
    const first = await start(env);
    const file = path.join(env.WHARF_DATA_DIR!, 'admin-password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const password = (await readFile(file, 'utf8')).trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const mentions = first.lines.filter((line) => JSON.stringify(line).includes(password));
    expect(mentions).toHaveLength(1);
    expect(mentions[0]?.level).toBe(40);
    expect((await api(first.wharf.app, 'GET', '/users/current', asAdmin(password))).statusCode).toBe(200);
    await first.wharf.close();
    cleanup.pop();

    // A restart neither regenerates nor prints it again, and ignores a password configured later.
    const second = await start({ ...env, WHARF_ADMIN_PASSWORD: 'LaterPassw0rd' });
    expect(second.lines.filter((line) => JSON.stringify(line).includes(password))).toEqual([]);
    expect((await readFile(file, 'utf8')).trim()).toBe(password);
    expect((await api(second.wharf.app, 'GET', '/users/current', asAdmin(password))).statusCode).toBe(200);
    expectHarborError(
      await api(second.wharf.app, 'GET', '/users/current', asAdmin('LaterPassw0rd')),
      401,
      'UNAUTHORIZED',
    );
  });

  it('refuses to start with a configured password against the policy, saying why', async () => {
    const env = await installation();
    const config = loadConfig({ env: { ...env, WHARF_ADMIN_PASSWORD: 'harbor' } });
    const started = createWharf(config, pino({ level: 'silent' }));
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(
      'admin.password: the password must be at least 8 characters long, contain an upper-case letter (A-Z) and contain a digit (0-9)',
    );
  });
});
