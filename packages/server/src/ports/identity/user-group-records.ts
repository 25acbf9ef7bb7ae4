import type { ExternalGroup, GroupType } from '../identity-provider.js';
import type { PagedResult, PageQuery } from './paging.js';

/** A user group (Harbor's UserGroup): an LDAP group by its DN, an HTTP or OIDC group by its name. */
export interface UserGroupRecord {
  readonly id: number;
  readonly name: string;
  readonly type: GroupType;
  /** LDAP groups only; null for the others. */
  readonly ldapDn: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUserGroup {
  readonly name: string;
  readonly type: GroupType;
  /** Required for LDAP groups (type 1), ignored for the others. */
  readonly ldapDn?: string | null;
}

export interface UserGroupQuery extends PageQuery {
  /** Substring of the name, ASCII case-insensitive. */
  readonly name?: string;
  readonly type?: GroupType;
  /** Exact DN (compared case-insensitively, as DNs are). */
  readonly ldapDn?: string;
}

/**
 * User groups and who is in them. A group is identified within its type by its DN (LDAP, case-insensitive) or its
 * name (HTTP, OIDC): creating one that exists is a ConflictError. Deleting a group removes its project memberships
 * and its members' memberships.
 */
export interface UserGroupRecords {
  create(group: NewUserGroup): Promise<UserGroupRecord>;
  get(id: number): Promise<UserGroupRecord | undefined>;
  /** Ordered by id. */
  list(query: UserGroupQuery): Promise<PagedResult<UserGroupRecord>>;
  /** Undefined when there is no such group; ConflictError when an HTTP or OIDC group of that name exists. */
  rename(id: number, name: string): Promise<UserGroupRecord | undefined>;
  delete(id: number): Promise<boolean>;
  /** The records of the given groups, created if missing (one statement each; concurrent logins are safe). */
  ensure(groups: readonly ExternalGroup[]): Promise<UserGroupRecord[]>;
  /** Sets the groups the user is in to exactly these. */
  setMemberships(userId: number, groupIds: readonly number[]): Promise<void>;
  /** The groups the user is in, ordered by id. */
  groupsOf(userId: number): Promise<UserGroupRecord[]>;
}
