import type { Kysely } from 'kysely';
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
