import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Online garbage collection (gc/): each blob gets a status (`none`, or `deleting` while the collector removes its
 * content) and the time it was last written or referenced (`updated_at`, the time window's measure; existing blobs
 * take their creation time). Writers touch the rows they rely on (an UPDATE, which also takes the row's lock), so
 * the collector's mark and a concurrent push serialise on the row. A partial index finds the blobs left `deleting`;
 * manifests by digest in any repository use `manifests_digest_idx` (migration 0010-quotas).
 */
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('blobs')
    .addColumn('status', 'text', (col) => col.notNull().defaultTo('none'))
    .execute();
  await db.schema
    .alterTable('blobs')
    .addColumn('updated_at', 'bigint', (col) => col.notNull().defaultTo(0))
    .execute();
  await sql`update blobs set updated_at = created_at`.execute(db);
  // Only the few rows a run left `deleting` (a partial index): candidates are read in digest order through the
  // primary key, so that each page costs its own rows whatever the table's size.
  await db.schema
    .createIndex('blobs_deleting_idx')
    .on('blobs')
    .column('digest')
    .where(sql.ref('status'), '=', 'deleting')
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('blobs_deleting_idx').execute();
  await db.schema.alterTable('blobs').dropColumn('updated_at').execute();
  await db.schema.alterTable('blobs').dropColumn('status').execute();
}

export const blobGcSchema: DialectMigration = { up, down };
