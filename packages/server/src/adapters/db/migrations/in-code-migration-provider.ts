import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../database.js';
import { initialSchema } from './0001-initial-schema.js';
import { identitySchema } from './0002-identity.js';
import type { DialectMigration } from './dialect-migration.js';

/** Every migration, by name; names sort in application order. Append only. */
const migrations: Readonly<Record<string, DialectMigration>> = {
  '0001-initial-schema': initialSchema,
};

/**
 * Written but not yet applied by the metadata store's migrate(): the identity schema of the multi-tenant step,
 * applied with `includeStaged` (adapters/db/identity/migrate-identity.ts). Move into `migrations` when wired;
 * until then a database migrated with them cannot be migrated without them (Kysely refuses missing migrations).
 */
const stagedMigrations: Readonly<Record<string, DialectMigration>> = {
  '0002-identity': identitySchema,
};

/** Supplies the compiled-in migrations (no directory scan, so it works from dist/), bound to a dialect. */
export class InCodeMigrationProvider implements MigrationProvider {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly includeStaged = false,
  ) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const bound: Record<string, Migration> = {};
    const all = this.includeStaged ? { ...migrations, ...stagedMigrations } : migrations;
    for (const [name, migration] of Object.entries(all)) {
      bound[name] = {
        up: (db) => migration.up(db, this.dialect),
        down: (db) => migration.down(db, this.dialect),
      };
    }
    return Promise.resolve(bound);
  }
}
