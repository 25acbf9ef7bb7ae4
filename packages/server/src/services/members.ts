import { InvalidError, NotFoundError, PermissionDeniedError } from '../domain/errors.js';
import { PROJECT_ROLE_IDS, PROJECT_ROLE_LABELS, roleFromId, type ProjectRoleId } from '../domain/rbac/roles.js';
import type { MemberRecord, PagedResult, PageQuery, UserGroupRecord, UserRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, type SecurityContext } from './authenticator.js';
import { accessProject, type ProjectLocator } from './project-visibility.js';

export interface MemberListQuery extends PageQuery {
  /** Substring of the member's name. */
  readonly entityName?: string;
}

/** A ProjectMember body with its fields' types checked (http/api/member-body.ts). */
export interface MemberRequest {
  readonly roleId?: number;
  /** `member_group`, when given: an existing group by `id`, or one named by type and name (LDAP: its DN). */
  readonly group?: MemberGroupRequest;
  /** From `member_user`: its `user_id` (preferred, as in Harbor) or `username`. */
  readonly userId?: number;
  readonly username?: string;
}

export interface MemberGroupRequest {
  readonly id?: number;
  readonly name?: string;
  readonly type?: number;
  readonly ldapDn?: string;
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

const ROLE_CHOICES = Object.entries(PROJECT_ROLE_IDS)
  .sort(([, a], [, b]) => a - b)
  .map(([role, id]) => `${id} (${PROJECT_ROLE_LABELS[role as keyof typeof PROJECT_ROLE_IDS]})`)
  .join(', ');

/** The roles `role_id` may name, for messages. */
export function roleChoices(): string {
  return ROLE_CHOICES;
}

/** Harbor's `role_id`: one of the five project roles. */
function roleIdOf(value: number | undefined): ProjectRoleId {
  const role = value === undefined ? undefined : roleFromId(value);
  if (!role) throw invalid(`role_id must be one of ${ROLE_CHOICES}`);
  return PROJECT_ROLE_IDS[role];
}

/**
 * Project members (Harbor's member API): users with one of the five roles. Every call is decided by the evaluator
 * on the project's `member` resource. Nobody changes or removes their own membership (as in Harbor's portal), so
 * a project admin cannot lock themselves out by mistake; another project admin or a system administrator can.
 * A member may be a user group (LDAP, HTTP or OIDC): its members hold its role (services/authenticator.ts).
 */
export class MemberService {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
  ) {}

  async list(ctx: SecurityContext, at: ProjectLocator, query: MemberListQuery): Promise<PagedResult<MemberRecord>> {
    const project = await accessProject(this.identity, ctx, at, 'member', 'list');
    return this.identity.members.list(project.id, query);
  }

  async get(ctx: SecurityContext, at: ProjectLocator, memberId: number): Promise<MemberRecord> {
    const project = await accessProject(this.identity, ctx, at, 'member', 'read');
    const member = await this.identity.members.get(project.id, memberId);
    if (!member) throw new NotFoundError('member', String(memberId), `project member ${memberId} not found`);
    return member;
  }

  /** Adds the user the request names with the role it names. */
  async add(ctx: SecurityContext, at: ProjectLocator, request: MemberRequest): Promise<MemberRecord> {
    const project = await accessProject(this.identity, ctx, at, 'member', 'create');
    const roleId = roleIdOf(request.roleId);
    if (request.group) return this.addGroup(ctx, project.id, request.group, roleId);
    const user = await this.userOf(request);
    return this.work.run(async ({ tx, emit }) => {
      const member = await tx.members.add({ projectId: project.id, entityType: 'u', entityId: user.id, roleId });
      emit(
        { type: 'member.added', projectId: project.id, memberId: member.id, entity: user.username, roleId },
        operatorOf(ctx),
      );
      return member;
    });
  }

  async updateRole(
    ctx: SecurityContext,
    at: ProjectLocator,
    memberId: number,
    requestedRoleId: number | undefined,
  ): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'member', 'update');
    const roleId = roleIdOf(requestedRoleId);
    const member = await this.identity.members.get(project.id, memberId);
    if (!member) throw new NotFoundError('member', String(memberId), `project member ${memberId} not found`);
    this.refuseSelf(ctx, member, 'change your own role');
    await this.work.run(async ({ tx, emit }) => {
      await tx.members.updateRole(project.id, memberId, roleId);
      emit(
        { type: 'member.updated', projectId: project.id, memberId, entity: member.entityName ?? '', roleId },
        operatorOf(ctx),
      );
    });
  }

  /** Removing a member that does not exist succeeds, as in Harbor. */
  async remove(ctx: SecurityContext, at: ProjectLocator, memberId: number): Promise<void> {
    const project = await accessProject(this.identity, ctx, at, 'member', 'delete');
    const member = await this.identity.members.get(project.id, memberId);
    if (!member) return;
    this.refuseSelf(ctx, member, 'remove yourself from the project');
    await this.work.run(async ({ tx, emit }) => {
      await tx.members.remove(project.id, memberId);
      emit(
        { type: 'member.removed', projectId: project.id, memberId, entity: member.entityName ?? '' },
        operatorOf(ctx),
      );
    });
  }

  /**
   * Adds a group: an existing one by `id`, else the group of that type and name (LDAP: DN), created when it is not
   * known yet (as Harbor does, so a group can be granted a role before any of its members has logged in).
   */
  private async addGroup(
    ctx: SecurityContext,
    projectId: number,
    request: MemberGroupRequest,
    roleId: ProjectRoleId,
  ): Promise<MemberRecord> {
    let group: UserGroupRecord | undefined;
    if (request.id !== undefined) {
      group = await this.identity.userGroups.get(request.id);
      if (!group) throw invalid(`user group ${request.id} not found`);
    } else {
      const type = request.type;
      if (type !== 1 && type !== 2 && type !== 3) {
        throw invalid('member_group needs an id, or a group_type (1 LDAP, 2 HTTP, 3 OIDC) and a group_name');
      }
      if (type === 1 && !request.ldapDn) throw invalid('an LDAP member_group needs its ldap_group_dn');
      const name = request.name ?? (type === 1 ? request.ldapDn : undefined);
      if (!name) throw invalid('member_group needs a group_name');
      [group] = await this.identity.userGroups.ensure([
        { type, name, ...(type === 1 && request.ldapDn && { ldapDn: request.ldapDn }) },
      ]);
    }
    const { id, name } = group!;
    return this.work.run(async ({ tx, emit }) => {
      const member = await tx.members.add({ projectId, entityType: 'g', entityId: id, roleId });
      emit({ type: 'member.added', projectId, memberId: member.id, entity: name, roleId }, operatorOf(ctx));
      return member;
    });
  }

  /** The user `member_user` names by `user_id` (preferred, as in Harbor) or `username`; 400 when unknown. */
  private async userOf({ userId: id, username }: MemberRequest): Promise<UserRecord> {
    if (id !== undefined) {
      const user = await this.identity.users.get(id);
      if (!user) throw invalid(`user ${id} not found`);
      return user;
    }
    if (username !== undefined) {
      const user = await this.identity.users.getByName(username);
      if (!user) throw invalid(`user ${username} not found`);
      return user;
    }
    throw invalid('member_user with a user_id or a username is required');
  }

  private refuseSelf(ctx: SecurityContext, member: MemberRecord, what: string): void {
    if (ctx.kind === 'user' && member.entityType === 'u' && member.entityId === ctx.user.id) {
      throw new PermissionDeniedError(`you cannot ${what}`);
    }
  }
}
