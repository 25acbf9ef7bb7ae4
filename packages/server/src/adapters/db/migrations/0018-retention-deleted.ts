import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * What each retention task deleted (`retention_task_results.deleted`, a JSON array of `{ type, name_tag }`, null for
 * tasks recorded before): Harbor's TAG_RETENTION webhook lists the deleted artifacts.
 */
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('retention_task_results').addColumn('deleted', 'text').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('retention_task_results').dropColumn('deleted').execute();
}

export const retentionDeletedSchema: DialectMigration = { up, down };
