import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * The fencing token of the last writer of each upload session (`uploads.fence`, 0 until a writer under the
 * session's lease saves): a save carrying a smaller token is refused, so a node that lost the session's lease
 * cannot overwrite the state the newer holder saved.
 */
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('uploads')
    .addColumn('fence', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').dropColumn('fence').execute();
}

export const uploadFenceSchema: DialectMigration = { up, down };
