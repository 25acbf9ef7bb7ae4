import { sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

function nameType(dialect: SqlDialect): Expression<unknown> | 'text' {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

/**
 * Tag history (tags.restoreWindow): one row per tag deleted, tag moved or artifact deleted, with the time until which
 * it can be restored, and the digests it holds (the manifest, its blobs, an index's children and theirs), which
 * garbage collection keeps until then (`tag_history_blobs`, with the entry's expiry repeated so that the collector's
 * predicate reads one index). Entries go with their repository (on delete cascade).
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('tag_history')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('repository_id', 'integer', (col) => col.notNull().references('repositories.id').onDelete('cascade'))
      .addColumn('tag', nameType(dialect))
      .addColumn('digest', 'text', (col) => col.notNull())
      .addColumn('media_type', 'text', (col) => col.notNull())
      .addColumn('kind', 'text', (col) =>
        col.notNull().check(sql`kind in ('tag.deleted', 'tag.moved', 'artifact.deleted')`),
      )
      .addColumn('operator', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema
      .createIndex('tag_history_repository_idx')
      .on('tag_history')
      .columns(['repository_id', 'id'])
      .execute();
    await tx.schema.createIndex('tag_history_expires_idx').on('tag_history').column('expires_at').execute();
    await tx.schema
      .createTable('tag_history_blobs')
      .addColumn('history_id', 'integer', (col) => col.notNull().references('tag_history.id').onDelete('cascade'))
      .addColumn('digest', 'text', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('tag_history_blobs_pk', ['history_id', 'digest'])
      .execute();
    await tx.schema
      .createIndex('tag_history_blobs_digest_idx')
      .on('tag_history_blobs')
      .columns(['digest', 'expires_at'])
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tag_history_blobs').execute();
  await db.schema.dropTable('tag_history').execute();
}

export const tagHistorySchema: DialectMigration = { up, down };
