import { sql } from 'kysely';
import type { Kysely, Selectable, SelectQueryBuilder, SqlBool } from 'kysely';
import { NotFoundError } from '../../domain/errors.js';
import type {
  Page,
  PagedResult,
  RepositoryHit,
  RepositoryQuery,
  RepositoryRecord,
  RepositoryRecords,
  RepositorySearch,
  RepositorySortBy,
  RepositoryView,
} from '../../ports/metadata-store.js';
import type { Database, RepositoriesTable } from './database.js';
import { batches } from './batches.js';
import { isForeignKeyViolation } from './identity/constraint-errors.js';
import { containsIgnoringCase, countOf, pageBounds } from './identity/query-helpers.js';
import { LISTED_ARTIFACT, orderItems, valueMatches } from './view-sql.js';

function toRecord(row: Selectable<RepositoriesTable>): RepositoryRecord {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at) };
}

interface ViewRow {
  id: number;
  name: string;
  project_id: number | null;
  description: string;
  pull_count: number;
  created_at: number;
  updated_at: number | null;
  artifact_count: number | string;
  last_push: number | null;
  last_tag: number | null;
}

function toView(row: ViewRow): RepositoryView {
  const changed = row.updated_at ?? row.created_at;
  return {
    id: row.id,
    name: row.name,
    projectId: row.project_id ?? 0,
    description: row.description,
    artifactCount: Number(row.artifact_count),
    pullCount: row.pull_count,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(Math.max(changed, row.last_push ?? 0, row.last_tag ?? 0)),
  };
}

/** The update time of a view row (toView computes the same in memory). */
const UPDATE_TIME = sql`case
  when coalesce(v.last_push, 0) >= coalesce(v.last_tag, 0)
   and coalesce(v.last_push, 0) >= coalesce(v.updated_at, v.created_at) then v.last_push
  when coalesce(v.last_tag, 0) >= coalesce(v.updated_at, v.created_at) then v.last_tag
  else coalesce(v.updated_at, v.created_at) end`;

const REPOSITORY_SORT_COLUMNS = {
  id: sql`v.id`,
  name: sql`v.name`,
  creationTime: sql`v.created_at`,
  updateTime: UPDATE_TIME,
  pullCount: sql`v.pull_count`,
} satisfies Record<RepositorySortBy, unknown>;

export class KyselyRepositoryRecords implements RepositoryRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<RepositoryRecord | undefined> {
    const row = await this.db.selectFrom('repositories').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Creates the repository when absent, in the given project. The insert ignores a concurrent winner and reads its
   * committed row; a project deleted meanwhile makes the foreign key refuse it (NotFoundError).
   */
  async ensure(name: string, projectId: number): Promise<RepositoryRecord> {
    const existing = await this.get(name);
    if (existing) return existing;
    let inserted: Selectable<RepositoriesTable> | undefined;
    try {
      inserted = await this.db
        .insertInto('repositories')
        .values({ name, created_at: Date.now(), project_id: projectId })
        .onConflict((oc) => oc.column('name').doNothing())
        .returningAll()
        .executeTakeFirst();
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new NotFoundError('project', String(projectId));
      throw error;
    }
    if (inserted) return toRecord(inserted);
    // Lost the race: the conflicting row is committed and visible now.
    const winner = await this.get(name);
    if (!winner) throw new Error(`repository ${name} vanished while being ensured`);
    return winner;
  }

  async list(page: Page, projectIds?: readonly number[]): Promise<string[]> {
    if (projectIds?.length === 0) return [];
    let query = this.db.selectFrom('repositories').select('name');
    if (projectIds !== undefined) query = query.where('project_id', 'in', projectIds);
    if (page.last !== undefined) query = query.where('name', '>', page.last);
    const rows = await query.orderBy('name').limit(page.limit).execute();
    return rows.map((row) => row.name);
  }

  async search(query: RepositorySearch): Promise<RepositoryHit[]> {
    const { projectIds } = query;
    const limit = Math.max(0, query.limit);
    if (projectIds === undefined) return this.searchIn(query.name, undefined, limit);
    const parts = batches(projectIds);
    if (parts.length <= 1) return this.searchIn(query.name, parts[0] ?? [], limit);
    // Each batch is ordered and limited; merged in code-point order, which is the byte order of UTF-8 names.
    const found = (await Promise.all(parts.map((ids) => this.searchIn(query.name, ids, limit)))).flat();
    return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, limit);
  }

  private async searchIn(name: string, projectIds: readonly number[] | undefined, limit: number) {
    let found = this.db.selectFrom('repositories').select((eb) => [
      'repositories.id',
      'repositories.name',
      'repositories.project_id',
      'repositories.description',
      'repositories.pull_count',
      eb
        .selectFrom('manifests')
        .select((m) => m.fn.countAll<number | string>().as('n'))
        .whereRef('manifests.repository_id', '=', 'repositories.id')
        .as('artifact_count'),
    ]);
    if (name !== '') found = found.where((eb) => containsIgnoringCase(eb.ref('repositories.name'), name));
    if (projectIds !== undefined) {
      if (projectIds.length === 0) return [];
      found = found.where('repositories.project_id', 'in', projectIds);
    }
    const rows = await found.orderBy('repositories.name').limit(limit).execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      projectId: row.project_id ?? 0,
      description: row.description,
      artifactCount: Number(row.artifact_count ?? 0),
      pullCount: Number(row.pull_count),
    }));
  }

  async count(projectIds?: readonly number[]): Promise<number> {
    if (projectIds === undefined) {
      return countOf(
        await this.db
          .selectFrom('repositories')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirst(),
      );
    }
    let total = 0;
    for (const counted of (await this.countByProject(projectIds)).values()) total += counted;
    return total;
  }

  async countByProject(projectIds: readonly number[]): Promise<ReadonlyMap<number, number>> {
    const counts = new Map<number, number>();
    for (const ids of batches([...new Set(projectIds)])) {
      const rows = await this.db
        .selectFrom('repositories')
        .select((eb) => ['project_id', eb.fn.countAll<number | string>().as('n')])
        .where('project_id', 'in', ids)
        .groupBy('project_id')
        .execute();
      for (const row of rows) if (row.project_id !== null) counts.set(row.project_id, Number(row.n));
    }
    return counts;
  }

  async view(name: string): Promise<RepositoryView | undefined> {
    const row = await this.db
      .selectFrom(this.withViewColumns(this.db.selectFrom('repositories as r').where('r.name', '=', name)).as('v'))
      .selectAll()
      .executeTakeFirst();
    return row && toView(row);
  }

  async query(query: RepositoryQuery): Promise<PagedResult<RepositoryView>> {
    let filtered = this.db.selectFrom('repositories as r');
    const { projectIds, name } = query;
    if (projectIds !== undefined) {
      filtered =
        projectIds.length > 0
          ? filtered.where('r.project_id', 'in', [...projectIds])
          : filtered.where(sql<SqlBool>`1 = 0`);
    }
    if (name) filtered = filtered.where((eb) => valueMatches(eb.ref('r.name'), name));
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const order = orderItems(
      query.sort,
      [{ by: 'creationTime', direction: 'desc' }],
      REPOSITORY_SORT_COLUMNS,
      sql`v.id`,
    );
    const rows = await this.db
      .selectFrom(this.withViewColumns(filtered).as('v'))
      .selectAll()
      .orderBy(order)
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toView), total };
  }

  async setDescription(id: number, description: string): Promise<boolean> {
    const result = await this.db
      .updateTable('repositories')
      .set({ description, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Manifests, their references, tags and blob links go with the repository (foreign keys cascade). */
  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('repositories').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  private withViewColumns(repositories: SelectQueryBuilder<Database & { r: RepositoriesTable }, 'r', object>) {
    return repositories.select([
      'r.id',
      'r.name',
      'r.project_id',
      'r.description',
      'r.pull_count',
      'r.created_at',
      'r.updated_at',
      sql<number>`(select count(*) from manifests m where m.repository_id = r.id and ${LISTED_ARTIFACT})`.as(
        'artifact_count',
      ),
      sql<number | null>`(select max(mp.created_at) from manifests mp where mp.repository_id = r.id)`.as('last_push'),
      sql<number | null>`(select max(tp.updated_at) from tags tp where tp.repository_id = r.id)`.as('last_tag'),
    ]);
  }
}
