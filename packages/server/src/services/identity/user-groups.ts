import { InvalidError, NotFoundError } from '../../domain/errors.js';
import type { GroupType } from '../../ports/identity-provider.js';
import type { PagedResult, PageQuery, UserGroupQuery, UserGroupRecord } from '../../ports/identity-store.js';
import type { Store } from '../../ports/store.js';
import type { SecurityContext } from '../authenticator.js';
import { authorize } from '../project-access.js';
import { UnauthenticatedError } from '../../domain/errors.js';

/** A UserGroup body with its fields' types checked (http/api/user-group-routes.ts). */
export interface UserGroupInput {
  readonly name?: string;
  readonly type?: number;
  readonly ldapDn?: string;
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

const MAX_NAME = 255;

function groupTypeOf(type: number | undefined): GroupType {
  if (type !== 1 && type !== 2 && type !== 3) throw invalid('group_type must be 1 (LDAP), 2 (HTTP) or 3 (OIDC)');
  return type;
}

function nameOf(name: string | undefined): string {
  const trimmed = name?.trim() ?? '';
  if (trimmed === '' || trimmed.length > MAX_NAME) throw invalid(`group_name must be 1 to ${MAX_NAME} characters`);
  return trimmed;
}

/**
 * Harbor's user groups (`/usergroups`): managed by system administrators (the system resource `user-group`);
 * searching by name is open to every authenticated caller, so project admins can add groups as members. Groups
 * are also created by logins (services/identity/external-users.ts) and by adding a group member that is not known
 * yet (services/members.ts).
 */
export class UserGroupService {
  constructor(private readonly identity: Store) {}

  async list(ctx: SecurityContext, query: UserGroupQuery): Promise<PagedResult<UserGroupRecord>> {
    authorize(ctx, undefined, 'user-group', 'list');
    return this.identity.userGroups.list(query);
  }

  async search(ctx: SecurityContext, name: string, page: PageQuery): Promise<PagedResult<UserGroupRecord>> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    return this.identity.userGroups.list({ ...page, name });
  }

  async get(ctx: SecurityContext, id: number): Promise<UserGroupRecord> {
    authorize(ctx, undefined, 'user-group', 'read');
    const group = await this.identity.userGroups.get(id);
    if (!group) throw new NotFoundError('user-group', String(id), `user group ${id} not found`);
    return group;
  }

  /** ConflictError (409) when a group of the type with that name (LDAP: DN) exists. */
  async create(ctx: SecurityContext, input: UserGroupInput): Promise<UserGroupRecord> {
    authorize(ctx, undefined, 'user-group', 'create');
    const type = groupTypeOf(input.type);
    if (type === 1) {
      const ldapDn = input.ldapDn?.trim() ?? '';
      if (ldapDn === '') throw invalid('an LDAP group (group_type 1) needs its ldap_group_dn');
      return this.identity.userGroups.create({ type, name: nameOf(input.name ?? ldapDn), ldapDn });
    }
    return this.identity.userGroups.create({ type, name: nameOf(input.name) });
  }

  /** Only the name changes, as in Harbor. */
  async rename(ctx: SecurityContext, id: number, name: string | undefined): Promise<UserGroupRecord> {
    authorize(ctx, undefined, 'user-group', 'update');
    const renamed = await this.identity.userGroups.rename(id, nameOf(name));
    if (!renamed) throw new NotFoundError('user-group', String(id), `user group ${id} not found`);
    return renamed;
  }

  /** Removes the group, its project memberships and who is in it; 404 when there is no such group. */
  async delete(ctx: SecurityContext, id: number): Promise<void> {
    authorize(ctx, undefined, 'user-group', 'delete');
    if (!(await this.identity.userGroups.delete(id))) {
      throw new NotFoundError('user-group', String(id), `user group ${id} not found`);
    }
  }
}
