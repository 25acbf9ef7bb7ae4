import type { PagedResult, PageQuery, SortDirection } from './paging.js';

export interface UserRecord {
  readonly id: number;
  readonly username: string;
  readonly email: string | null;
  readonly realname: string;
  readonly comment: string;
  /** Self-describing hash (scrypt/argon2id with its parameters); null for users without a local password. */
  readonly passwordHash: string | null;
  readonly sysadmin: boolean;
  /**
   * The identity provider made the user an administrator at their last login (an LDAP group admin DN, an OIDC admin
   * group): Harbor's `admin_role_in_auth`. The user's rights are those of an administrator while either is true.
   */
  readonly adminRoleInAuth: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewUser {
  readonly username: string;
  readonly email?: string | null;
  readonly realname?: string;
  readonly comment?: string;
  readonly passwordHash?: string | null;
  readonly sysadmin?: boolean;
}

export interface UserProfile {
  readonly email?: string | null;
  readonly realname?: string;
  readonly comment?: string;
}

/** A text filter: `exact` compares byte-wise, otherwise a substring matches ASCII case-insensitively. */
export interface TextMatch {
  readonly value: string;
  readonly exact: boolean;
}

export interface UserQuery extends PageQuery {
  /** Substring of the username or email, ASCII case-insensitive. */
  readonly q?: string;
  readonly username?: TextMatch;
  readonly email?: TextMatch;
  /** Default: id ascending. */
  readonly sort?: { readonly by: 'id' | 'username' | 'email' | 'createdAt'; readonly direction: SortDirection };
}

/**
 * Users. Deletion is soft, as in Harbor: the row stays (ids held by projects, robots and audit records keep
 * resolving), is marked deleted, and its username and email get a `#<id>` suffix so both can be registered
 * again; its password hash is cleared and its memberships are removed. Deleted users are invisible to every
 * method. Usernames must therefore not contain `#` (the service validates this; Harbor forbids it too).
 */
export interface UserRecords {
  /** ConflictError when the username or email is taken. */
  create(user: NewUser): Promise<UserRecord>;
  get(id: number): Promise<UserRecord | undefined>;
  getByName(username: string): Promise<UserRecord | undefined>;
  getByEmail(email: string): Promise<UserRecord | undefined>;
  list(query: UserQuery): Promise<PagedResult<UserRecord>>;
  /** Undefined when the user does not exist; ConflictError when the email is taken. */
  updateProfile(id: number, profile: UserProfile): Promise<UserRecord | undefined>;
  /** False when the user does not exist. */
  setPasswordHash(id: number, passwordHash: string | null): Promise<boolean>;
  setSysadmin(id: number, sysadmin: boolean): Promise<boolean>;
  /** Sets what the identity provider said at the last login; false when the user does not exist. */
  setAdminRoleInAuth(id: number, admin: boolean): Promise<boolean>;
  /** Soft delete (see above); false when the user does not exist. */
  delete(id: number): Promise<boolean>;
  /** Live users other than `username` (the bootstrap administrator): auth_mode is frozen once this is > 0. */
  countOtherThan(username: string): Promise<number>;
}
