import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import type {
  NewRobot,
  PagedResult,
  RobotPermission,
  RobotQuery,
  RobotRecord,
  RobotRecords,
  RobotUpdate,
} from '../../../ports/identity-store.js';
import type { Database, RobotsTable } from '../database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, pageBounds, toFlag } from './query-helpers.js';

function parsePermissions(json: string, robotId: number): RobotPermission[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new Error(`robot ${robotId} has malformed permissions`);
  return parsed as RobotPermission[];
}

function toRecord(row: Selectable<RobotsTable>): RobotRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    level: row.level,
    projectId: row.project_id,
    permissions: parsePermissions(row.permissions, row.id),
    secretHash: row.secret_hash,
    disabled: row.disabled === 1,
    durationDays: row.duration_days,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    creator: row.creator,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * Binds every block naming one project (kind `project`, not `*`) to that project's id as stored now (0 when there is
 * no such project: the block applies nowhere), so that a later project of the same name is not covered.
 */
export async function bindPermissions(
  db: Kysely<Database>,
  permissions: readonly RobotPermission[],
): Promise<RobotPermission[]> {
  const names = [
    ...new Set(permissions.filter((p) => p.kind === 'project' && p.namespace !== '*').map((p) => p.namespace)),
  ];
  const rows = names.length
    ? await db.selectFrom('projects').select(['id', 'name']).where('name', 'in', names).execute()
    : [];
  const ids = new Map(rows.map((row) => [row.name, row.id]));
  return permissions.map((p) => {
    const { projectId: _ignored, ...block } = p;
    return p.kind === 'project' && p.namespace !== '*' ? { ...block, projectId: ids.get(p.namespace) ?? 0 } : block;
  });
}

const sortColumns = { id: 'id', name: 'name', createdAt: 'created_at', updatedAt: 'updated_at' } as const;

export class KyselyRobotRecords implements RobotRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async create(robot: NewRobot): Promise<RobotRecord> {
    if ((robot.level === 'project') !== (robot.projectId !== null)) {
      throw new TypeError(`a ${robot.level} robot ${robot.level === 'project' ? 'needs' : 'has no'} project`);
    }
    const now = Date.now();
    try {
      const row = await this.db
        .insertInto('robots')
        .values({
          name: robot.name,
          description: robot.description ?? '',
          level: robot.level,
          project_id: robot.projectId,
          permissions: JSON.stringify(await bindPermissions(this.db, robot.permissions)),
          secret_hash: robot.secretHash,
          disabled: toFlag(robot.disabled ?? false),
          duration_days: robot.durationDays,
          expires_at: robot.expiresAt === null ? null : robot.expiresAt.getTime(),
          creator: robot.creator ?? null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    } catch (error) {
      if (uniqueViolationColumns(error)?.includes('name'))
        throw new ConflictError(`robot ${robot.name} already exists`);
      if (isForeignKeyViolation(error)) throw new NotFoundError('project', String(robot.projectId));
      throw error;
    }
  }

  async get(id: number): Promise<RobotRecord | undefined> {
    const row = await this.db.selectFrom('robots').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async getByName(name: string): Promise<RobotRecord | undefined> {
    const row = await this.db.selectFrom('robots').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toRecord(row);
  }

  async list(query: RobotQuery): Promise<PagedResult<RobotRecord>> {
    let filtered = this.db.selectFrom('robots');
    const { name } = query;
    if (query.level !== undefined) filtered = filtered.where('level', '=', query.level);
    if (query.projectId !== undefined) filtered = filtered.where('project_id', '=', query.projectId);
    if (name !== undefined && name !== '')
      filtered = filtered.where((eb) => containsIgnoringCase(eb.ref('name'), name));
    if (query.exactName !== undefined) filtered = filtered.where('name', '=', query.exactName);
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const sort = query.sort ?? { by: 'name', direction: 'asc' };
    const rows = await filtered
      .selectAll()
      .orderBy(sortColumns[sort.by], sort.direction)
      .orderBy('id', sort.direction)
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRecord), total };
  }

  async update(id: number, update: RobotUpdate): Promise<RobotRecord | undefined> {
    const { expiresAt } = update;
    const permissions = update.permissions && (await bindPermissions(this.db, update.permissions));
    const row = await this.db
      .updateTable('robots')
      .set({
        ...(update.description !== undefined && { description: update.description }),
        ...(permissions !== undefined && { permissions: JSON.stringify(permissions) }),
        ...(update.disabled !== undefined && { disabled: toFlag(update.disabled) }),
        ...(update.durationDays !== undefined && { duration_days: update.durationDays }),
        ...(expiresAt !== undefined && { expires_at: expiresAt === null ? null : expiresAt.getTime() }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async setSecretHash(id: number, secretHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable('robots')
      .set({ secret_hash: secretHash, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(id: number): Promise<boolean> {
    const result = await this.db.deleteFrom('robots').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
