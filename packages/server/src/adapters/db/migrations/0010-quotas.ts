import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

/**
 * Project storage quotas (Harbor's `quota` and `quota_usage` rows, one table here): one row per project with its hard
 * storage limit in bytes (-1: unlimited) and the bytes it uses. Existing projects get the stored default
 * `storage_per_project` (-1 when unset) and their usage as the quota rule counts it (docs/architecture.md, Quotas):
 * the distinct digests linked to, or stored as manifests of, the project's repositories. The digest index on
 * manifests serves that rule's "is this digest already counted in the project" test.
 */
async function up(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('project_quotas')
      .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (col) =>
        dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
      )
      .addColumn('project_id', 'integer', (col) => col.notNull().unique().references('projects.id').onDelete('cascade'))
      .addColumn('hard', 'bigint', (col) => col.notNull())
      .addColumn('used', 'bigint', (col) => col.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('updated_at', 'bigint', (col) => col.notNull())
      .execute();
    await tx.schema.createIndex('manifests_digest_idx').on('manifests').column('digest').execute();
    const now = Date.now();
    const stored = await sql<{ value: string }>`select value from settings where name = 'storage_per_project'`.execute(
      tx,
    );
    const parsed = stored.rows[0] ? Number(JSON.parse(stored.rows[0].value)) : -1;
    const hard = Number.isInteger(parsed) && (parsed === -1 || parsed > 0) ? parsed : -1;
    await sql`
      insert into project_quotas (project_id, hard, used, created_at, updated_at)
      select p.id, ${hard},
        coalesce((select sum(b.size) from blobs b where b.digest in (
          select rb.digest from repository_blobs rb join repositories r on r.id = rb.repository_id
           where r.project_id = p.id
          union
          select m.digest from manifests m join repositories r on r.id = m.repository_id where r.project_id = p.id
        )), 0),
        ${now}, ${now}
      from projects p`.execute(tx);
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('manifests_digest_idx').execute();
  await db.schema.dropTable('project_quotas').execute();
}

export const quotasSchema: DialectMigration = { up, down };
