import type { Kysely } from 'kysely';
import { SecretBoxError, type SecretBox } from '../../lib/secret-box.js';
import type { KeyRecords } from '../../ports/key-records.js';
import type { Clock } from '../../ports/clock.js';
import type { JobRecords } from '../../ports/jobs.js';
import type { Leases } from '../../ports/lease.js';
import type { Store } from '../../ports/store.js';
import type { Database, SqlDialect } from './database.js';
import { KyselyStore } from './kysely-store.js';
import { KyselyJobRecords } from './job-records.js';
import { KyselyKeyRecords } from './key-records.js';
import { KyselyLeases } from './lease-records.js';
import { KyselyOidcUserRecords } from './oidc-user-records.js';
import type { OidcUserRecords } from '../../ports/oidc-user-records.js';
import { KyselyMetricsRecords } from './metrics-records.js';
import { openPostgres, poolUseOf } from './postgres.js';
import type { MetricsRecords, PoolUse } from '../../ports/metrics-records.js';
import { isInMemory, openSqlite } from './sqlite.js';
import { snapshotBeforeMigrating } from './sqlite-snapshots.js';

export type DatabaseOptions = (
  | { readonly driver: 'sqlite'; readonly path: string; readonly synchronous: 'normal' | 'full' }
  | {
      readonly driver: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      /** Told about failures of idle pooled connections, which the pool replaces by itself. */
      readonly onIdleError?: (err: Error) => void;
    }
) & {
  /** Seals and opens the secrets stored in the database (lib/secret-box.ts); without it, they cannot be read. */
  readonly secrets?: SecretBox;
};

function connect(opts: DatabaseOptions): { db: Kysely<Database>; dialect: SqlDialect } {
  // (a file database gets a copy before migrations change it: see openDatabase)
  switch (opts.driver) {
    case 'sqlite':
      return { db: openSqlite({ path: opts.path, synchronous: opts.synchronous }), dialect: 'sqlite' };
    case 'postgres':
      return { db: openPostgres(opts), dialect: 'postgres' };
  }
}

/** The store over one database, and the leases kept in the same database. */
export interface OpenDatabase {
  /** Owns the connection: its migrate() applies every migration and its close() closes the database. */
  readonly store: Store;
  /** Leases as rows of this database (migration 0007-leases), expiring on `clock`; borrows the connection. */
  leases(clock?: Clock): Leases;
  /** The job engine's records (migration 0009-jobs); borrows the connection. */
  jobs(): JobRecords;
  /** The metrics' scrape-time queries; borrows the connection. */
  metrics(): MetricsRecords;
  /** The token keys and sealed values' maintenance (ports/key-records.ts); needs `secrets`; borrows the connection. */
  keys(): KeyRecords;
  /** OIDC users' CLI secrets and refresh tokens (migration 0022-oidc); needs `secrets`; borrows the connection. */
  oidcUsers(): OidcUserRecords;
  /** The PostgreSQL pool's connections now; undefined on SQLite (one connection, no pool). */
  poolUse(): PoolUse | undefined;
}

/** Opens one database (one pool, or one SQLite connection); call store.migrate() before use. */
export function openDatabase(opts: DatabaseOptions): OpenDatabase {
  const { db, dialect } = connect(opts);
  return {
    store: new KyselyStore(
      db,
      dialect,
      opts.secrets,
      opts.driver === 'sqlite' && !isInMemory(opts.path)
        ? async (kysely, provider) => void (await snapshotBeforeMigrating(kysely, opts.path, provider))
        : undefined,
    ),
    keys: () => {
      if (opts.secrets === undefined) throw new SecretBoxError('the key records need the secret key');
      return new KyselyKeyRecords(db, opts.secrets);
    },
    oidcUsers: () => {
      if (opts.secrets === undefined) throw new SecretBoxError('the OIDC user records need the secret key');
      return new KyselyOidcUserRecords(db, opts.secrets);
    },
    leases: (clock) => new KyselyLeases(db, clock),
    jobs: () => new KyselyJobRecords(db, dialect),
    metrics: () => new KyselyMetricsRecords(db),
    poolUse: () => poolUseOf(db),
  };
}

/** Opens the store over one database; call migrate() before use. */
export function openStore(opts: DatabaseOptions): Store {
  return openDatabase(opts).store;
}

/** The store over an open Kysely instance, which it then owns (tests that prepare the database themselves). */
export function storeOver(db: Kysely<Database>, dialect: SqlDialect, secrets?: SecretBox): Store {
  return new KyselyStore(db, dialect, secrets);
}
