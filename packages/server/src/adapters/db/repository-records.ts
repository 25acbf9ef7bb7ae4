import { sql } from 'kysely';
import type { Kysely, Selectable, SelectQueryBuilder, SqlBool } from 'kysely';
import { NotFoundError } from '../../domain/errors.js';
import { projectNameOf } from '../../lib/reference.js';
import type {
  Page,
  PagedResult,
  RepositoryMatch,
  RepositoryQuery,
  RepositoryRecord,
  RepositoryRecords,
  RepositorySearch,
  RepositorySortBy,
  RepositoryView,
} from '../../ports/metadata-store.js';
import type { Database, RepositoriesTable } from './database.js';
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
   * Creates the repository when absent, in the project named by its first path segment; NotFoundError when that
   * project does not exist (projects are created through the management API). The insert ignores a concurrent
   * winner and reads its committed row.
   */
  async ensure(name: string): Promise<RepositoryRecord> {
    const existing = await this.get(name);
    if (existing) return existing;
    const projectId = await this.projectId(projectNameOf(name));
    const inserted = await this.db
      .insertInto('repositories')
      .values({ name, created_at: Date.now(), project_id: projectId })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return toRecord(inserted);
    // Lost the race: the conflicting row is committed and visible now.
    const winner = await this.get(name);
    if (!winner) throw new Error(`repository ${name} vanished while being ensured`);
    return winner;
  }

  private async projectId(projectName: string): Promise<number> {
    const project = await this.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', projectName)
      .executeTakeFirst();
    if (!project) throw new NotFoundError('project', projectName, `project ${projectName} does not exist`);
    return project.id;
  }

  async list(page: Page, projectIds?: readonly number[]): Promise<string[]> {
    if (projectIds?.length === 0) return [];
    let query = this.db.selectFrom('repositories').select('name');
    if (projectIds !== undefined) query = query.where('project_id', 'in', projectIds);
    if (page.last !== undefined) query = query.where('name', '>', page.last);
    const rows = await query.orderBy('name').limit(page.limit).execute();
    return rows.map((row) => row.name);
  }

  async search(query: RepositorySearch): Promise<RepositoryMatch[]> {
    let found = this.db
      .selectFrom('repositories')
      .innerJoin('projects', 'projects.id', 'repositories.project_id')
      .select((eb) => [
        'repositories.id',
        'repositories.name',
        'repositories.description',
        'repositories.pull_count',
        'projects.id as project_id',
        'projects.name as project_name',
        'projects.public as project_public',
        eb
          .selectFrom('manifests')
          .select((m) => m.fn.countAll<number | string>().as('n'))
          .whereRef('manifests.repository_id', '=', 'repositories.id')
          .as('artifact_count'),
      ]);
    if (query.name !== '') found = found.where((eb) => containsIgnoringCase(eb.ref('repositories.name'), query.name));
    const { visibleIn } = query;
    if (visibleIn) {
      found = found.where((eb) =>
        eb.or([
          eb('projects.public', '=', 1),
          ...(visibleIn.projectIds.length > 0 ? [eb('projects.id', 'in', visibleIn.projectIds)] : []),
        ]),
      );
    }
    const rows = await found.orderBy('repositories.name').limit(Math.max(0, query.limit)).execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      projectId: row.project_id,
      projectName: row.project_name,
      projectPublic: row.project_public === 1,
      description: row.description,
      artifactCount: Number(row.artifact_count ?? 0),
      pullCount: Number(row.pull_count),
    }));
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
