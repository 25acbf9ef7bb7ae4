import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
import type {
  LabelAttachment,
  LabelChange,
  LabelQuery,
  LabelRecord,
  LabelRecords,
  LabelSortBy,
  NewLabel,
} from '../../ports/label-records.js';
import type { PagedResult } from '../../ports/identity/paging.js';
import type { Database, LabelsTable } from './database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './identity/constraint-errors.js';
import { containsIgnoringCase, countOf, pageBounds } from './identity/query-helpers.js';

type Row = Omit<LabelsTable, 'id'> & { id: number };

function toLabel(row: Row): LabelRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    color: row.color,
    scope: row.scope,
    projectId: row.project_id ?? undefined,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
}

const SORT_COLUMNS: Readonly<Record<LabelSortBy, 'id' | 'name' | 'created_at' | 'updated_at'>> = {
  id: 'id',
  name: 'name',
  creationTime: 'created_at',
  updateTime: 'updated_at',
};

function conflictOr(error: unknown, name: string): unknown {
  return uniqueViolationColumns(error) === undefined ? error : new ConflictError(`label ${name} already exists`);
}

export class KyselyLabelRecords implements LabelRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(label: NewLabel, at: Date): Promise<LabelRecord> {
    try {
      const row = await this.db
        .insertInto('labels')
        .values({
          name: label.name,
          description: label.description,
          color: label.color,
          scope: label.scope,
          project_id: label.scope === 'p' ? (label.projectId ?? null) : null,
          created_at: at.getTime(),
          updated_at: at.getTime(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toLabel(row);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new NotFoundError('project', String(label.projectId), `project ${label.projectId} not found`);
      }
      throw conflictOr(error, label.name);
    }
  }

  async get(id: number): Promise<LabelRecord | undefined> {
    const row = await this.db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toLabel(row);
  }

  async query(query: LabelQuery): Promise<PagedResult<LabelRecord>> {
    let base = this.db.selectFrom('labels').where('scope', '=', query.scope);
    if (query.projectId !== undefined) base = base.where('project_id', '=', query.projectId);
    if (query.nameContains !== undefined && query.nameContains !== '') {
      const needle = query.nameContains;
      base = base.where((eb) => containsIgnoringCase(eb.ref('name'), needle));
    }
    if (query.name !== undefined) base = base.where('name', '=', query.name);
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    let rows = base.selectAll();
    for (const { by, direction } of query.sort ?? []) rows = rows.orderBy(SORT_COLUMNS[by], direction);
    const items = await rows.orderBy('id').limit(limit).offset(offset).execute();
    return { items: items.map(toLabel), total };
  }

  async update(id: number, change: LabelChange, at: Date): Promise<boolean> {
    try {
      const result = await this.db
        .updateTable('labels')
        .set({ name: change.name, description: change.description, color: change.color, updated_at: at.getTime() })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    } catch (error) {
      throw conflictOr(error, change.name);
    }
  }

  async delete(id: number): Promise<boolean> {
    // Attachments go with the label (on delete cascade).
    const result = await this.db.deleteFrom('labels').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async attach(labelId: number, manifestId: number, at: Date): Promise<boolean> {
    const result = await this.db
      .insertInto('label_references')
      .values({ label_id: labelId, manifest_id: manifestId, created_at: at.getTime() })
      .onConflict((oc) => oc.columns(['label_id', 'manifest_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async detach(labelId: number, manifestId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('label_references')
      .where('label_id', '=', labelId)
      .where('manifest_id', '=', manifestId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async ofManifests(manifestIds: readonly number[]): Promise<LabelAttachment[]> {
    if (manifestIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('label_references')
      .innerJoin('labels', 'labels.id', 'label_references.label_id')
      .selectAll('labels')
      .select('label_references.manifest_id')
      .where('label_references.manifest_id', 'in', [...manifestIds])
      .orderBy('labels.id')
      .orderBy('label_references.manifest_id')
      .execute();
    return rows.map((row) => ({ manifestId: row.manifest_id, label: toLabel(row) }));
  }

  async idsOfManifests(manifestIds: readonly number[]): Promise<Map<number, number[]>> {
    const ids = new Map<number, number[]>();
    if (manifestIds.length === 0) return ids;
    const rows = await this.db
      .selectFrom('label_references')
      .select(['manifest_id', 'label_id'])
      .where('manifest_id', 'in', [...manifestIds])
      .orderBy('label_id')
      .execute();
    for (const row of rows) {
      const list = ids.get(row.manifest_id);
      if (list) list.push(row.label_id);
      else ids.set(row.manifest_id, [row.label_id]);
    }
    return ids;
  }
}
