import { sql } from 'kysely';
import type { ColumnDefinitionBuilder, Expression, Kysely, RawBuilder } from 'kysely';
import type { SqlDialect } from '../database.js';
import { identity, type DialectMigration } from './dialect-migration.js';

/** Text compared byte-wise: SQLite's default BINARY collation already is; PostgreSQL needs "C". */
function nameType(dialect: SqlDialect): Expression<unknown> | 'text' {
  return dialect === 'postgres' ? sql`text collate "C"` : 'text';
}

/** A 0/1 integer flag, the same on both dialects. */
function flag(name: string): (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return (col) =>
    col
      .notNull()
      .defaultTo(0)
      .check(sql`${sql.ref(name)} in (0, 1)`);
}

/** The first path segment of `repositories.name`: the project a repository belongs to. */
function firstSegment(dialect: SqlDialect): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql`split_part(repositories.name, '/', 1)`
    : sql`case when instr(repositories.name, '/') > 0
            then substr(repositories.name, 1, instr(repositories.name, '/') - 1) else repositories.name end`;
}

/** Seeded settings, JSON-encoded under Harbor's names. Frozen with this migration: later defaults need their own. */
const seededSettings: Readonly<Record<string, unknown>> = {
  self_registration: false,
  project_creation_restriction: 'everyone',
  token_expiration: 30,
  read_only: false,
  auth_mode: 'db_auth',
};

async function createTables(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('username', nameType(dialect), (col) => col.notNull())
    .addColumn('email', nameType(dialect))
    .addColumn('realname', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('comment', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('password_hash', 'text')
    .addColumn('sysadmin', 'integer', flag('sysadmin'))
    .addColumn('deleted', 'integer', flag('deleted'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('users_username_unique', ['username'])
    .addUniqueConstraint('users_email_unique', ['email'])
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('name', nameType(dialect), (col) => col.notNull())
    .addColumn('owner_id', 'integer', (col) => col.references('users.id'))
    .addColumn('public', 'integer', flag('public'))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('projects_name_unique', ['name'])
    .execute();

  await db.schema
    .createTable('project_metadata')
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('value', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('project_metadata_pk', ['project_id', 'name'])
    .execute();

  await db.schema
    .createTable('project_members')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('project_id', 'integer', (col) => col.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('entity_type', 'text', (col) => col.notNull().check(sql`entity_type in ('u', 'g')`))
    .addColumn('entity_id', 'integer', (col) => col.notNull())
    .addColumn('role_id', 'integer', (col) => col.notNull().check(sql`role_id between 1 and 5`))
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('project_members_entity_unique', ['project_id', 'entity_type', 'entity_id'])
    .execute();
  await db.schema
    .createIndex('project_members_entity_idx')
    .on('project_members')
    .columns(['entity_type', 'entity_id'])
    .execute();

  await db.schema
    .createTable('robots')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('name', nameType(dialect), (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull().defaultTo(''))
    .addColumn('level', 'text', (col) => col.notNull())
    .addColumn('project_id', 'integer', (col) => col.references('projects.id').onDelete('cascade'))
    .addColumn('permissions', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('disabled', 'integer', flag('disabled'))
    .addColumn('duration_days', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('creator', 'text')
    .addColumn('created_at', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .addUniqueConstraint('robots_name_unique', ['name'])
    .addCheckConstraint(
      'robots_level_project',
      sql`(level = 'system' and project_id is null) or (level = 'project' and project_id is not null)`,
    )
    .execute();
  await db.schema.createIndex('robots_project_id_idx').on('robots').column('project_id').execute();

  await db.schema
    .createTable('settings')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'bigint', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('auth_events')
    .addColumn('id', 'integer', identity(dialect))
    .addColumn('at', 'bigint', (col) => col.notNull())
    .addColumn('principal', 'text', (col) => col.notNull())
    .addColumn('principal_kind', 'text', (col) =>
      col.notNull().check(sql`principal_kind in ('user', 'robot', 'anonymous')`),
    )
    .addColumn('client_ip', 'text')
    .addColumn('method', 'text', (col) => col.notNull().check(sql`method in ('basic', 'bearer', 'session', 'token')`))
    .addColumn('outcome', 'text', (col) => col.notNull().check(sql`outcome in ('success', 'failure')`))
    .addColumn('reason', 'text')
    .execute();
  await db.schema.createIndex('auth_events_at_idx').on('auth_events').columns(['at', 'id']).execute();
  await db.schema.createIndex('auth_events_principal_idx').on('auth_events').columns(['principal', 'at']).execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('failures', 'integer', (col) => col.notNull())
    .addColumn('last_failure_at', 'bigint', (col) => col.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();
  await db.schema
    .createIndex('login_failures_last_failure_at_idx')
    .on('login_failures')
    .column('last_failure_at')
    .execute();
}

/** `library` (public), one private project per other first segment of existing repositories, and their links. */
async function migrateRepositories(db: Kysely<unknown>, dialect: SqlDialect, now: number): Promise<void> {
  await db.schema
    .alterTable('repositories')
    .addColumn('project_id', 'integer', (col) => col.references('projects.id'))
    .execute();
  await db.schema.createIndex('repositories_project_id_idx').on('repositories').column('project_id').execute();

  await sql`insert into projects (name, public, created_at, updated_at) values ('library', 1, ${now}, ${now})`.execute(
    db,
  );
  const segment = firstSegment(dialect);
  await sql`insert into projects (name, public, created_at, updated_at)
            select s.name, 0, s.created_at, cast(${now} as bigint)
            from (select ${segment} as name, min(repositories.created_at) as created_at
                  from repositories group by ${segment}) s
            where not exists (select 1 from projects p where p.name = s.name)
            order by s.name`.execute(db);
  await sql`update repositories set project_id = (select p.id from projects p where p.name = ${segment})`.execute(db);
}

async function seedSettings(db: Kysely<unknown>, now: number): Promise<void> {
  for (const [name, value] of Object.entries(seededSettings)) {
    await sql`insert into settings (name, value, updated_at) values (${name}, ${JSON.stringify(value)}, ${now})`.execute(
      db,
    );
  }
}

async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const now = Date.now();
  const work = async (tx: Kysely<unknown>) => {
    await createTables(tx, dialect);
    await migrateRepositories(tx, dialect, now);
    await seedSettings(tx, now);
  };
  // PostgreSQL: the migrator already runs each migration in a transaction. SQLite: Kysely does not, but SQLite's
  // DDL is transactional, so the data migration commits with the schema or not at all.
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('repositories_project_id_idx').execute();
  await db.schema.alterTable('repositories').dropColumn('project_id').execute();
  for (const table of [
    'login_failures',
    'auth_events',
    'settings',
    'robots',
    'project_members',
    'project_metadata',
    'projects',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

export const identitySchema: DialectMigration = { up, down };
