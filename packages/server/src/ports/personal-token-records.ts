import type { PagedResult, PageQuery } from './identity/paging.js';
import type { RobotPermission } from './identity/robot-records.js';

/**
 * A personal access token (tokens/): a user's own credential for CLIs and scripts, with a scope in the shape of a
 * robot's permission list. Only a hash of the secret is stored (SHA-256 of a high-entropy random secret; unique,
 * so that checking a presented secret is one indexed lookup).
 */
export interface PersonalTokenRecord {
  readonly id: number;
  readonly userId: number;
  /** The owner's username as stored now (joined). */
  readonly ownerName: string;
  readonly name: string;
  readonly description: string;
  /** What the token allows; project blocks are bound to the projects' ids when written (as robots' are). */
  readonly permissions: readonly RobotPermission[];
  readonly secretHash: string;
  /** The requested lifetime in days; null never expires. */
  readonly durationDays: number | null;
  /** Null never expires. */
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  /** When it last authenticated a request, to within a minute; null before its first use. */
  readonly lastUsedAt: Date | null;
}

export interface NewPersonalToken {
  readonly userId: number;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly RobotPermission[];
  readonly secretHash: string;
  readonly durationDays: number | null;
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
}

export interface PersonalTokenQuery extends PageQuery {
  /** One user's tokens. */
  readonly userId?: number;
  /** Owners whose name is this (`exact`) or contains it (ASCII case-insensitive). */
  readonly ownerName?: { readonly value: string; readonly exact: boolean };
}

/**
 * Personal access tokens, going with their user (deleted with it). Names are unique per user. Lists are ordered
 * by id, newest first.
 */
export interface PersonalTokenRecords {
  /** ConflictError when the user has a token of that name; NotFoundError when the user does not exist. */
  create(token: NewPersonalToken): Promise<PersonalTokenRecord>;
  get(id: number): Promise<PersonalTokenRecord | undefined>;
  /** The token whose secret hashes to `secretHash` (one indexed lookup). */
  getBySecretHash(secretHash: string): Promise<PersonalTokenRecord | undefined>;
  list(query: PersonalTokenQuery): Promise<PagedResult<PersonalTokenRecord>>;
  /** Sets the last use to `at` unless it was recorded after `notAfter` already; whether it wrote. */
  touch(id: number, at: Date, notAfter: Date): Promise<boolean>;
  delete(id: number): Promise<boolean>;
}
