import type { Kysely } from 'kysely';
import type { Store } from '../../ports/store.js';
import type { Database, SqlDialect } from './database.js';
import { KyselyStore } from './kysely-store.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

export type DatabaseOptions =
  | { readonly driver: 'sqlite'; readonly path: string; readonly synchronous: 'normal' | 'full' }
  | {
      readonly driver: 'postgres';
      readonly url: string;
      readonly poolSize: number;
      /** Told about failures of idle pooled connections, which the pool replaces by itself. */
      readonly onIdleError?: (err: Error) => void;
    };

function connect(opts: DatabaseOptions): { db: Kysely<Database>; dialect: SqlDialect } {
  switch (opts.driver) {
    case 'sqlite':
      return { db: openSqlite({ path: opts.path, synchronous: opts.synchronous }), dialect: 'sqlite' };
    case 'postgres':
      return { db: openPostgres(opts), dialect: 'postgres' };
  }
}

/** Opens the store over one database (one pool, or one SQLite connection); call migrate() before use. */
export function openStore(opts: DatabaseOptions): Store {
  const { db, dialect } = connect(opts);
  return new KyselyStore(db, dialect);
}

/** The store over an open Kysely instance, which it then owns (tests that prepare the database themselves). */
export function storeOver(db: Kysely<Database>, dialect: SqlDialect): Store {
  return new KyselyStore(db, dialect);
}
