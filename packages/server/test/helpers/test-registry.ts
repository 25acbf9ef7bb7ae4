import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import { parseOciPath } from '../../src/http/oci/oci-path.js';
import { matchesNameGrammar, projectNameOf } from '../../src/lib/reference.js';
import { createWharf, type Wharf, type WharfDependencies } from '../../src/main.js';
import { collectRoutes, type RegisteredRoute } from './api-routes.js';
import { checkApiResponses, recordRegisteredRoutes } from './response-validation.js';
import { testStorage } from './test-storage.js';
import type { BlobStoreOptions } from '../../src/adapters/blob/index.js';

export interface TestRegistry {
  readonly app: FastifyInstance;
  readonly wharf: Wharf;
  readonly dataDir: string;
  /** The blob storage it runs on (filesystem, or S3 with `WHARF_TEST_STORAGE=s3`). */
  readonly storage: BlobStoreOptions;
  /** The routes registered under /api/v2.0 (without Fastify's automatic HEAD routes). */
  apiRoutes(): RegisteredRoute[];
  /** Closes the instance and starts a new one on the same data directory and database (a restart). */
  reopen(): Promise<void>;
  close(): Promise<void>;
}

/** The administrator's password in every test registry (WHARF_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'Harbor12345';

/** What the composition root takes, plus the logger (default: the configuration's, silent in tests). */
export interface TestRegistryDependencies extends WharfDependencies {
  readonly log?: Logger;
}

/** Which metadata backend the in-process tests run on: `WHARF_TEST_DATABASE=postgres` selects PostgreSQL. */
export const TEST_DATABASE = process.env.WHARF_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * A Wharf instance on a fresh data directory (and a fresh PostgreSQL database when selected), driven
 * in-process with `app.inject`. Every /api/v2.0 response is checked against Wharf's OpenAPI description and, when
 * it is present, Harbor's swagger (`response-validation.ts`): a non-conforming one fails the request's promise.
 */
export async function startTestRegistry(
  env: Record<string, string | undefined> = {},
  deps: TestRegistryDependencies = {},
): Promise<TestRegistry> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-test-'));
  const pg = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
  const storage = await testStorage(dataDir);
  const config = loadConfig({
    env: {
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_HTTP_ACCESSLOG: 'false',
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Authorisation matrices send many wrong passwords from one address; tests of throttling set their own.
      WHARF_LOGIN_PAIRLOCKAFTER: '1000000',
      WHARF_LOGIN_ACCOUNTLOCKAFTER: '1000000',
      WHARF_LOGIN_ADDRESSLOCKAFTER: '1000000',
      ...(pg ? { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: pg.url } : {}),
      ...storage.env,
      ...env,
    },
  });
  let wharf = await createWharf(config, deps.log, deps);
  const apiRoutes = collectRoutes(wharf.app);
  checkApiResponses(wharf.app);
  await wharf.app.ready();
  recordRegisteredRoutes(apiRoutes());
  return {
    get app() {
      return wharf.app;
    },
    get wharf() {
      return wharf;
    },
    dataDir,
    storage: storage.options,
    apiRoutes,
    async reopen() {
      await wharf.close();
      wharf = await createWharf(config, deps.log, deps);
      checkApiResponses(wharf.app);
      await wharf.app.ready();
    },
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
export function useTestRegistry(env: Record<string, string> = {}, deps: TestRegistryDependencies = {}): TestRegistry {
  let current: TestRegistry | undefined;
  const started = (): TestRegistry => {
    if (!current) throw new Error('the test registry is started in beforeAll; use it inside tests');
    return current;
  };
  beforeAll(async () => {
    current = await startTestRegistry(env, deps);
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
    get storage() {
      return started().storage;
    },
    apiRoutes: () => started().apiRoutes(),
    reopen: () => started().reopen(),
    close: () => started().close(),
  };
}

/**
 * A test registry whose `app.inject` sends /v2 requests as the administrator (Basic credentials, unless the
 * request carries its own Authorization header) and first creates the project each repository name needs. The
 * protocol tests (test/http) use it: they test the OCI API, not authorisation, which test/api/authorization-v2
 * and the token tests cover with real principals.
 */
export function useOciTestRegistry(
  env: Record<string, string> = {},
  deps: TestRegistryDependencies = {},
): TestRegistry {
  const registry = useTestRegistry(env, deps);
  const wrapped = new WeakMap<FastifyInstance, FastifyInstance>();
  return {
    get app() {
      const app = registry.app;
      let proxy = wrapped.get(app);
      if (!proxy) wrapped.set(app, (proxy = actingAsAdmin(app, registry.wharf)));
      return proxy;
    },
    get wharf() {
      return registry.wharf;
    },
    get dataDir() {
      return registry.dataDir;
    },
    get storage() {
      return registry.storage;
    },
    apiRoutes: () => registry.apiRoutes(),
    reopen: () => registry.reopen(),
    close: () => registry.close(),
  };
}

function actingAsAdmin(app: FastifyInstance, wharf: Wharf): FastifyInstance {
  const authorization = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
  const provisioned = new Set<string>();
  const provision = async (url: string) => {
    let name: string;
    try {
      const route = parseOciPath((url.split('?')[0] ?? '').replace(/^\/v2\/?/, ''));
      if (!('name' in route)) return;
      name = route.name;
    } catch {
      return; // a malformed URL: the request itself will be refused
    }
    // A name outside the grammar is refused before authorisation, and one with NUL cannot even be looked up in
    // PostgreSQL: no project to create.
    if (!matchesNameGrammar(name)) return;
    const project = projectNameOf(name);
    if (provisioned.has(project)) return;
    if (!(await wharf.store.projects.getByName(project))) {
      // As the management API would: the project with its (unlimited) quota.
      await wharf.store
        .transaction(async (tx) => {
          const created = await tx.projects.create({ name: project, public: false });
          await tx.quotas.create(created.id, -1);
        })
        .catch(() => undefined);
    }
    provisioned.add(project);
  };
  const inject = async (opts: InjectOptions) => {
    if (typeof opts.url === 'string' && opts.url.startsWith('/v2')) {
      await provision(opts.url);
      const headers = opts.headers ?? {};
      if (headers.authorization === undefined) opts = { ...opts, headers: { ...headers, authorization } };
    }
    return app.inject(opts);
  };
  return new Proxy(app, {
    get(target, prop) {
      if (prop === 'inject') return inject;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
