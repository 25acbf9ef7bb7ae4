import type { PagedResult, PageQuery } from './paging.js';

export type PrincipalKind = 'user' | 'robot' | 'anonymous';
export type AuthMethod = 'basic' | 'bearer' | 'session' | 'token';
export type AuthOutcome = 'success' | 'failure';
/**
 * Where the credentials were presented: the portal login (`session`), the management API (`api`), the registry's
 * /v2 (`registry`) or the Docker token service (`token`). Null on events recorded before migration 0004-sessions.
 */
export type AuthChannel = 'session' | 'api' | 'registry' | 'token';

/** One authentication decision. */
export interface AuthEventRecord {
  readonly id: number;
  readonly at: Date;
  /** The claimed username or robot name; empty for anonymous requests. */
  readonly principal: string;
  readonly principalKind: PrincipalKind;
  readonly clientIp: string | null;
  readonly method: AuthMethod;
  readonly channel: AuthChannel | null;
  readonly outcome: AuthOutcome;
  /** Why it failed (or a note on success); null when there is nothing to say. */
  readonly reason: string | null;
}

export type NewAuthEvent = Omit<AuthEventRecord, 'id' | 'channel'> & { readonly channel?: AuthChannel | null };

export interface AuthEventQuery extends PageQuery {
  readonly principal?: string;
  readonly outcome?: AuthOutcome;
  readonly channel?: AuthChannel;
}

/** The record of every authentication decision (the audit log of a later step builds on it). */
export interface AuthEventRecords {
  record(event: NewAuthEvent): Promise<AuthEventRecord>;
  /** Newest first. */
  list(query: AuthEventQuery): Promise<PagedResult<AuthEventRecord>>;
  /** Deletes events older than `before`; returns how many. */
  purgeBefore(before: Date): Promise<number>;
}
