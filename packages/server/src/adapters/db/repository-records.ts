import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../domain/errors.js';
import { projectNameOf } from '../../lib/reference.js';
import type {
  Page,
  RepositoryMatch,
  RepositoryRecord,
  RepositoryRecords,
  RepositorySearch,
} from '../../ports/metadata-store.js';
import type { Database, RepositoriesTable } from './database.js';
import { containsIgnoringCase } from './identity/query-helpers.js';

function toRecord(row: Selectable<RepositoriesTable>): RepositoryRecord {
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at) };
}

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
      artifactCount: Number(row.artifact_count ?? 0),
    }));
  }
}
