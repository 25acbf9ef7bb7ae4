import { sql } from 'kysely';
import type { Expression, Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

function nameType(dialect: SqlDialect): Expression<unknown> | 'text' {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

/**
 * The audit log (audit/): one row per audited operation, Harbor's `audit_log_ext` with the client address. `event_key`
 * is the outbox event's id for outbox-delivered events (unique, so a repeated delivery adds no row) and null for
 * transient ones (pulls, logins). Project ids are kept without a reference: records outlive their project.
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('event_key', 'text', (col) => col.unique())
      .addColumn('op_time', 'bigint', (col) => col.notNull())
      .addColumn('username', nameType(dialect), (col) => col.notNull())
      .addColumn('operator_kind', 'text', (col) => col.notNull())
      .addColumn('client_ip', 'text')
      .addColumn('operation', 'text', (col) => col.notNull())
      .addColumn('event_type', 'text', (col) => col.notNull())
      .addColumn('op_desc', 'text', (col) => col.notNull())
      .addColumn('resource', nameType(dialect), (col) => col.notNull())
      .addColumn('resource_type', 'text', (col) => col.notNull())
      .addColumn('op_result', 'integer', (col) => col.notNull())
      .addColumn('project_id', 'integer')
      .execute();
    await tx.schema.createIndex('audit_log_time_idx').on('audit_log').columns(['op_time', 'id']).execute();
    await tx.schema.createIndex('audit_log_project_idx').on('audit_log').columns(['project_id', 'op_time']).execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute();
}

export const auditLogSchema: DialectMigration = { up, down };
