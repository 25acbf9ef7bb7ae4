import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * The job engine's records (ports/jobs.ts, adapters/db/job-records.ts), after Harbor's execution/task model:
 * executions (one run of a vendor type: GC, retention, a purge…) with their tasks, each task claimed by one node
 * (`holder`, `claim_until`) and keeping a bounded log; cron schedules with their next run; and one row per job
 * type (queue) holding its paused flag, which the claim statement also locks to count a type's live claims; and
 * the worker pools (one per process) with their heartbeats, for `/jobservice/pools`.
 */
async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const id = dialect === 'postgres' ? 'bigint' : 'integer';
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('job_executions')
      .addColumn('id', id, (col) =>
        dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('vendor_type', 'text', (col) => col.notNull())
      .addColumn('vendor_id', 'bigint', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('status_message', 'text')
      .addColumn('trigger', 'text', (col) => col.notNull())
      .addColumn('extra_attrs', 'text', (col) => col.notNull())
      .addColumn('start_time', 'bigint', (col) => col.notNull())
      .addColumn('end_time', 'bigint')
      .addColumn('update_time', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema
      .createIndex('job_executions_vendor_idx')
      .on('job_executions')
      .columns(['vendor_type', 'vendor_id', 'id'])
      .execute();
    await tx.schema
      .createTable('job_tasks')
      .addColumn('id', id, (col) =>
        dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('execution_id', id, (col) => col.notNull().references('job_executions.id').onDelete('cascade'))
      .addColumn('vendor_type', 'text', (col) => col.notNull())
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('status_message', 'text')
      .addColumn('params', 'text', (col) => col.notNull())
      .addColumn('run_count', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('available_at', 'bigint', (col) => col.notNull())
      .addColumn('holder', 'text')
      .addColumn('claim_until', 'bigint')
      .addColumn('stop_requested', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('creation_time', 'bigint', (col) => col.notNull())
      .addColumn('start_time', 'bigint')
      .addColumn('end_time', 'bigint')
      .addColumn('update_time', 'bigint', (col) => col.notNull())
      .addColumn('log', 'text', (col) => col.notNull().defaultTo(''))
      .execute();
    await tx.schema.createIndex('job_tasks_execution_idx').on('job_tasks').columns(['execution_id', 'id']).execute();
    // The claim's query: a type's pending (or abandoned) tasks, oldest first.
    await tx.schema
      .createIndex('job_tasks_claim_idx')
      .on('job_tasks')
      .columns(['vendor_type', 'status', 'available_at'])
      .execute();
    await tx.schema
      .createTable('job_schedules')
      .addColumn('id', id, (col) =>
        dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('vendor_type', 'text', (col) => col.notNull())
      .addColumn('vendor_id', 'bigint', (col) => col.notNull())
      .addColumn('cron', 'text', (col) => col.notNull())
      .addColumn('params', 'text', (col) => col.notNull())
      .addColumn('next_run', 'bigint', (col) => col.notNull())
      .addColumn('creation_time', 'bigint', (col) => col.notNull())
      .addColumn('update_time', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('job_schedules_vendor_key', ['vendor_type', 'vendor_id'])
      .execute();
    await tx.schema
      .createTable('job_queues')
      .addColumn('job_type', 'text', (col) => col.primaryKey())
      .addColumn('paused', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('update_time', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema
      .createTable('job_pools')
      .addColumn('id', 'text', (col) => col.primaryKey())
      .addColumn('pid', 'integer', (col) => col.notNull())
      .addColumn('host', 'text', (col) => col.notNull())
      .addColumn('concurrency', 'integer', (col) => col.notNull())
      .addColumn('start_at', 'bigint', (col) => col.notNull())
      .addColumn('heartbeat_at', 'bigint', (col) => col.notNull())
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['job_pools', 'job_queues', 'job_schedules', 'job_tasks', 'job_executions']) {
    await db.schema.dropTable(table).execute();
  }
}

export const jobsSchema: DialectMigration = { up, down };
