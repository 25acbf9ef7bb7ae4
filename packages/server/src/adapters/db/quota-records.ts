import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { PagedResult } from '../../ports/identity-store.js';
import type {
  QuotaQuery,
  QuotaRecord,
  QuotaRecords,
  UsageChange,
  UsageRefusal,
  UsageRepair,
} from '../../ports/quota-records.js';
import type { Database } from './database.js';
import { batches } from './batches.js';
import { pageBounds } from './identity/query-helpers.js';

/**
 * Whether project `project` holds `digest` through a blob link or a manifest of one of its repositories, leaving
 * out the links (`exceptLinksOf`) or manifests (`exceptManifestsOf`) of one repository id. Both tests use the digest
 * indexes (repository_blobs_digest_idx, manifests_digest_idx), then the repository's primary key.
 */
function holds(
  project: RawBuilder<unknown>,
  digest: RawBuilder<unknown>,
  except: { links?: RawBuilder<unknown>; manifests?: RawBuilder<unknown> } = {},
): RawBuilder<SqlBool> {
  const notLinks = except.links ? sql`and hr.id <> ${except.links}` : sql``;
  const notManifests = except.manifests ? sql`and hm.id <> ${except.manifests}` : sql``;
  return sql<SqlBool>`(exists (select 1 from repository_blobs hb join repositories hr on hr.id = hb.repository_id
      where hb.digest = ${digest} and hr.project_id = ${project} ${notLinks})
    or exists (select 1 from manifests hmm join repositories hm on hm.id = hmm.repository_id
      where hmm.digest = ${digest} and hm.project_id = ${project} ${notManifests}))`;
}

const QUOTA_ROW = sql.ref('project_quotas.project_id');

interface ChangeRow {
  project_id: number;
  used: number | string;
  hard: number | string;
  delta: number | string;
}

function toChange(row: ChangeRow | undefined): UsageChange | undefined {
  return (
    row && {
      projectId: Number(row.project_id),
      used: Number(row.used),
      hard: Number(row.hard),
      delta: Number(row.delta),
    }
  );
}

const SORT_COLUMNS = {
  hard: 'q.hard',
  used: 'q.used',
  creationTime: 'q.created_at',
  id: 'q.id',
} as const;

export class KyselyQuotaRecords implements QuotaRecords {
  constructor(private readonly db: Kysely<Database>) {}

  private base() {
    return this.db
      .selectFrom('project_quotas as q')
      .innerJoin('projects as p', 'p.id', 'q.project_id')
      .leftJoin('users as u', (join) => join.onRef('u.id', '=', 'p.owner_id').on('u.deleted', '=', 0))
      .select([
        'q.id',
        'q.project_id',
        'p.name as project_name',
        'u.username as owner_name',
        'q.hard',
        'q.used',
        'q.created_at',
        'q.updated_at',
      ]);
  }

  async create(projectId: number, hard: number): Promise<void> {
    const now = Date.now();
    await this.db
      .insertInto('project_quotas')
      .values({ project_id: projectId, hard, used: 0, created_at: now, updated_at: now })
      .execute();
  }

  async get(id: number): Promise<QuotaRecord | undefined> {
    const row = await this.base().where('q.id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async ofProject(projectId: number): Promise<QuotaRecord | undefined> {
    const row = await this.base().where('q.project_id', '=', projectId).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: QuotaQuery): Promise<PagedResult<QuotaRecord>> {
    let filtered = this.base();
    if (query.projectId !== undefined) filtered = filtered.where('q.project_id', '=', query.projectId);
    const counted = await this.db
      .selectFrom('project_quotas as q')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .$if(query.projectId !== undefined, (qb) => qb.where('q.project_id', '=', query.projectId!))
      .executeTakeFirst();
    const { offset, limit } = pageBounds(query);
    let ordered = filtered;
    for (const item of query.sort ?? []) ordered = ordered.orderBy(SORT_COLUMNS[item.by], item.direction);
    const rows = await ordered.orderBy('q.id', 'asc').limit(limit).offset(offset).execute();
    return { items: rows.map(toRecord), total: Number(counted?.n ?? 0) };
  }

  async setHard(id: number, hard: number): Promise<boolean> {
    const result = await this.db
      .updateTable('project_quotas')
      .set({ hard, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async reserve(project: string, digest: string, size: number): Promise<UsageChange | UsageRefusal | undefined> {
    // The project's quota row is locked first, by a statement of its own: on PostgreSQL (READ COMMITTED) a writer
    // queued behind another one of the project then reads, in the next statement's fresh snapshot, the links and
    // manifests the other one committed, so two racing first pushes of one digest count it once. (An UPDATE that
    // waited re-reads only the row it changes, not what its sub-selects see.) On SQLite writers are serial anyway.
    await sql`update project_quotas set used = used
      where project_id = (select id from projects where name = ${project})`.execute(this.db);
    const added = sql`(case when ${holds(QUOTA_ROW, sql`${digest}`)} then 0 else cast(${size} as bigint) end)`;
    const result = await sql<ChangeRow>`update project_quotas
      set used = used + ${added}
      where project_id = (select id from projects where name = ${project})
        and (hard < 0 or used + ${added} <= hard)
      returning project_id, used, hard, ${added} as delta`.execute(this.db);
    const change = toChange(result.rows[0]);
    if (change) return change;
    // Refused, or no such project: the limit and usage for the error.
    const row = await this.db
      .selectFrom('project_quotas as q')
      .innerJoin('projects as p', 'p.id', 'q.project_id')
      .select(['q.project_id', 'q.used', 'q.hard'])
      .where('p.name', '=', project)
      .executeTakeFirst();
    return row && { refused: true, projectId: row.project_id, used: Number(row.used), hard: Number(row.hard) };
  }

  async releaseManifest(repository: string, digest: string): Promise<UsageChange | undefined> {
    const repo = sql`(select id from repositories where name = ${repository})`;
    const freed = sql`coalesce((select b.size from blobs b where b.digest = ${digest}
        and not ${holds(QUOTA_ROW, sql`${digest}`, { manifests: repo })}), 0)`;
    return this.subtract(repo, freed);
  }

  async releaseBlob(repository: string, digest: string): Promise<UsageChange | undefined> {
    const repo = sql`(select id from repositories where name = ${repository})`;
    const freed = sql`coalesce((select b.size from blobs b where b.digest = ${digest}
        and exists (select 1 from repository_blobs ob where ob.repository_id = ${repo} and ob.digest = ${digest})
        and not ${holds(QUOTA_ROW, sql`${digest}`, { links: repo })}), 0)`;
    return this.subtract(repo, freed);
  }

  async releaseCollected(digests: readonly string[]): Promise<number> {
    let changed = 0;
    for (const batch of batches([...new Set(digests)])) changed += await this.releaseCollectedBatch(batch);
    return changed;
  }

  private async releaseCollectedBatch(digests: readonly string[]): Promise<number> {
    const doomed = sql.join(digests.map((d) => sql`${d}`));
    const linkedIn = (project: RawBuilder<unknown>) => sql`exists (select 1 from repository_blobs rb
        join repositories r on r.id = rb.repository_id where rb.digest = b.digest and r.project_id = ${project})`;
    const freed = sql`coalesce((select sum(b.size) from blobs b where b.digest in (${doomed})
        and b.status = 'deleting' and ${linkedIn(sql.ref('project_quotas.project_id'))}), 0)`;
    const result = await sql`update project_quotas
      set used = case when used - ${freed} < 0 then 0 else used - ${freed} end
      where project_id in (select r.project_id from repository_blobs rb join repositories r on r.id = rb.repository_id
                           where rb.digest in (${doomed}))`.execute(this.db);
    return Number(result.numAffectedRows ?? 0n);
  }

  async releaseRepository(repository: string): Promise<UsageChange | undefined> {
    const repo = sql`(select id from repositories where name = ${repository})`;
    const freed = sql`coalesce((select sum(b.size) from blobs b
        where b.digest in (select ob.digest from repository_blobs ob where ob.repository_id = ${repo}
                           union select om.digest from manifests om where om.repository_id = ${repo})
          and not ${holds(QUOTA_ROW, sql.ref('b.digest'), { links: repo, manifests: repo })}), 0)`;
    return this.subtract(repo, freed);
  }

  /** One statement: lowers the repository's project's usage by `freed` (never below 0) and reports the change. */
  private async subtract(repo: RawBuilder<unknown>, freed: RawBuilder<unknown>): Promise<UsageChange | undefined> {
    // Locked first, as in reserve: a release queued behind a push then sees the link that push committed.
    await sql`update project_quotas set used = used
      where project_id = (select project_id from repositories where id = ${repo})`.execute(this.db);
    const result = await sql<ChangeRow>`update project_quotas
      set used = case when used - ${freed} < 0 then 0 else used - ${freed} end
      where project_id = (select project_id from repositories where id = ${repo})
      returning project_id, used, hard, 0 - ${freed} as delta`.execute(this.db);
    return toChange(result.rows[0]);
  }

  async recount(): Promise<UsageRepair[]> {
    const rows = await sql<{ project_id: number; name: string; used: number | string; actual: number | string }>`
      select q.project_id, p.name, q.used, coalesce((select sum(b.size) from blobs b where b.digest in (
          select rb.digest from repository_blobs rb join repositories r on r.id = rb.repository_id
           where r.project_id = q.project_id
          union
          select m.digest from manifests m join repositories r on r.id = m.repository_id
           where r.project_id = q.project_id)), 0) as actual
      from project_quotas q join projects p on p.id = q.project_id
      order by q.project_id`.execute(this.db);
    const repairs: UsageRepair[] = [];
    const now = Date.now();
    for (const row of rows.rows) {
      const before = Number(row.used);
      const after = Number(row.actual);
      if (before === after) continue;
      // Only when still the value read: a concurrent write's reservation is not overwritten (the next recount
      // repairs what is left).
      const updated = await this.db
        .updateTable('project_quotas')
        .set({ used: after, updated_at: now })
        .where('project_id', '=', row.project_id)
        .where('used', '=', before)
        .executeTakeFirst();
      if (updated.numUpdatedRows > 0n)
        repairs.push({ projectId: Number(row.project_id), projectName: row.name, before, after });
    }
    return repairs;
  }
}

function toRecord(row: {
  id: number;
  project_id: number;
  project_name: string;
  owner_name: string | null;
  hard: number;
  used: number;
  created_at: number;
  updated_at: number;
}): QuotaRecord {
  return {
    id: Number(row.id),
    projectId: row.project_id,
    projectName: row.project_name,
    ownerName: row.owner_name ?? undefined,
    hard: Number(row.hard),
    used: Number(row.used),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}
