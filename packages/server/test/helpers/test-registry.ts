import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';

export interface TestRegistry {
  readonly app: FastifyInstance;
  readonly wharf: Wharf;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The administrator's password in every test registry (WHARF_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'Harbor12345';

/** Which metadata backend the in-process tests run on: `WHARF_TEST_DATABASE=postgres` selects PostgreSQL. */
export const TEST_DATABASE = process.env.WHARF_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A Wharf instance on a fresh data directory (and a fresh PostgreSQL database when selected), driven
 * in-process with `app.inject`.
 */
export async function startTestRegistry(env: Record<string, string | undefined> = {}): Promise<TestRegistry> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-test-'));
  const pg = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    env: {
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Authorisation matrices send many wrong passwords from one address; tests of throttling set their own.
      WHARF_LOGIN_ACCOUNTLOCKAFTER: '1000000',
      WHARF_LOGIN_ADDRESSLOCKAFTER: '1000000',
      ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
      ...env,
    },
  });
  const wharf = await createWharf(config);
  await wharf.app.ready();
  return {
    app: wharf.app,
    wharf,
    dataDir,
    async close() {
      await wharf.close();
      await pg?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One registry for a whole test file: started before its first test and closed after its last. The
 * returned handle is usable from inside tests (not at module level, before the registry has started).
 */
export function useTestRegistry(env: Record<string, string> = {}): TestRegistry {
  let current: TestRegistry | undefined;
  const started = (): TestRegistry => {
    if (!current) throw new Error('the test registry is started in beforeAll; use it inside tests');
    return current;
  };
  beforeAll(async () => {
    current = await startTestRegistry(env);
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get app() {
      return started().app;
    },
    get wharf() {
      return started().wharf;
    },
    get dataDir() {
      return started().dataDir;
    },
    close: () => started().close(),
  };
}
