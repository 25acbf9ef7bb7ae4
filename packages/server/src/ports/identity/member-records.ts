import type { ProjectRoleId } from '../../domain/rbac/roles.js';
import type { PagedResult, PageQuery } from './paging.js';

export type { ProjectRoleId } from '../../domain/rbac/roles.js';

/** As in Harbor's project_member.entity_type: `u` a user id, `g` a user group id (ports/identity/user-group-records.ts). */
export type MemberEntityType = 'u' | 'g';

export interface MemberRecord {
  readonly id: number;
  readonly projectId: number;
  readonly entityType: MemberEntityType;
  readonly entityId: number;
  /** The username of a user, the name of a group. */
  readonly entityName: string | null;
  readonly roleId: ProjectRoleId;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewMember {
  readonly projectId: number;
  readonly entityType: MemberEntityType;
  readonly entityId: number;
  readonly roleId: ProjectRoleId;
}

export interface MemberQuery extends PageQuery {
  /** Substring of the entity name, ASCII case-insensitive. */
  readonly entityName?: string;
  readonly entityType?: MemberEntityType;
}

/** A role a user holds in a project, directly (`u`) or through one of its groups (`g`). */
export interface MemberRole {
  readonly projectId: number;
  readonly projectName: string;
  readonly roleId: ProjectRoleId;
  readonly via: MemberEntityType;
}

export interface MemberRecords {
  /** ConflictError when the entity already is a member; NotFoundError when the project does not exist. */
  add(member: NewMember): Promise<MemberRecord>;
  get(projectId: number, memberId: number): Promise<MemberRecord | undefined>;
  find(projectId: number, entityType: MemberEntityType, entityId: number): Promise<MemberRecord | undefined>;
  /** False when no such member. */
  updateRole(projectId: number, memberId: number, roleId: ProjectRoleId): Promise<boolean>;
  remove(projectId: number, memberId: number): Promise<boolean>;
  /** Ordered by entity type, entity name, id. */
  list(projectId: number, query: MemberQuery): Promise<PagedResult<MemberRecord>>;
  /** How many members (users and groups) hold each role in the project; roles nobody holds are absent. */
  countByRole(projectId: number): Promise<ReadonlyMap<ProjectRoleId, number>>;
  /**
   * Every role of the user and of the given groups over all projects, ordered by project name; `'stored'`: the groups
   * the user is in (UserGroupRecords.setMemberships), in the same query.
   */
  rolesOf(userId: number, groupIds?: readonly number[] | 'stored'): Promise<MemberRole[]>;
}
