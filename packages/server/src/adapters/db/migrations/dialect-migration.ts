import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';

/** A schema migration written once for both dialects; `dialect` selects the few spots where SQL differs. */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}
