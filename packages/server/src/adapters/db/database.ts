import type { ColumnType, Generated } from 'kysely';

/** The SQL dialects the metadata store runs on; migrations branch on this where the SQL must differ. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Table types of the metadata database. Timestamps are integer milliseconds since the epoch (bigint in
 * PostgreSQL, parsed back to numbers by the pool); sizes are bigint in PostgreSQL, likewise numbers here.
 */
export interface Database {
  repositories: RepositoriesTable;
  blobs: BlobsTable;
  repository_blobs: RepositoryBlobsTable;
  manifests: ManifestsTable;
  manifest_references: ManifestReferencesTable;
  tags: TagsTable;
  uploads: UploadsTable;
  // Identity (migration 0002-identity).
  users: UsersTable;
  projects: ProjectsTable;
  project_metadata: ProjectMetadataTable;
  project_members: ProjectMembersTable;
  // User groups and who is in them (migration 0020-user-groups).
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  robots: RobotsTable;
  settings: SettingsTable;
  auth_events: AuthEventsTable;
  login_failures: LoginFailuresTable;
  // Browser sessions (migration 0004-sessions).
  sessions: SessionsTable;
  // Leases shared by the nodes (migration 0007-leases).
  leases: LeasesTable;
  // Domain events (migration 0008-outbox).
  outbox_events: OutboxEventsTable;
  // Immutable tag rules and labels (migration 0011-immutable-labels).
  immutable_rules: ImmutableRulesTable;
  labels: LabelsTable;
  label_references: LabelReferencesTable;
  // The job engine (migration 0009-jobs).
  job_executions: JobExecutionsTable;
  job_tasks: JobTasksTable;
  job_schedules: JobSchedulesTable;
  job_queues: JobQueuesTable;
  job_pools: JobPoolsTable;
  // Project storage quotas (migration 0010-quotas).
  project_quotas: ProjectQuotasTable;
  // Tag retention (migration 0014-retention).
  retention_policies: RetentionPoliciesTable;
  retention_task_results: RetentionTaskResultsTable;
  // Tag history and restore (migration 0015-tag-history).
  tag_history: TagHistoryTable;
  tag_history_blobs: TagHistoryBlobsTable;
  // Webhooks (migration 0017-webhooks).
  webhook_policies: WebhookPoliciesTable;
  webhook_last_triggers: WebhookLastTriggersTable;
  // Token signing keys shared by the nodes (migration 0019-keys).
  token_keys: TokenKeysTable;
  // Password reset links (migration 0023-password-reset).
  password_resets: PasswordResetsTable;
  // OIDC users' CLI secrets and refresh tokens (migration 0022-oidc).
  oidc_users: OidcUsersTable;
  // The audit log (migration 0016-audit-log).
  audit_log: AuditLogTable;
  // Personal access tokens (migration 0021-personal-tokens).
  personal_tokens: PersonalTokensTable;
}

export interface PersonalTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  description: string;
  /** JSON: the scope, a robot-style permission list. */
  permissions: string;
  /** SHA-256 of the secret, hex; unique. */
  secret_hash: string;
  duration_days: number | null;
  expires_at: number | null;
  created_at: number;
  last_used_at: number | null;
}

export interface RepositoriesTable {
  id: Generated<number>;
  name: string;
  created_at: number;
  /** The project named by the first path segment (migration 0002-identity); null until assigned. */
  project_id: number | null;
  // Migration 0003-artifact-activity.
  description: Generated<string>;
  pull_count: Generated<number>;
  /** When the description last changed; null before. */
  updated_at: number | null;
}

export interface BlobsTable {
  digest: string;
  size: number;
  created_at: number;
  // Migration 0013-blob-gc.
  /** `none`, or `deleting` while garbage collection removes the content. */
  status: Generated<BlobStatus>;
  /** When the blob was last written or referenced by a push (the garbage collector's time window). */
  updated_at: Generated<number>;
}

export type BlobStatus = 'none' | 'deleting';

export interface RepositoryBlobsTable {
  repository_id: number;
  digest: string;
  created_at: number;
}

export interface ManifestsTable {
  id: Generated<number>;
  repository_id: number;
  digest: string;
  media_type: string;
  size: number;
  artifact_type: string | null;
  subject: string | null;
  /** JSON object of string values. */
  annotations: string | null;
  created_at: number;
  // Migration 0003-artifact-activity.
  /** Harbor's artifact media type: the config's for image manifests, the index's own (or declared) one. */
  artifact_media_type: string | null;
  /** The last recorded pull (recorded at most about once a minute per manifest). */
  pulled_at: number | null;
}

export type ReferenceKind = 'blob' | 'manifest';

export interface ManifestReferencesTable {
  manifest_id: number;
  digest: string;
  kind: ReferenceKind;
}

export interface TagsTable {
  /** Migration 0003-artifact-activity. */
  id: Generated<number>;
  repository_id: number;
  name: string;
  manifest_id: number;
  updated_at: number;
  /** Migration 0003-artifact-activity. */
  pulled_at: Generated<number | null>;
}

export interface UploadsTable {
  id: string;
  repository: string;
  started_at: number;
  updated_at: number;
  /** JSON of the blob writer's state (migration 0007-leases); null on older sessions. */
  writer_state: ColumnType<string | null, string | null | undefined, string | null>;
  /** The fencing token of the session's last writer (migration 0012-upload-fence); 0 before any fenced save. */
  fence: ColumnType<number, number | undefined, number>;
}

/** Booleans are integers 0/1 on both dialects. */
export type Flag = 0 | 1;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  email: string | null;
  realname: string;
  comment: string;
  password_hash: string | null;
  sysadmin: Flag;
  /** Migration 0020-user-groups. */
  admin_role_in_auth: Generated<Flag>;
  deleted: Flag;
  created_at: number;
  updated_at: number;
}

export interface ProjectsTable {
  id: Generated<number>;
  name: string;
  owner_id: number | null;
  public: Flag;
  created_at: number;
  updated_at: number;
}

export interface ProjectMetadataTable {
  project_id: number;
  name: string;
  value: string;
}

export interface UserGroupsTable {
  id: Generated<number>;
  group_name: string;
  group_type: number;
  ldap_group_dn: string | null;
  group_key: string;
  created_at: number;
  updated_at: number;
}

export interface UserGroupMembersTable {
  user_id: number;
  group_id: number;
}

export interface ProjectMembersTable {
  id: Generated<number>;
  project_id: number;
  entity_type: 'u' | 'g';
  entity_id: number;
  role_id: number;
  created_at: number;
  updated_at: number;
}

export interface RobotsTable {
  id: Generated<number>;
  name: string;
  description: string;
  level: 'system' | 'project';
  project_id: number | null;
  /** JSON array of RobotPermission. */
  permissions: string;
  secret_hash: string;
  disabled: Flag;
  duration_days: number | null;
  expires_at: number | null;
  creator: string | null;
  created_at: number;
  updated_at: number;
}

export interface SettingsTable {
  name: string;
  /** JSON-encoded value. */
  value: string;
  updated_at: number;
}

export interface AuthEventsTable {
  id: Generated<number>;
  at: number;
  principal: string;
  principal_kind: 'user' | 'robot' | 'anonymous';
  client_ip: string | null;
  method: 'basic' | 'bearer' | 'session' | 'token';
  /** Added by migration 0004-sessions; null on older rows. */
  channel: 'session' | 'api' | 'registry' | 'token' | null;
  outcome: 'success' | 'failure';
  reason: string | null;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  last_failure_at: number;
  locked_until: number | null;
}

export interface SessionsTable {
  /** Hex SHA-256 of the session id. */
  id_hash: string;
  user_id: number;
  credential_stamp: string;
  client_ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface PasswordResetsTable {
  /** Hex SHA-256 of the reset link's token. */
  token_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface LeasesTable {
  name: string;
  /** Null once released. */
  holder: string | null;
  /** Milliseconds since the epoch; 0 once released. */
  expires_at: number;
  /** The fencing counter: raised by every acquisition. */
  token: number;
}

export interface OutboxEventsTable {
  id: Generated<number>;
  type: string;
  /** The event as JSON. */
  payload: string;
  occurred_at: number;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_by: string | null;
  claimed_until: number | null;
  /** Not claimed before this time (a failed delivery waits for its retry). */
  available_at: number;
  delivered_at: number | null;
  failed_at: number | null;
  last_error: string | null;
}

export interface ImmutableRulesTable {
  id: Generated<number>;
  project_id: number;
  priority: number;
  disabled: Flag;
  /** JSON array of Harbor's selectors (domain/selectors.ts). */
  tag_selectors: string;
  /** JSON array: Harbor's `scope_selectors.repository`. */
  repository_selectors: string;
  created_at: number;
  updated_at: number;
}

export interface LabelsTable {
  id: Generated<number>;
  name: string;
  description: string;
  color: string;
  scope: 'g' | 'p';
  /** Set for scope `p`, null for `g`. */
  project_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface LabelReferencesTable {
  label_id: number;
  manifest_id: number;
  created_at: number;
}

export interface JobExecutionsTable {
  id: Generated<number>;
  vendor_type: string;
  /** The object the execution is for (a policy id); -1 for system jobs, as Harbor. */
  vendor_id: number;
  /** Pending, Running, Stopped, Error or Success: derived from the tasks'. */
  status: string;
  status_message: string | null;
  /** MANUAL, SCHEDULE or EVENT. */
  trigger: string;
  /** JSON object. */
  extra_attrs: string;
  start_time: number;
  end_time: number | null;
  update_time: number;
}

export interface JobTasksTable {
  id: Generated<number>;
  execution_id: number;
  /** The execution's, repeated for the claim's index. */
  vendor_type: string;
  status: string;
  status_message: string | null;
  /** JSON. */
  params: string;
  /** Runs started (claims), takeovers included. */
  run_count: ColumnType<number, number | undefined, number>;
  /** Not claimed before this time (a retry's backoff). */
  available_at: number;
  /** The node running it, while Running. */
  holder: string | null;
  /** The claim's expiry: a Running task past it is taken over (or marked Stopped if a stop was asked). */
  claim_until: number | null;
  stop_requested: ColumnType<Flag, Flag | undefined, Flag>;
  creation_time: number;
  start_time: number | null;
  end_time: number | null;
  update_time: number;
  /** The task's log, its newest bytes up to a bound. */
  log: ColumnType<string, string | undefined, string>;
}

export interface JobSchedulesTable {
  id: Generated<number>;
  vendor_type: string;
  vendor_id: number;
  /** Six fields, seconds first (Harbor's form), or `@every <n>s`. */
  cron: string;
  /** JSON. */
  params: string;
  next_run: number;
  creation_time: number;
  update_time: number;
}

export interface JobQueuesTable {
  job_type: string;
  paused: ColumnType<Flag, Flag | undefined, Flag>;
  update_time: number;
}

export interface JobPoolsTable {
  /** The node id. */
  id: string;
  pid: number;
  host: string;
  concurrency: number;
  start_at: number;
  heartbeat_at: number;
}
export interface ProjectQuotasTable {
  id: Generated<number>;
  project_id: number;
  /** Bytes; -1 is unlimited. */
  hard: number;
  /** Bytes: the distinct digests the project's repositories link or hold as manifests. */
  used: number;
  created_at: number;
  updated_at: number;
}

export interface RetentionPoliciesTable {
  id: Generated<number>;
  project_id: number;
  /** Harbor's algorithm, rules and trigger as JSON. */
  data: string;
  created_at: number;
  updated_at: number;
}

export interface RetentionTaskResultsTable {
  task_id: number;
  total: number;
  retained: number;
  /** JSON array of RetentionDeletedArtifact (migration 0018); null before. */
  deleted: string | null;
}

export interface TagHistoryTable {
  id: Generated<number>;
  repository_id: number;
  /** Null for an untagged artifact deleted. */
  tag: string | null;
  digest: string;
  media_type: string;
  kind: 'tag.deleted' | 'tag.moved' | 'artifact.deleted';
  operator: string | null;
  created_at: number;
  expires_at: number;
}

export interface TagHistoryBlobsTable {
  history_id: number;
  digest: string;
  /** The entry's, repeated: garbage collection's predicate reads (digest, expires_at) alone. */
  expires_at: number;
}

export interface WebhookPoliciesTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  description: string;
  enabled: Flag;
  /** Harbor's event type names, as a JSON array. */
  event_types: string;
  /** The targets as a JSON array of Harbor's WebhookTargetObject. */
  targets: string;
  creator: string;
  created_at: number;
  updated_at: number;
}

export interface TokenKeysTable {
  /** The libtrust key id of the public key (tokens' `kid`). */
  kid: string;
  algorithm: string;
  /** The PKCS#8 PEM private key, sealed by the secret box (context `token_keys.private_key`). */
  private_key: string;
  created_at: number;
  /** When the key stops verifying (set when a newer key replaces it); null while it is current. */
  retire_at: number | null;
}

export interface OidcUsersTable {
  user_id: number;
  /** The ID token's `iss` and `sub`: who the user is at the provider (unique together). */
  issuer: string;
  subject: string;
  /** The CLI secret, sealed by the secret box (context `oidc_users.secret`). */
  secret: string;
  /** The provider's refresh token, sealed (context `oidc_users.refresh_token`); null when it gave none. */
  refresh_token: string | null;
  /** When the last access token expires (ms); null: unknown (refresh at the next CLI login). */
  token_expires_at: number | null;
  /** What the provider last said of the user (JSON: email, realname, groups, admin). */
  claims: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookLastTriggersTable {
  policy_id: number;
  event_type: string;
  triggered_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  /** The outbox event's id (`outbox:<id>`) for delivered events, null for transient ones. */
  event_key: string | null;
  op_time: number;
  username: string;
  operator_kind: string;
  client_ip: string | null;
  operation: string;
  event_type: string;
  op_desc: string;
  resource: string;
  resource_type: string;
  op_result: number;
  project_id: number | null;
}
