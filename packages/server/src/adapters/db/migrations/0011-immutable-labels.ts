import { sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

function nameType(dialect: SqlDialect): Expression<unknown> | 'text' {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

/**
 * Immutable tag rules (Harbor's immutable_tag_rule) and labels (harbor_label, label_reference). Rules and project
 * labels go with their project, attachments with their label or manifest (on delete cascade). Label names are
 * unique among global labels and within each project (two partial unique indexes, since a global label has no
 * project and NULLs never collide).
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('immutable_rules')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('priority', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('disabled', 'integer', (col) =>
        col
          .notNull()
          .defaultTo(0)
          .check(sql`disabled in (0, 1)`),
      )
      .addColumn('tag_selectors', 'text', (col) => col.notNull())
      .addColumn('repository_selectors', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('immutable_rules_selectors_unique', ['project_id', 'repository_selectors', 'tag_selectors'])
      .execute();
    await tx.schema
      .createTable('labels')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('name', nameType(dialect), (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('color', 'text', (col) => col.notNull().defaultTo(''))
      .addColumn('scope', 'text', (col) => col.notNull().check(sql`scope in ('g', 'p')`))
      .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addCheckConstraint('labels_scope_project', sql`(scope = 'g') = (project_id is null)`)
      .execute();
    await tx.schema
      .createIndex('labels_global_name_unique')
      .on('labels')
      .column('name')
      .unique()
      .where(sql.ref('scope'), '=', 'g')
      .execute();
    await tx.schema
      .createIndex('labels_project_name_unique')
      .on('labels')
      .columns(['project_id', 'name'])
      .unique()
      .where(sql.ref('scope'), '=', 'p')
      .execute();
    await tx.schema
      .createTable('label_references')
      .addColumn('label_id', 'integer', (col) => col.notNull().references('labels.id').onDelete('cascade'))
      .addColumn('manifest_id', 'integer', (col) => col.notNull().references('manifests.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('label_references_pk', ['label_id', 'manifest_id'])
      .execute();
    await tx.schema.createIndex('label_references_manifest_idx').on('label_references').column('manifest_id').execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('label_references').execute();
  await db.schema.dropTable('labels').execute();
  await db.schema.dropTable('immutable_rules').execute();
}

export const immutableLabelsSchema: DialectMigration = { up, down };
