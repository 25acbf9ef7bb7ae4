import type { AuditRecords } from './audit-records.js';
import type { GarbageRecords } from './garbage.js';
import type { IdentityRepositories } from './identity-store.js';
import type { ImmutableRuleRecords } from './immutable-rule-records.js';
import type { LabelRecords } from './label-records.js';
import type { MetadataRepositories } from './metadata-store.js';
import type { OutboxRecords } from './outbox.js';
import type { PasswordResetRecords } from './password-reset-records.js';
import type { PersonalTokenRecords } from './personal-token-records.js';
import type { QuotaRecords } from './quota-records.js';
import type { RetentionRecords } from './retention-records.js';
import type { TagHistoryRecords } from './tag-history-records.js';
import type { WebhookRecords } from './webhook-records.js';

/**
 * Every aggregate's records, bound to one connection or to one open transaction. The record files stay one per
 * aggregate (ports/metadata-store.ts: repositories, blobs, manifests, tags, uploads, pulls; ports/identity-store.ts:
 * users, projects, members, robots, settings, sessions, authentication records); none of them reaches into another
 * aggregate's tables behind this port.
 */
export interface StoreRecords extends MetadataRepositories, IdentityRepositories {
  /** Domain events recorded with the change they describe (ports/outbox.ts). */
  readonly outbox: OutboxRecords;
  /** What garbage collection reads and marks (ports/garbage.ts). */
  readonly garbage: GarbageRecords;
  /** Immutable tag rules of projects (ports/immutable-rule-records.ts). */
  readonly immutableRules: ImmutableRuleRecords;
  /** Labels and their attachment to artifacts (ports/label-records.ts). */
  readonly labels: LabelRecords;
  /** Project storage quotas (ports/quota-records.ts). */
  readonly quotas: QuotaRecords;
  /** Tag retention policies and their tasks' counts (ports/retention-records.ts). */
  readonly retention: RetentionRecords;
  /** Tag history and what it holds for restore (ports/tag-history-records.ts). */
  readonly tagHistory: TagHistoryRecords;
  /** Webhook policies of projects and their last triggers (ports/webhook-records.ts). */
  readonly webhooks: WebhookRecords;
  /** The audit log (ports/audit-records.ts). */
  readonly audit: AuditRecords;
  /** Password reset links sent by e-mail (ports/password-reset-records.ts). */
  readonly passwordResets: PasswordResetRecords;
  /** Users' personal access tokens (ports/personal-token-records.ts). */
  readonly personalTokens: PersonalTokenRecords;
}

/**
 * The database port: one store over one database, with one transaction for every aggregate. A unit of work that
 * changes a project, its repositories and the events they record commits all of it or none. One Kysely
 * implementation serves SQLite and PostgreSQL (adapters/db); every implementation passes the shared suites
 * adapters/db/metadata-store.suite.ts and adapters/db/identity/identity-store.suite.ts.
 *
 * Unique violations throw ConflictError, references to a missing project NotFoundError (domain/errors.ts).
 * Timestamps are Dates with millisecond precision; ids are numbers; names compare byte-wise (C collation).
 */
export interface Store extends StoreRecords {
  /**
   * Runs `work` in one transaction: all of it commits, or none. Inside, use only the records handed to `work` (on
   * SQLite the store's own records would wait for the one connection the transaction holds). Transactions do not
   * nest: code that may run inside one takes the records (`StoreRecords`) as a parameter.
   */
  transaction<T>(work: (tx: StoreRecords) => Promise<T>): Promise<T>;
  /** Applies pending schema migrations; returns the names of those applied. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}
