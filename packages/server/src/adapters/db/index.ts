import type { Kysely } from 'kysely';
import type { Clock } from '../../ports/clock.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import type { Leases } from '../../ports/lease.js';
import type { MetadataStore } from '../../ports/metadata-store.js';
import type { Database, SqlDialect } from './database.js';
import { createIdentityStore } from './identity/kysely-identity-store.js';
import { KyselyMetadataStore } from './kysely-metadata-store.js';
import { KyselyLeases } from './lease-records.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

export type MetadataStoreOptions =
  | { readonly driver: 'sqlite'; readonly path: string; readonly synchronous: 'normal' | 'full' }
  | {
      readonly driver: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      /** Told about failures of idle pooled connections, which the pool replaces by itself. */
      readonly onIdleError?: (err: Error) => void;
    };

/** The stores over one database: one pool (or SQLite connection), migrated and closed through `metadata`. */
export interface OpenDatabase {
  /** Owns the connection: its migrate() applies every migration and its close() closes the database. */
  readonly metadata: MetadataStore;
  /** Borrows the metadata store's connection. */
  readonly identity: IdentityStore;
  /** Leases as rows of this database (migration 0007-leases), expiring on `clock`; borrows the connection. */
  leases(clock?: Clock): Leases;
}

function connect(opts: MetadataStoreOptions): { db: Kysely<Database>; dialect: SqlDialect } {
  switch (opts.driver) {
    case 'sqlite':
      return { db: openSqlite({ path: opts.path, synchronous: opts.synchronous }), dialect: 'sqlite' };
    case 'postgres':
      return { db: openPostgres(opts), dialect: 'postgres' };
  }
}

/** Opens the metadata and identity stores on one connection; call metadata.migrate() before use. */
export function openDatabase(opts: MetadataStoreOptions): OpenDatabase {
  const { db, dialect } = connect(opts);
  return {
    metadata: new KyselyMetadataStore(db, dialect),
    identity: createIdentityStore(db),
    leases: (clock) => new KyselyLeases(db, clock),
  };
}

/** Opens the metadata store alone; call migrate() before use. */
export function createMetadataStore(opts: MetadataStoreOptions): MetadataStore {
  return openDatabase(opts).metadata;
}
