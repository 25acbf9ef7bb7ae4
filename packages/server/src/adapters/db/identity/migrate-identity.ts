import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database, SqlDialect } from '../database.js';
import { InCodeMigrationProvider } from '../migrations/in-code-migration-provider.js';

/**
 * Applies every pending migration including the staged identity schema (0002-identity); returns the names
 * applied. Until the multi-tenant step is wired (and 0002 joins the metadata store's own migrations), a database
 * migrated here must not be migrated by MetadataStore.migrate() again: Kysely refuses a missing migration.
 */
export async function migrateIdentitySchema(db: Kysely<Database>, dialect: SqlDialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect, true) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? '(setup)';
    throw new Error(`identity database migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
