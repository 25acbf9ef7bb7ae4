import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Online garbage collection (gc/): each blob gets a status (`none`, or `deleting` while the collector removes its
 * content) and the time it was last written or referenced (`updated_at`, the time window's measure; existing blobs
 * take their creation time). Writers touch the rows they rely on (an UPDATE, which also takes the row's lock), so
 * the collector's mark and a concurrent push serialise on the row. The index finds candidate blobs by status and
 * time; manifests by digest in any repository use `manifests_digest_idx` (migration 0010-quotas).
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
  await db.schema.createIndex('blobs_status_updated_idx').on('blobs').columns(['status', 'updated_at']).execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('blobs_status_updated_idx').execute();
  await db.schema.alterTable('blobs').dropColumn('updated_at').execute();
  await db.schema.alterTable('blobs').dropColumn('status').execute();
}

export const blobGcSchema: DialectMigration = { up, down };
