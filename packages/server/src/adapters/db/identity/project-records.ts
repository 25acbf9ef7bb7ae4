import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../../../domain/errors.js';
import type {
  NewProject,
  PagedResult,
  ProjectQuery,
  ProjectRecord,
  ProjectRecords,
  ProjectUpdate,
} from '../../../ports/identity-store.js';
import { batches } from '../batches.js';
import type { Database, ProjectsTable } from '../database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, inTransaction, pageBounds, toFlag } from './query-helpers.js';

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
    let filtered = this.db.selectFrom('projects');
    const { name, visibleTo } = query;
    if (name !== undefined && name !== '')
      filtered = filtered.where((eb) => containsIgnoringCase(eb.ref('name'), name));
    if (query.public !== undefined) filtered = filtered.where('public', '=', toFlag(query.public));
    if (query.ownerId !== undefined) filtered = filtered.where('owner_id', '=', query.ownerId);
    if (visibleTo !== undefined) {
      const groupIds = visibleTo.groupIds ?? [];
      filtered = filtered.where((eb) =>
        eb.or([
          eb('public', '=', 1),
          eb.exists(
            eb
              .selectFrom('project_members')
              .select('project_members.id')
              .whereRef('project_members.project_id', '=', 'projects.id')
              .where((m) =>
                m.or([
                  m.and([m('entity_type', '=', 'u'), m('entity_id', '=', visibleTo.userId)]),
                  ...(groupIds.length > 0 ? [m.and([m('entity_type', '=', 'g'), m('entity_id', 'in', groupIds)])] : []),
                ]),
              ),
          ),
        ]),
      );
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await filtered.selectAll().orderBy('name').limit(limit).offset(offset).execute();
    const metadata = await this.metadataOf(rows.map((row) => row.id));
    return { items: rows.map((row) => toRecord(row, metadata.get(row.id) ?? {})), total };
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
    try {
      return await inTransaction(this.db, async (tx) => {
        const project = await tx.selectFrom('projects').select('name').where('id', '=', id).executeTakeFirst();
        if (!project) return false;
        const repositories = await new KyselyProjectRecords(tx).repositoryCount(id);
        if (repositories > 0) {
          throw new ConflictError(`project ${project.name} is not empty: it holds ${repositories} repositories`);
        }
        // Members, project robots and metadata go with it (on delete cascade).
        await tx.deleteFrom('projects').where('id', '=', id).execute();
        return true;
      });
    } catch (error) {
      // A repository created in the project meanwhile: the foreign key refuses the delete.
      if (isForeignKeyViolation(error)) throw new ConflictError(`project ${id} is not empty`);
      throw error;
    }
  }

  async repositoryCount(id: number): Promise<number> {
    const row = await this.db
      .selectFrom('repositories')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', id)
      .executeTakeFirst();
    return countOf(row);
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
