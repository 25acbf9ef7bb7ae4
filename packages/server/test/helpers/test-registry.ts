import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { collectRoutes, type RegisteredRoute } from './api-routes.js';
import { checkApiResponses, recordRegisteredRoutes } from './response-validation.js';

export interface TestRegistry {
  readonly app: FastifyInstance;
  readonly wharf: Wharf;
  readonly dataDir: string;
  /** The routes registered under /api/v2.0 (without Fastify's automatic HEAD routes). */
  apiRoutes(): RegisteredRoute[];
  close(): Promise<void>;
}

/** The administrator's password in every test registry (WHARF_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'Harbor12345';

/** Which metadata backend the in-process tests run on: `WHARF_TEST_DATABASE=postgres` selects PostgreSQL. */
export const TEST_DATABASE = process.env.WHARF_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A Wharf instance on a fresh data directory (and a fresh PostgreSQL database when selected), driven
 * in-process with `app.inject`. Every /api/v2.0 response is checked against Harbor's swagger
 * (`response-validation.ts`): a non-conforming one fails the request's promise.
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
      ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
      ...env,
    },
  });
  const wharf = await createWharf(config);
  const apiRoutes = collectRoutes(wharf.app);
  checkApiResponses(wharf.app);
  await wharf.app.ready();
  recordRegisteredRoutes(apiRoutes());
  return {
    app: wharf.app,
    wharf,
    dataDir,
    apiRoutes,
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
    apiRoutes: () => started().apiRoutes(),
    close: () => started().close(),
  };
}
