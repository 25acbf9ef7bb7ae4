import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../database.js';
import type { DialectMigration } from './dialect-migration.js';

/**
 * What the management API shows about repositories and artifacts beyond the registry's own needs:
 *
 * - repositories: `description`, `pull_count` and `updated_at` (set when the description changes);
 * - manifests: `artifact_media_type` (Harbor's artifact media type: the config's for image manifests, the index's
 *   own or declared one for indexes; recorded at push) and `pulled_at`;
 * - tags: a stable integer `id` (Harbor's tag id) and `pulled_at`.
 *
 * Manifests pushed before this migration get their artifact media type from what was recorded then: an image
 * manifest's `artifact_type` (its `artifactType`, else its config media type) and an index's own media type.
 */
const IMAGE_MANIFESTS = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

async function addColumns(db: Kysely<unknown>): Promise<void> {
  await sql`alter table repositories add column description text not null default ''`.execute(db);
  await sql`alter table repositories add column pull_count bigint not null default 0`.execute(db);
  await sql`alter table repositories add column updated_at bigint`.execute(db);
  await sql`alter table manifests add column artifact_media_type text`.execute(db);
  await sql`alter table manifests add column pulled_at bigint`.execute(db);
  await sql`update manifests set artifact_media_type =
              case when media_type in (${sql.join(IMAGE_MANIFESTS)}) then coalesce(artifact_type, media_type)
                   else media_type end`.execute(db);
}

/** PostgreSQL adds an identity column in place, numbering the existing rows. */
async function addTagIdPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tags add column id integer generated always as identity`.execute(db);
  await sql`alter table tags add constraint tags_id_unique unique (id)`.execute(db);
  await sql`alter table tags add column pulled_at bigint`.execute(db);
}

/** SQLite cannot add an autoincrement column: the table is rebuilt with `id` as its key. */
async function addTagIdSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`create table tags_new (
              id integer primary key autoincrement,
              repository_id integer not null references repositories (id) on delete cascade,
              name text not null,
              manifest_id integer not null references manifests (id) on delete cascade,
              updated_at bigint not null,
              pulled_at bigint,
              constraint tags_repository_name_unique unique (repository_id, name))`.execute(db);
  await sql`insert into tags_new (repository_id, name, manifest_id, updated_at)
            select repository_id, name, manifest_id, updated_at from tags
            order by updated_at, repository_id, name`.execute(db);
  await sql`drop table tags`.execute(db);
  await sql`alter table tags_new rename to tags`.execute(db);
  await sql`create index tags_manifest_id_idx on tags (manifest_id)`.execute(db);
}

async function up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await addColumns(tx);
    await (dialect === 'postgres' ? addTagIdPostgres(tx) : addTagIdSqlite(tx));
  };
  // As in 0002: PostgreSQL's migrator already runs in a transaction; SQLite's DDL is transactional.
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table tags drop column pulled_at`.execute(db);
    await sql`alter table tags drop column id`.execute(db);
  } else {
    await sql`create table tags_old (
                repository_id integer not null references repositories (id) on delete cascade,
                name text not null,
                manifest_id integer not null references manifests (id) on delete cascade,
                updated_at bigint not null,
                constraint tags_pk primary key (repository_id, name))`.execute(db);
    await sql`insert into tags_old select repository_id, name, manifest_id, updated_at from tags`.execute(db);
    await sql`drop table tags`.execute(db);
    await sql`alter table tags_old rename to tags`.execute(db);
    await sql`create index tags_manifest_id_idx on tags (manifest_id)`.execute(db);
  }
  for (const [table, column] of [
    ['manifests', 'pulled_at'],
    ['manifests', 'artifact_media_type'],
    ['repositories', 'updated_at'],
    ['repositories', 'pull_count'],
    ['repositories', 'description'],
  ] as const) {
    await db.schema.alterTable(table).dropColumn(column).execute();
  }
}

export const artifactActivitySchema: DialectMigration = { up, down };
