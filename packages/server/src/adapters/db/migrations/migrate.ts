import { Migrator } from 'kysely';
import type { Kysely, MigrationProvider } from 'kysely';
import type { Database, SqlDialect } from '../database.js';
import { InCodeMigrationProvider } from './in-code-migration-provider.js';

/**
 * Applies every pending migration (safe when several nodes start at once); returns the names applied. A migration
 * that sorts before one already applied is applied too (`allowUnorderedMigrations`): migrations written on parallel
 * branches are independent of each other, and a development database that ran a later one first must still start.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: SqlDialect,
  provider: MigrationProvider = new InCodeMigrationProvider(dialect),
): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? '(setup)';
    throw new Error(`metadata database migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
