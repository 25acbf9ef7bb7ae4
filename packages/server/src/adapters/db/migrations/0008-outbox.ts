import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * The outbox of domain events (ports/outbox.ts): written in the transaction of the change, claimed by a relay,
 * marked delivered (or failed after too many attempts) and purged later. `claimed_until` is the claim's expiry, so
 * events held by a process that died are claimed again.
 */
async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('outbox_events')
      .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (col) =>
        dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('payload', 'text', (col) => col.notNull())
      .addColumn('occurred_at', 'bigint', (col) => col.notNull())
      .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
      .addColumn('claimed_by', 'text')
      .addColumn('claimed_until', 'bigint')
      .addColumn('available_at', 'bigint', (col) => col.notNull())
      .addColumn('delivered_at', 'bigint')
      .addColumn('failed_at', 'bigint')
      .addColumn('last_error', 'text')
      .execute();
    // The relay's query: undelivered events in id order.
    await tx.schema
      .createIndex('outbox_events_pending_idx')
      .on('outbox_events')
      .columns(['delivered_at', 'failed_at', 'id'])
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox_events').execute();
}

export const outboxSchema: DialectMigration = { up, down };
