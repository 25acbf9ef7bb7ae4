/**
 * Domain events: what happened to Wharf's state, in the words of the domain. The registry core and the management
 * services record them inside the transaction that makes the change (the outbox), and subscribers receive them
 * after commit (events/). Audit logs, webhooks, notifications, scan-on-push and replication triggers are
 * subscribers; none of them is called by the code that makes the change.
 *
 * Events are plain JSON-serialisable objects: they are stored, replayed after a crash and sent to other systems.
 */

/** Where a request-driven change came from: the audit log's client address, distribution's notification `request`. */
export interface RequestOrigin {
  /** The client's address (behind trusted proxies, the forwarded one). */
  readonly clientIp: string;
  /** The request's id, as in the server log. */
  readonly requestId?: string | undefined;
  readonly userAgent?: string | undefined;
  /** The Host the request named. */
  readonly host?: string | undefined;
  readonly method?: string | undefined;
}

/** Who made a change: a user, a robot account, an anonymous caller (public pulls) or Wharf itself (jobs). */
export interface Operator {
  readonly kind: 'user' | 'robot' | 'anonymous' | 'system';
  /** The username, the robot's full name, `anonymous`, or the system job's name. */
  readonly name: string;
  readonly id?: number | undefined;
  /** The request that asked for the change; absent for work no request drives (jobs). */
  readonly origin?: RequestOrigin | undefined;
}

/** The operator of work that no request drives (background jobs, purges, replication). */
export function systemOperator(job: string): Operator {
  return { kind: 'system', name: job };
}

interface ArtifactRef {
  /** The full repository name, project first. */
  readonly repository: string;
  readonly digest: string;
}

/** A manifest was stored (pushed through /v2, replicated, or cached by a proxy). */
export interface ArtifactPushed extends ArtifactRef {
  readonly type: 'artifact.pushed';
  readonly mediaType: string;
  readonly artifactType?: string | undefined;
  /** The tag the push named, when it named one. */
  readonly tag?: string | undefined;
  readonly size: number;
  readonly subject?: string | undefined;
}

/** A manifest was removed with its tags. */
export interface ArtifactDeleted extends ArtifactRef {
  readonly type: 'artifact.deleted';
  readonly mediaType: string;
  readonly tags: readonly string[];
}

/** A manifest was served by GET. Transient: high volume, never stored in the outbox. */
export interface ArtifactPulled extends ArtifactRef {
  readonly type: 'artifact.pulled';
  readonly manifestId: number;
  readonly repositoryId: number;
  readonly tag?: string | undefined;
  /** The manifest's media type and size in bytes (distribution's pull notification carries them). */
  readonly mediaType?: string | undefined;
  readonly size?: number | undefined;
}

/** A tag was created or moved to another manifest (`previous` is the digest it pointed at). */
export interface TagPut extends ArtifactRef {
  readonly type: 'tag.created' | 'tag.moved';
  readonly tag: string;
  readonly previous?: string | undefined;
}

export interface TagDeleted extends ArtifactRef {
  readonly type: 'tag.deleted';
  readonly tag: string;
}

export interface RepositoryDeleted {
  readonly type: 'repository.deleted';
  readonly repository: string;
}

export interface ProjectEvent {
  readonly type: 'project.created' | 'project.updated' | 'project.deleted';
  readonly projectId: number;
  readonly project: string;
}

export interface MemberEvent {
  readonly type: 'member.added' | 'member.updated' | 'member.removed';
  readonly projectId: number;
  readonly memberId: number;
  readonly entity: string;
  readonly roleId?: number | undefined;
}

export interface RobotEvent {
  readonly type: 'robot.created' | 'robot.updated' | 'robot.deleted';
  readonly robotId: number;
  readonly robot: string;
}

export interface UserEvent {
  readonly type: 'user.created' | 'user.updated' | 'user.deleted' | 'user.password_changed';
  readonly userId: number;
  readonly username: string;
}

export interface ConfigurationUpdated {
  readonly type: 'configuration.updated';
  readonly keys: readonly string[];
}

/** An immutable tag rule of a project was created, changed (also enabled or disabled) or deleted. */
export interface ImmutableRuleEvent {
  readonly type: 'immutable_rule.created' | 'immutable_rule.updated' | 'immutable_rule.deleted';
  readonly projectId: number;
  readonly ruleId: number;
}

/** A label was created, changed or deleted (deleting detaches it from every artifact). */
export interface LabelEvent {
  readonly type: 'label.created' | 'label.updated' | 'label.deleted';
  readonly labelId: number;
  readonly label: string;
  readonly scope: 'g' | 'p';
  readonly projectId?: number | undefined;
}

/** A label was attached to or detached from an artifact. */
export interface ArtifactLabelEvent extends ArtifactRef {
  readonly type: 'artifact.labeled' | 'artifact.unlabeled';
  readonly labelId: number;
  readonly label: string;
}

/**
 * A project's storage usage crossed its warning level (`quota.warningPercent` of the hard limit) upwards; recorded
 * once per crossing, in the transaction that crossed it. Harbor's QUOTA_WARNING webhook.
 */
export interface QuotaWarning {
  readonly type: 'quota.warning';
  readonly projectId: number;
  readonly project: string;
  /** The repository whose push crossed it. */
  readonly repository: string;
  readonly used: number;
  readonly hard: number;
  readonly warningPercent: number;
}

/**
 * A push refused because it would pass the project's quota (Harbor's QUOTA_EXCEED webhook). The refused change rolls
 * back; this event is recorded on its own right after.
 */
export interface QuotaExceeded {
  readonly type: 'quota.exceeded';
  readonly projectId: number;
  readonly project: string;
  readonly repository: string;
  /** The digest whose bytes were refused. */
  readonly digest: string;
  readonly used: number;
  readonly requested: number;
  readonly hard: number;
}

/** A repository's own fields (its description) changed. */
export interface RepositoryUpdated {
  readonly type: 'repository.updated';
  readonly repository: string;
}

/**
 * A blob's upload completed into a repository (distribution's blob push notification). Recorded in the transaction
 * that links the blob to the repository.
 */
export interface BlobPushed {
  readonly type: 'blob.pushed';
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
}

/** A blob was mounted into a repository from another one (`from`); distribution's mount notification. */
export interface BlobMounted {
  readonly type: 'blob.mounted';
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
  readonly from: string;
}

/** A blob's link was removed from a repository (DELETE on /v2/…/blobs/…). */
export interface BlobDeleted {
  readonly type: 'blob.deleted';
  readonly repository: string;
  readonly digest: string;
}

/** A blob was served by GET. Transient like `artifact.pulled`: published only while somebody subscribes to it. */
export interface BlobPulled {
  readonly type: 'blob.pulled';
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
}

/** A project's quota limit was set (`hard` in bytes, -1 unlimited). */
export interface QuotaUpdated {
  readonly type: 'quota.updated';
  readonly quotaId: number;
  readonly projectId: number;
  readonly project: string;
  readonly hard: number;
}

/** A project's tag retention policy was created, changed or deleted. */
export interface RetentionPolicyEvent {
  readonly type: 'retention.created' | 'retention.updated' | 'retention.deleted';
  readonly policyId: number;
  readonly projectId: number;
}

/** A user's personal access token was created, or revoked (deleted) by its owner or an administrator. */
export interface PersonalTokenEvent {
  readonly type: 'personal_token.created' | 'personal_token.deleted';
  readonly tokenId: number;
  readonly name: string;
  readonly userId: number;
  readonly username: string;
}

/** A webhook policy of a project was created, changed (also enabled or disabled) or deleted. */
export interface WebhookPolicyEvent {
  readonly type: 'webhook_policy.created' | 'webhook_policy.updated' | 'webhook_policy.deleted';
  readonly policyId: number;
  readonly projectId: number;
  readonly name: string;
}

/**
 * A schedule of the job engine was created, changed or removed (GC, audit log purge, retention, scan all, …):
 * `cron` is Harbor's six-field expression, null when the schedule was removed.
 */
export interface ScheduleUpdated {
  readonly type: 'schedule.updated';
  /** The job engine's vendor type, Harbor's names: GARBAGE_COLLECTION, PURGE_AUDIT_LOG, RETENTION, … */
  readonly vendorType: string;
  readonly vendorId?: number | undefined;
  readonly cron: string | null;
}

/** An execution of the job engine was started (by an operator for MANUAL, by the engine for SCHEDULE and EVENT). */
export interface ExecutionStarted {
  readonly type: 'execution.started';
  readonly executionId: number;
  readonly vendorType: string;
  readonly vendorId?: number | undefined;
  readonly trigger: 'MANUAL' | 'SCHEDULE' | 'EVENT';
}

/**
 * An execution of the job engine reached a final status; recorded in the transaction that stores that status.
 * Subscribers turn it into Harbor's TAG_RETENTION, REPLICATION and SCANNING_* webhooks, audit records and metrics.
 */
export interface ExecutionFinished {
  readonly type: 'execution.finished';
  readonly executionId: number;
  readonly vendorType: string;
  readonly vendorId?: number | undefined;
  readonly trigger: 'MANUAL' | 'SCHEDULE' | 'EVENT';
  readonly status: 'Success' | 'Error' | 'Stopped';
  /** Milliseconds since the epoch. */
  readonly startTime: number;
  readonly endTime: number;
}

/** An authentication decision. Transient: recorded by its subscriber, not through the outbox. */
export interface AuthDecision {
  readonly type: 'auth.login_succeeded' | 'auth.login_failed' | 'auth.throttled' | 'auth.logout';
  readonly principal: string;
  readonly principalKind: 'user' | 'robot' | 'anonymous';
  readonly clientIp: string | null;
  readonly method: 'basic' | 'bearer' | 'session' | 'token';
  readonly channel: 'session' | 'api' | 'registry' | 'token' | null;
  readonly reason: string | null;
}

/** Every event, without its envelope. */
export type DomainEventBody =
  | ArtifactPushed
  | ArtifactDeleted
  | ArtifactPulled
  | TagPut
  | TagDeleted
  | RepositoryDeleted
  | ProjectEvent
  | MemberEvent
  | RobotEvent
  | UserEvent
  | ConfigurationUpdated
  | ImmutableRuleEvent
  | LabelEvent
  | ArtifactLabelEvent
  | QuotaWarning
  | QuotaExceeded
  | RepositoryUpdated
  | BlobPushed
  | BlobMounted
  | BlobDeleted
  | BlobPulled
  | QuotaUpdated
  | RetentionPolicyEvent
  | WebhookPolicyEvent
  | PersonalTokenEvent
  | ScheduleUpdated
  | ExecutionStarted
  | ExecutionFinished
  | AuthDecision;

export type DomainEventType = DomainEventBody['type'];

/** An event with when it happened and who did it. */
export type DomainEvent<B extends DomainEventBody = DomainEventBody> = B & {
  /** Milliseconds since the epoch, from the clock port. */
  readonly at: number;
  readonly by?: Operator | undefined;
  /**
   * The outbox entry's id, set by the relay on delivery (absent on transient events): a subscriber that must not act
   * twice on one event (delivery is at least once) keys its work by it.
   */
  readonly outboxId?: number | undefined;
};

/** The event of type `T`. */
export type EventOfType<T extends DomainEventType> = DomainEvent<Extract<DomainEventBody, { type: T }>>;

/** Events that are never stored in the outbox: delivered in-process, best effort, to keep hot paths free of writes. */
export const TRANSIENT_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  'artifact.pulled',
  'blob.pulled',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.throttled',
  'auth.logout',
]);
