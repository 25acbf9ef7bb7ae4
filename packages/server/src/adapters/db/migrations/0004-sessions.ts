import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Browser sessions shared by every node (only the SHA-256 of each session id is stored), and the channel an
 * authentication event came through (portal login, management API, registry, token service).
 */
async function up(db: Kysely<unknown>): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('credential_stamp', 'text', (col) => col.notNull())
      .addColumn('client_ip', 'text')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_seen_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
    await tx.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();
    await tx.schema
      .alterTable('auth_events')
      .addColumn('channel', 'text', (col) => col.check(sql`channel in ('session', 'api', 'registry', 'token')`))
      .execute();
  };
  // As in 0002-identity: PostgreSQL runs each migration in a transaction; SQLite's DDL is transactional too.
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('auth_events').dropColumn('channel').execute();
  await db.schema.dropTable('sessions').execute();
}

export const sessionsSchema: DialectMigration = { up, down };
