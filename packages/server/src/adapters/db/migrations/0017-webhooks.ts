import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/**
 * Webhooks (webhooks/): a project's webhook policies (Harbor's notification_policy), names unique within the
 * project, event types and targets as JSON, going with the project; and each policy's last trigger time per event
 * type, going with the policy. Deliveries are job engine executions (vendor type WEBHOOK), not tables of their own.
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('webhook_policies')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull())
      .addColumn('enabled', 'integer', (col) => col.notNull().check(sql`enabled in (0, 1)`))
      .addColumn('event_types', 'text', (col) => col.notNull())
      .addColumn('targets', 'text', (col) => col.notNull())
      .addColumn('creator', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('webhook_policies_project_name', ['project_id', 'name'])
      .execute();
    await tx.schema
      .createTable('webhook_last_triggers')
      .addColumn('policy_id', 'integer', (col) => col.notNull().references('webhook_policies.id').onDelete('cascade'))
      .addColumn('event_type', 'text', (col) => col.notNull())
      .addColumn('triggered_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('webhook_last_triggers_pk', ['policy_id', 'event_type'])
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_last_triggers').execute();
  await db.schema.dropTable('webhook_policies').execute();
}

export const webhooksSchema: DialectMigration = { up, down };
