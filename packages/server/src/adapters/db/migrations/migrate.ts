import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, SqlDialect } from '../database.js';
import { InCodeMigrationProvider } from './in-code-migration-provider.js';

/** Applies every pending migration (safe when several nodes start at once); returns the names applied. */
export async function migrateToLatest(db: Kysely<Database>, dialect: SqlDialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? '(setup)';
    throw new Error(`metadata database migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
