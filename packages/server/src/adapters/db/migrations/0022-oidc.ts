import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import type { DialectMigration } from './dialect-migration.js';

/**
 * OIDC users (oidc/): for each user onboarded through the OpenID provider, who they are there (the ID token's
 * issuer and subject, unique together), their CLI secret and refresh token (both sealed by the secret box), when the
 * last access token expires, and what the provider last said of them (e-mail, name, groups, admin: JSON). The row
 * goes with its user (a hard delete; a soft-deleted user's row is replaced when the subject signs in again).
 */
async function up(db: Kysely<unknown>, _dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('oidc_users')
      .addColumn('user_id', 'integer', (col) => col.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('issuer', 'text', (col) => col.notNull())
      .addColumn('subject', 'text', (col) => col.notNull())
      .addColumn('secret', 'text', (col) => col.notNull())
      .addColumn('refresh_token', 'text')
      .addColumn('token_expires_at', 'bigint')
      .addColumn('claims', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .addUniqueConstraint('oidc_users_issuer_subject', ['issuer', 'subject'])
      .execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('oidc_users').execute();
}

export const oidcSchema: DialectMigration = { up, down };
