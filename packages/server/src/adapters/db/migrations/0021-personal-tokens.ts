import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/**
 * Personal access tokens (tokens/): a user's tokens, names unique per user, the scope as a robot-style permission
 * list in JSON, and the SHA-256 of the secret under a unique index (a presented secret is checked with one indexed
 * lookup). They go with their user: deleted with the row (cascade) and by the user deletion, which keeps the row.
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('personal_tokens')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text', (col) => col.notNull())
      .addColumn('permissions', 'text', (col) => col.notNull())
      .addColumn('secret_hash', 'text', (col) => col.notNull())
      .addColumn('duration_days', 'integer')
      .addColumn('expires_at', 'bigint')
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('last_used_at', 'bigint')
      .addUniqueConstraint('personal_tokens_user_name', ['user_id', 'name'])
      .addUniqueConstraint('personal_tokens_secret_hash', ['secret_hash'])
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('personal_tokens').execute();
}

export const personalTokensSchema: DialectMigration = { up, down };
