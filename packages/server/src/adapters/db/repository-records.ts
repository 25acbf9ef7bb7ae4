import type { Kysely, Selectable } from 'kysely';
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

/** The project a repository belongs to: the first segment of its name. */
export function projectNameOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}

export class KyselyRepositoryRecords implements RepositoryRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<RepositoryRecord | undefined> {
    const row = await this.db.selectFrom('repositories').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  /**
   * Creates the repository when absent, in the project named by its first path segment; that project is created
   * (private) when it does not exist yet. Both inserts ignore a concurrent winner and read its committed row.
   */
  async ensure(name: string): Promise<RepositoryRecord> {
    const existing = await this.get(name);
    if (existing) return existing;
    const projectId = await this.ensureProject(projectNameOf(name));
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

  private async ensureProject(projectName: string): Promise<number> {
    const now = Date.now();
    const inserted = await this.db
      .insertInto('projects')
      .values({ name: projectName, public: 0, owner_id: null, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return inserted.id;
    const existing = await this.db
      .selectFrom('projects')
      .select('id')
      .where('name', '=', projectName)
      .executeTakeFirst();
    if (!existing) throw new Error(`project ${projectName} vanished while being ensured`);
    return existing.id;
  }

  async list(page: Page): Promise<string[]> {
    let query = this.db.selectFrom('repositories').select('name');
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
