import type { SortKey, ValueMatch } from './metadata-queries.js';

/**
 * The audit log's records (audit/): who did what, when, from where, and whether it succeeded. One Kysely
 * implementation serves SQLite and PostgreSQL (adapters/db/audit-records.ts), specified by
 * adapters/db/audit-records.suite.ts. Times are milliseconds since the epoch.
 */
export interface AuditRecord {
  readonly id: number;
  readonly opTime: number;
  /** The user's name, the robot's full name, `anonymous`, or the system job's name. */
  readonly username: string;
  readonly operatorKind: 'user' | 'robot' | 'anonymous' | 'system';
  readonly clientIp: string | null;
  /** Harbor's operation: create, delete, update, pull, login, logout. */
  readonly operation: string;
  /** Harbor's ext event type: `<operation>_<resource type>`, e.g. create_artifact. */
  readonly eventType: string;
  readonly description: string;
  readonly resource: string;
  readonly resourceType: string;
  readonly success: boolean;
  /** The project of project-scoped records. */
  readonly projectId: number | null;
}

export interface NewAuditRecord extends Omit<AuditRecord, 'id'> {
  /** Identifies the event it records: a second record with the same key is not added (at-least-once delivery). */
  readonly key?: string | undefined;
}

export type AuditSortBy = 'id' | 'opTime' | 'username' | 'operation' | 'resource' | 'resourceType';

export interface AuditQuery {
  /** Only records of these projects; every record when undefined. */
  readonly projectIds?: readonly number[] | undefined;
  /** Only these resource types (the legacy `/audit-logs` view). */
  readonly resourceTypes?: readonly string[] | undefined;
  readonly username?: ValueMatch | undefined;
  readonly operation?: ValueMatch | undefined;
  readonly eventType?: ValueMatch | undefined;
  readonly resource?: ValueMatch | undefined;
  readonly resourceType?: ValueMatch | undefined;
  /** Inclusive bounds of `opTime`. */
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  /** Default: newest first. */
  readonly sort?: readonly SortKey<AuditSortBy>[] | undefined;
  readonly page: number;
  readonly pageSize: number;
}

export interface AuditRecords {
  /** Adds records (one statement per batch); keys already present are skipped. Returns how many were added. */
  append(records: readonly NewAuditRecord[]): Promise<number>;
  list(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }>;
  /**
   * Deletes (or with `dryRun` only counts) the records older than `before` whose event type is one of
   * `eventTypes`; returns how many.
   */
  purge(before: number, eventTypes: readonly string[], dryRun: boolean): Promise<number>;
}
