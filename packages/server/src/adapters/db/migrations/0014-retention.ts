import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/**
 * Tag retention (retention/): one policy per project (Harbor's retention_policy, scope level project), its rules and
 * trigger kept as Harbor's JSON, going with the project; and the counts of each retention task (Harbor keeps them in
 * the task's extra attributes), going with the job engine's task.
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('retention_policies')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('project_id', 'integer', (col) => col.notNull().unique().references('projects.id').onDelete('cascade'))
      .addColumn('data', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema
      .createTable('retention_task_results')
      .addColumn('task_id', dialect === 'postgres' ? 'bigint' : 'integer', (col) =>
        col.primaryKey().references('job_tasks.id').onDelete('cascade'),
      )
      .addColumn('total', 'integer', (col) => col.notNull())
      .addColumn('retained', 'integer', (col) => col.notNull())
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('retention_task_results').execute();
  await db.schema.dropTable('retention_policies').execute();
}

export const retentionSchema: DialectMigration = { up, down };
