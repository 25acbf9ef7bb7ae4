import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Leases shared by the nodes of one database (adapters/db/lease-records.ts): one row per lease name, with its
 * holder (null once released), its expiry (milliseconds since the epoch, on the acquiring node's clock) and
 * its fencing counter, raised by every acquisition. And the blob writer's state of each upload session
 * (`uploads.writer_state`, JSON), so that any node can resume a session another node wrote.
 */
async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('uploads').addColumn('writer_state', 'text').execute();
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('holder', 'text')
    .addColumn('expires_at', 'bigint', (col) => col.notNull())
    .addColumn('token', 'bigint', (col) => col.notNull())
    .execute();
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('leases').execute();
  await db.schema.alterTable('uploads').dropColumn('writer_state').execute();
}

export const leasesSchema: DialectMigration = { up, down };
