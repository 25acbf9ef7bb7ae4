import type { Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Password reset by e-mail (docs/architecture.md, "Self-service"): one row per reset link sent. Only the SHA-256 of
 * the link's token is stored, so a leaked database hands out no usable link; a token works once (`used_at`) and
 * until `expires_at`.
 */
async function up(db: Kysely<unknown>): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('password_resets')
      .addColumn('token_hash', 'text', (col) => col.primaryKey())
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('expires_at', 'bigint', (col) => col.notNull())
      .addColumn('used_at', 'bigint')
      .execute();
    await tx.schema.createIndex('password_resets_user_id_idx').on('password_resets').column('user_id').execute();
    await tx.schema.createIndex('password_resets_expires_at_idx').on('password_resets').column('expires_at').execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('password_resets').execute();
}

export const passwordResetSchema: DialectMigration = { up, down };
