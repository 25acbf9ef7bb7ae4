import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import { openDatabase, type OpenDatabase } from './adapters/db/index.js';
import { InProcessLeases } from './adapters/lease/in-process-leases.js';
import { ConfigError, type WharfConfig } from './config/index.js';
import { mkdirPrivate } from './lib/private-files.js';
import type { SecretBox } from './lib/secret-box.js';
import { openKeyedDatabase, startWharfKeys } from './main-keys.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Leases } from './ports/lease.js';
import type { Store } from './ports/store.js';
import { AdminPasswordError, bootstrapAdmin, type GeneratedAdminPassword } from './services/admin-bootstrap.js';
import { seedConfiguredSettings } from './services/configurations.js';

/*
 * The composition root's part for the process model (main.ts re-exports it): the database a process opens, the
 * leases and signals its processes share, how many workers `wharf serve` starts, and the preparation of the data
 * directory and the database that runs once per start (in the primary when there are workers).
 */

/** The store over the configured database, sealing secrets with `secrets`; call migrate() before use. */
export function openConfiguredStore(config: Readonly<WharfConfig>, log?: Logger, secrets?: SecretBox): Store {
  return openConfiguredDatabase(config, log, secrets).store;
}

/** The configured database: the store and the leases kept in it; call store.migrate() before use. */
export function openConfiguredDatabase(config: Readonly<WharfConfig>, log?: Logger, secrets?: SecretBox): OpenDatabase {
  return config.database.driver === 'postgres'
    ? openDatabase({
        driver: 'postgres',
        url: config.database.url!,
        poolSize: config.database.poolSize,
        onIdleError: (err) => log?.warn({ err }, 'idle PostgreSQL connection failed; it will be replaced'),
        secrets,
      })
    : openDatabase({
        driver: 'sqlite',
        path: config.database.path!,
        synchronous: config.database.synchronous,
        secrets,
      });
}

/**
 * The leases the processes share: SQLite served by one process needs only in-process leases (a map); on
 * PostgreSQL, or with several workers on SQLite (`clustered`), several processes share the database, so leases are
 * its rows (migration 0007-leases).
 */
export function leasesFor(
  config: Readonly<WharfConfig>,
  database: OpenDatabase,
  clock: Clock,
  clustered = false,
): Leases {
  return config.database.driver === 'postgres' || clustered ? database.leases(clock) : new InProcessLeases(clock);
}

/** How many worker processes `http.workers` asks for (`auto`: one per core). */
export function workerCount(config: Readonly<WharfConfig>): number {
  return config.http.workers === 'auto' ? availableParallelism() : config.http.workers;
}

/**
 * Prepares the data directory and the database, once per start and before any process serves: creates the data
 * directory, loads (or generates) the secret key, applies the migrations, checks that the key opens the stored
 * secrets, creates the administrator at first start (telling `announce` a generated password) and the first token
 * signing key. The primary of `wharf serve` runs it, then its workers run createWharf with `prepared`; createWharf
 * runs the same steps itself otherwise.
 */
export async function prepareWharf(
  config: Readonly<WharfConfig>,
  log: Logger,
  announce?: (generated: GeneratedAdminPassword) => void,
): Promise<void> {
  await mkdirPrivate(config.data.dir);
  const { database, secrets } = await openKeyedDatabase(config, (box) => openConfiguredDatabase(config, log, box), log);
  try {
    await ensureAdmin(config, database.store, log, announce);
    const keys = await startWharfKeys(config, {
      database,
      secrets: secrets.box,
      clock: systemClock,
      store: database.store,
      log,
    });
    await keys.close();
  } finally {
    await database.store.close();
  }
}

/**
 * Creates the administrator at first start, and stores the configured settings then (only then: afterwards the
 * database holds them). An unacceptable configured password is a configuration error.
 */
export async function ensureAdmin(
  config: Readonly<WharfConfig>,
  store: Store,
  log: Logger,
  announce: ((generated: GeneratedAdminPassword) => void) | undefined,
): Promise<void> {
  try {
    const result = await bootstrapAdmin(store, {
      password: config.admin.password,
      dataDir: config.data.dir,
      log,
      announce,
    });
    if (result !== 'exists') await seedConfiguredSettings(store.settings, config.settings);
  } catch (error) {
    if (!(error instanceof AdminPasswordError)) throw error;
    throw new ConfigError('invalid configuration', [`admin.password: ${error.message}`]);
  }
}
