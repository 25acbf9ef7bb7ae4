import { sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/** Text compared byte-wise: SQLite's default BINARY collation already is; PostgreSQL needs "C". */
function nameType(dialect: SqlDialect): Expression<unknown> | 'text' {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('repositories')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('name', nameType(dialect), (col) => col.notNull().unique())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('blobs')
    .addColumn('digest', 'text', (col) => col.primaryKey())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('repository_blobs')
    .addColumn('repository_id', 'integer', (col) => col.notNull().references('repositories.id').onDelete('cascade'))
    .addColumn('digest', 'text', (col) => col.notNull().references('blobs.digest'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('repository_blobs_pk', ['repository_id', 'digest'])
    .execute();
  await db.schema.createIndex('repository_blobs_digest_idx').on('repository_blobs').column('digest').execute();

  await db.schema
    .createTable('manifests')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('repository_id', 'integer', (col) => col.notNull().references('repositories.id').onDelete('cascade'))
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('media_type', 'text', (col) => col.notNull())
    .addColumn('size', 'bigint', (col) => col.notNull())
    .addColumn('artifact_type', 'text')
    .addColumn('subject', 'text')
    .addColumn('annotations', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('manifests_repository_digest_unique', ['repository_id', 'digest'])
    .execute();
  await db.schema
    .createIndex('manifests_repository_subject_idx')
    .on('manifests')
    .columns(['repository_id', 'subject'])
    .execute();

  await db.schema
    .createTable('manifest_references')
    .addColumn('manifest_id', 'integer', (col) => col.notNull().references('manifests.id').onDelete('cascade'))
    .addColumn('digest', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('blob', 'manifest')`))
    .addPrimaryKeyConstraint('manifest_references_pk', ['manifest_id', 'digest'])
    .execute();
  await db.schema.createIndex('manifest_references_digest_idx').on('manifest_references').column('digest').execute();

  await db.schema
    .createTable('tags')
    .addColumn('repository_id', 'integer', (col) => col.notNull().references('repositories.id').onDelete('cascade'))
    .addColumn('name', nameType(dialect), (col) => col.notNull())
    .addColumn('manifest_id', 'integer', (col) => col.notNull().references('manifests.id').onDelete('cascade'))
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('tags_pk', ['repository_id', 'name'])
    .execute();
  await db.schema.createIndex('tags_manifest_id_idx').on('tags').column('manifest_id').execute();

  await db.schema
    .createTable('uploads')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('repository', 'text', (col) => col.notNull())
    .addColumn('started_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('uploads_updated_at_idx').on('uploads').column('updated_at').execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'uploads',
    'tags',
    'manifest_references',
    'manifests',
    'repository_blobs',
    'blobs',
    'repositories',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

export const initialSchema: DialectMigration = { up, down };
