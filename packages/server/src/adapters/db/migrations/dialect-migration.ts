import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { SecretBox } from '../../../lib/secret-box.js';
import type { SqlDialect } from '../database.js';

/** What a migration may need besides the database: the secret box, for migrations that encrypt stored values. */
export interface MigrationContext {
  readonly secrets?: SecretBox;
}

/** A schema migration written once for both dialects; `dialect` selects the few spots where SQL differs. */
export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect, context: MigrationContext): Promise<void>;
  down(db: Kysely<unknown>, dialect: SqlDialect, context: MigrationContext): Promise<void>;
}

/** An integer primary key the database numbers: an identity column on PostgreSQL, AUTOINCREMENT on SQLite. */
export function identity(dialect: SqlDialect): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === 'postgres'
    ? (col) => col.primaryKey().generatedAlwaysAsIdentity()
    : (col) => col.primaryKey().autoIncrement();
}
