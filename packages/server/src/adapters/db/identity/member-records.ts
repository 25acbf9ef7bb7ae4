import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import type {
  MemberEntityType,
  MemberQuery,
  MemberRecord,
  MemberRecords,
  MemberRole,
  NewMember,
  PagedResult,
  ProjectRoleId,
} from '../../../ports/identity-store.js';
import type { Database } from '../database.js';
import { isForeignKeyViolation, uniqueViolationColumns } from './constraint-errors.js';
import { containsIgnoringCase, countOf, pageBounds } from './query-helpers.js';

interface MemberRow {
  id: number;
  project_id: number;
  entity_type: MemberEntityType;
  entity_id: number;
  entity_name: string | null;
  role_id: number;
  created_at: number;
  updated_at: number;
}

function toRecord(row: MemberRow): MemberRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    entityType: row.entity_type,
    entityId: row.entity_id,
    entityName: row.entity_name,
    roleId: row.role_id as ProjectRoleId,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export class KyselyMemberRecords implements MemberRecords {
  constructor(private readonly db: Kysely<Database>) {}

  /** Members of one project with the name of their entity (a user's name, a group's name). */
  private members(projectId: number) {
    return this.db
      .selectFrom('project_members')
      .leftJoin('users', (join) =>
        join.onRef('users.id', '=', 'project_members.entity_id').on('project_members.entity_type', '=', 'u'),
      )
      .leftJoin('user_groups', (join) =>
        join.onRef('user_groups.id', '=', 'project_members.entity_id').on('project_members.entity_type', '=', 'g'),
      )
      .where('project_members.project_id', '=', projectId);
  }

  private withColumns(query: ReturnType<KyselyMemberRecords['members']>) {
    return query.select([
      'project_members.id',
      'project_members.project_id',
      'project_members.entity_type',
      'project_members.entity_id',
      (eb) => eb.fn.coalesce('users.username', 'user_groups.group_name').as('entity_name'),
      'project_members.role_id',
      'project_members.created_at',
      'project_members.updated_at',
    ]);
  }

  async add(member: NewMember): Promise<MemberRecord> {
    const now = Date.now();
    if (member.entityType === 'u') {
      const user = await this.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', member.entityId)
        .where('deleted', '=', 0)
        .executeTakeFirst();
      if (!user) throw new NotFoundError('user', String(member.entityId));
    } else {
      const group = await this.db
        .selectFrom('user_groups')
        .select('id')
        .where('id', '=', member.entityId)
        .executeTakeFirst();
      if (!group) throw new NotFoundError('user-group', String(member.entityId));
    }
    let id: number;
    try {
      const row = await this.db
        .insertInto('project_members')
        .values({
          project_id: member.projectId,
          entity_type: member.entityType,
          entity_id: member.entityId,
          role_id: member.roleId,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    } catch (error) {
      if (uniqueViolationColumns(error) !== undefined) {
        const entity = member.entityType === 'u' ? 'user' : 'group';
        throw new ConflictError(`${entity} ${member.entityId} already is a member of project ${member.projectId}`);
      }
      if (isForeignKeyViolation(error)) throw new NotFoundError('project', String(member.projectId));
      throw error;
    }
    const added = await this.get(member.projectId, id);
    if (!added) throw new Error(`project member ${id} vanished after being added`);
    return added;
  }

  async get(projectId: number, memberId: number): Promise<MemberRecord | undefined> {
    const row = await this.withColumns(this.members(projectId))
      .where('project_members.id', '=', memberId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async find(projectId: number, entityType: MemberEntityType, entityId: number): Promise<MemberRecord | undefined> {
    const row = await this.withColumns(this.members(projectId))
      .where('project_members.entity_type', '=', entityType)
      .where('project_members.entity_id', '=', entityId)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async updateRole(projectId: number, memberId: number, roleId: ProjectRoleId): Promise<boolean> {
    const result = await this.db
      .updateTable('project_members')
      .set({ role_id: roleId, updated_at: Date.now() })
      .where('project_id', '=', projectId)
      .where('id', '=', memberId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async remove(projectId: number, memberId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('project_members')
      .where('project_id', '=', projectId)
      .where('id', '=', memberId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async list(projectId: number, query: MemberQuery): Promise<PagedResult<MemberRecord>> {
    let filtered = this.members(projectId);
    const { entityName, entityType } = query;
    if (entityType !== undefined) filtered = filtered.where('project_members.entity_type', '=', entityType);
    if (entityName !== undefined && entityName !== '') {
      filtered = filtered.where((eb) =>
        containsIgnoringCase(eb.fn.coalesce('users.username', 'user_groups.group_name'), entityName),
      );
    }
    const total = countOf(await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const { offset, limit } = pageBounds(query);
    const rows = await this.withColumns(filtered)
      .orderBy('project_members.entity_type')
      .orderBy((eb) => eb.fn.coalesce('users.username', 'user_groups.group_name'))
      .orderBy('project_members.id')
      .limit(limit)
      .offset(offset)
      .execute();
    return { items: rows.map(toRecord), total };
  }

  async countByRole(projectId: number): Promise<ReadonlyMap<ProjectRoleId, number>> {
    const rows = await this.db
      .selectFrom('project_members')
      .select(['role_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId)
      .groupBy('role_id')
      .execute();
    return new Map(rows.map((row) => [row.role_id as ProjectRoleId, countOf(row)]));
  }

  async rolesOf(userId: number, groupIds: readonly number[] | 'stored' = []): Promise<MemberRole[]> {
    const rows = await this.db
      .selectFrom('project_members')
      .innerJoin('projects', 'projects.id', 'project_members.project_id')
      .select(['project_members.project_id', 'projects.name', 'project_members.role_id', 'project_members.entity_type'])
      .where((eb) =>
        eb.or([
          eb.and([eb('project_members.entity_type', '=', 'u'), eb('project_members.entity_id', '=', userId)]),
          ...(groupIds === 'stored'
            ? [
                eb.and([
                  eb('project_members.entity_type', '=', 'g'),
                  eb(
                    'project_members.entity_id',
                    'in',
                    eb.selectFrom('user_group_members').select('group_id').where('user_id', '=', userId),
                  ),
                ]),
              ]
            : groupIds.length > 0
              ? [eb.and([eb('project_members.entity_type', '=', 'g'), eb('project_members.entity_id', 'in', groupIds)])]
              : []),
        ]),
      )
      .orderBy('projects.name')
      .orderBy('project_members.entity_type', 'desc')
      .orderBy('project_members.role_id')
      .execute();
    return rows.map((row) => ({
      projectId: row.project_id,
      projectName: row.name,
      roleId: row.role_id as ProjectRoleId,
      via: row.entity_type,
    }));
  }
}
