import { sql, type Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/**
 * User groups (Harbor's user_group): groups of an LDAP directory (type 1, identified by their DN), of an
 * authenticating proxy (2) and of an OpenID provider (3, both identified by their name); `group_key` is what
 * identifies a group of its type, unique. A project member of entity type `g` is one of them. Which groups a user
 * is in is what the identity provider said at the user's last login (`user_group_members`), so a token or a
 * session resolves group roles without asking the provider again; `users.admin_role_in_auth` is whether it made the
 * user an administrator (an LDAP group admin DN, an OIDC admin group), kept apart from `sysadmin`, which only an
 * administrator sets, as in Harbor.
 */
async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('user_groups')
      .addColumn('id', 'integer', identity(dialect))
      .addColumn('group_name', 'text', (col) => col.notNull())
      .addColumn('group_type', 'integer', (col) => col.notNull().check(sql`group_type in (1, 2, 3)`))
      .addColumn('ldap_group_dn', 'text')
      .addColumn('group_key', 'text', (col) => col.notNull().unique())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema
      .createTable('user_group_members')
      .addColumn('user_id', 'integer', (col) => col.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_id', 'integer', (col) => col.notNull().references('user_groups.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_group_members_pk', ['user_id', 'group_id'])
      .execute();
    await tx.schema
      .alterTable('users')
      .addColumn('admin_role_in_auth', 'integer', (col) =>
        col
          .notNull()
          .defaultTo(0)
          .check(sql`admin_role_in_auth in (0, 1)`),
      )
      .execute();
    await tx.schema.createIndex('user_group_members_group').on('user_group_members').column('group_id').execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await sql`delete from project_members where entity_type = 'g'`.execute(tx);
    await tx.schema.dropTable('user_group_members').execute();
    await tx.schema.dropTable('user_groups').execute();
    await tx.schema.alterTable('users').dropColumn('admin_role_in_auth').execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

export const userGroupsSchema: DialectMigration = { up, down };
