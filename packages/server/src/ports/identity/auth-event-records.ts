import type { PagedResult, PageQuery } from './paging.js';

export type PrincipalKind = 'user' | 'robot' | 'anonymous';
export type AuthMethod = 'basic' | 'bearer' | 'session' | 'token';
export type AuthOutcome = 'success' | 'failure';

/** One authentication decision. */
export interface AuthEventRecord {
  readonly id: number;
  readonly at: Date;
  /** The claimed username or robot name; empty for anonymous requests. */
  readonly principal: string;
  readonly principalKind: PrincipalKind;
  readonly clientIp: string | null;
  readonly method: AuthMethod;
  readonly outcome: AuthOutcome;
  /** Why it failed (or a note on success); null when there is nothing to say. */
  readonly reason: string | null;
}

export type NewAuthEvent = Omit<AuthEventRecord, 'id'>;

export interface AuthEventQuery extends PageQuery {
  readonly principal?: string;
  readonly outcome?: AuthOutcome;
}

/** The record of every authentication decision (the audit log of a later step builds on it). */
export interface AuthEventRecords {
  record(event: NewAuthEvent): Promise<AuthEventRecord>;
  /** Newest first. */
  list(query: AuthEventQuery): Promise<PagedResult<AuthEventRecord>>;
  /** Deletes events older than `before`; returns how many. */
  purgeBefore(before: Date): Promise<number>;
}
