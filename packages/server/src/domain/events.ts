/**
 * Domain events: what happened to Wharf's state, in the words of the domain. The registry core and the management
 * services record them inside the transaction that makes the change (the outbox), and subscribers receive them
 * after commit (events/). Audit logs, webhooks, notifications, scan-on-push and replication triggers are
 * subscribers; none of them is called by the code that makes the change.
 *
 * Events are plain JSON-serialisable objects: they are stored, replayed after a crash and sent to other systems.
 */

/** Who made a change: a user, a robot account, an anonymous caller (public pulls) or Wharf itself (jobs). */
export interface Operator {
  readonly kind: 'user' | 'robot' | 'anonymous' | 'system';
  /** The username, the robot's full name, `anonymous`, or the system job's name. */
  readonly name: string;
  readonly id?: number | undefined;
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
  | AuthDecision;

export type DomainEventType = DomainEventBody['type'];

/** An event with when it happened and who did it. */
export type DomainEvent<B extends DomainEventBody = DomainEventBody> = B & {
  /** Milliseconds since the epoch, from the clock port. */
  readonly at: number;
  readonly by?: Operator | undefined;
};

/** The event of type `T`. */
export type EventOfType<T extends DomainEventType> = DomainEvent<Extract<DomainEventBody, { type: T }>>;

/** Events that are never stored in the outbox: delivered in-process, best effort, to keep hot paths free of writes. */
export const TRANSIENT_EVENT_TYPES: ReadonlySet<DomainEventType> = new Set<DomainEventType>([
  'artifact.pulled',
  'auth.login_succeeded',
  'auth.login_failed',
  'auth.throttled',
  'auth.logout',
]);
