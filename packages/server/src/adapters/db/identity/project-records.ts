import { sql, type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool } from 'kysely';
import { ConflictError } from '../../../domain/errors.js';
import type {
  NewProject,
  PagedResult,
  ProjectFilter,
  ProjectQuery,
  ProjectRecord,
  ProjectRecords,
  ProjectUpdate,
} from '../../../ports/identity-store.js';
import { batches } from '../batches.js';
import type { Database, ProjectsTable } from '../database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, inTransaction, pageBounds, toFlag } from './query-helpers.js';

const SORT_COLUMNS = { name: 'name', id: 'id', createdAt: 'created_at', updatedAt: 'updated_at' } as const;

const NOTHING = sql<SqlBool>`1 = 0`;

/** The condition of `filter` on the projects table (an empty filter matches every project). */
function projectFilter(filter: ProjectFilter) {
  return (eb: ExpressionBuilder<Database, 'projects'>): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [];
    const { name, names, ids, visibleTo } = filter;
    if (name !== undefined && name !== '') conditions.push(containsIgnoringCase(eb.ref('projects.name'), name));
    if (names !== undefined) conditions.push(names.length > 0 ? eb('projects.name', 'in', names) : NOTHING);
    if (ids !== undefined) conditions.push(ids.length > 0 ? eb('projects.id', 'in', ids) : NOTHING);
    if (filter.public !== undefined) conditions.push(eb('projects.public', '=', toFlag(filter.public)));
    if (filter.ownerId !== undefined) conditions.push(eb('projects.owner_id', '=', filter.ownerId));
    if (visibleTo !== undefined)
      conditions.push(eb.or([eb('projects.public', '=', 1), ...visibleThrough(eb, visibleTo)]));
    return eb.and(conditions);
  };
}

/** The ways a non-public project is visible to a principal: membership of the user or its groups, or listed. */
function visibleThrough(
  eb: ExpressionBuilder<Database, 'projects'>,
  { userId, groupIds = [], projectIds = [] }: NonNullable<ProjectFilter['visibleTo']>,
): Expression<SqlBool>[] {
  const ways: Expression<SqlBool>[] = [];
  if (projectIds.length > 0) ways.push(eb('projects.id', 'in', projectIds));
  if (userId !== undefined || groupIds.length > 0) {
    ways.push(
      eb.exists(
        eb
          .selectFrom('project_members')
          .select('project_members.id')
          .whereRef('project_members.project_id', '=', 'projects.id')
          .where((m) =>
            m.or([
              ...(userId !== undefined ? [m.and([m('entity_type', '=', 'u'), m('entity_id', '=', userId)])] : []),
              ...(groupIds.length > 0 ? [m.and([m('entity_type', '=', 'g'), m('entity_id', 'in', groupIds)])] : []),
            ]),
          ),
      ),
    );
  }
  return ways;
}

function toRecord(row: Selectable<ProjectsTable>, metadata: Record<string, string>): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.owner_id,
    public: row.public === 1,
    metadata,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export class KyselyProjectRecords implements ProjectRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(project: NewProject): Promise<ProjectRecord> {
    const now = Date.now();
    try {
      return await inTransaction(this.db, async (tx) => {
        const row = await tx
          .insertInto('projects')
          .values({
            name: project.name,
            owner_id: project.ownerId ?? null,
            public: toFlag(project.public),
            created_at: now,
            updated_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const metadata = { ...project.metadata };
        const entries = Object.entries(metadata);
        if (entries.length > 0) {
          await tx
            .insertInto('project_metadata')
            .values(entries.map(([name, value]) => ({ project_id: row.id, name, value })))
            .execute();
        }
        return toRecord(row, metadata);
      });
    } catch (error) {
      if (uniqueViolationColumns(error)?.includes('name')) {
        throw new ConflictError(`project ${project.name} already exists`);
      }
      throw error;
    }
  }

  async get(id: number): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row, (await this.metadataOf([row.id])).get(row.id) ?? {});
  }

  async getByName(name: string): Promise<ProjectRecord | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row, (await this.metadataOf([row.id])).get(row.id) ?? {});
  }

  async list(query: ProjectQuery): Promise<PagedResult<ProjectRecord>> {
    const filtered = this.db.selectFrom('projects').where(projectFilter(query));
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    let ordered = filtered.selectAll();
    for (const { by, direction } of query.sort ?? [{ by: 'name', direction: 'asc' }]) {
      ordered = ordered.orderBy(SORT_COLUMNS[by], direction);
    }
    const rows = await ordered.orderBy('id').limit(limit).offset(offset).execute();
    const metadata = await this.metadataOf(rows.map((row) => row.id));
    return { items: rows.map((row) => toRecord(row, metadata.get(row.id) ?? {})), total };
  }

  async count(filter: ProjectFilter): Promise<number> {
    return countOf(
      await this.db
        .selectFrom('projects')
        .where(projectFilter(filter))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    );
  }

  async ids(filter: ProjectFilter): Promise<number[]> {
    const rows = await this.db.selectFrom('projects').select('id').where(projectFilter(filter)).orderBy('id').execute();
    return rows.map((row) => row.id);
  }

  async update(id: number, update: ProjectUpdate): Promise<ProjectRecord | undefined> {
    return inTransaction(this.db, async (tx) => {
      const updated = await tx
        .updateTable('projects')
        .set({ ...(update.public !== undefined && { public: toFlag(update.public) }), updated_at: Date.now() })
        .where('id', '=', id)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return undefined;
      const entries = Object.entries(update.metadata ?? {});
      const removed = entries.filter(([, value]) => value === null).map(([name]) => name);
      const stored = entries.flatMap(([name, value]) => (value === null ? [] : [{ project_id: id, name, value }]));
      if (removed.length > 0) {
        await tx.deleteFrom('project_metadata').where('project_id', '=', id).where('name', 'in', removed).execute();
      }
      if (stored.length > 0) {
        await tx
          .insertInto('project_metadata')
          .values(stored)
          .onConflict((oc) =>
            oc.columns(['project_id', 'name']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
          )
          .execute();
      }
      return new KyselyProjectRecords(tx).get(id);
    });
  }

  async delete(id: number): Promise<boolean> {
    const project = await this.db.selectFrom('projects').select('name').where('id', '=', id).executeTakeFirst();
    if (!project) return false;
    try {
      const deleted = await this.db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
      // Members, project robots and metadata go with it (on delete cascade).
      return deleted.numDeletedRows > 0n;
    } catch (error) {
      // A repository still belongs to it: the foreign key refuses the delete.
      if (isForeignKeyViolation(error)) throw new ConflictError(`project ${project.name} is not empty`);
      throw error;
    }
  }

  private async metadataOf(projectIds: readonly number[]): Promise<Map<number, Record<string, string>>> {
    const byProject = new Map<number, Record<string, string>>();
    if (projectIds.length === 0) return byProject;
    const rows = [];
    for (const batch of batches(projectIds)) {
      rows.push(
        ...(await this.db.selectFrom('project_metadata').selectAll().where('project_id', 'in', batch).execute()),
      );
    }
    for (const row of rows) {
      const metadata = byProject.get(row.project_id) ?? {};
      metadata[row.name] = row.value;
      byProject.set(row.project_id, metadata);
    }
    return byProject;
  }
}
