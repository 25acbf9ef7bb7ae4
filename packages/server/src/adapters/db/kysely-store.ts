import type { Kysely, MigrationProvider } from 'kysely';
import type { SecretBox } from '../../lib/secret-box.js';
import type { Store, StoreRecords } from '../../ports/store.js';
import { KyselyAuditRecords } from './audit-records.js';
import { KyselyBlobRecords } from './blob-records.js';
import type { Database, SqlDialect } from './database.js';
import { KyselyGarbageRecords } from './garbage-records.js';
import { KyselyAuthEventRecords } from './identity/auth-event-records.js';
import { KyselyLoginFailureRecords } from './identity/login-failure-records.js';
import { KyselyMemberRecords } from './identity/member-records.js';
import { KyselyProjectRecords } from './identity/project-records.js';
import { KyselyRobotRecords } from './identity/robot-records.js';
import { KyselySessionRecords } from './identity/session-records.js';
import { KyselySettingRecords } from './identity/setting-records.js';
import { KyselyUserGroupRecords } from './identity/user-group-records.js';
import { KyselyUserRecords } from './identity/user-records.js';
import { KyselyImmutableRuleRecords } from './immutable-rule-records.js';
import { KyselyLabelRecords } from './label-records.js';
import { KyselyManifestRecords } from './manifest-records.js';
import { InCodeMigrationProvider } from './migrations/in-code-migration-provider.js';
import { migrateToLatest } from './migrations/migrate.js';
import { KyselyOutboxRecords } from './outbox-records.js';
import { KyselyPullRecords } from './pull-records.js';
import { KyselyQuotaRecords } from './quota-records.js';
import { KyselyRepositoryRecords } from './repository-records.js';
import { KyselyRetentionRecords } from './retention-records.js';
import { KyselyTagHistoryRecords } from './tag-history-records.js';
import { KyselyTagRecords } from './tag-records.js';
import { KyselyUploadRecords } from './upload-records.js';
import { KyselyWebhookRecords } from './webhook-records.js';

/** The record objects of one aggregate each, all bound to the same Kysely instance or transaction. */
class KyselyStoreRecords implements StoreRecords {
  readonly repositories: KyselyRepositoryRecords;
  readonly blobs: KyselyBlobRecords;
  readonly manifests: KyselyManifestRecords;
  readonly tags: KyselyTagRecords;
  readonly uploads: KyselyUploadRecords;
  readonly pulls: KyselyPullRecords;
  readonly users: KyselyUserRecords;
  readonly projects: KyselyProjectRecords;
  readonly members: KyselyMemberRecords;
  readonly userGroups: KyselyUserGroupRecords;
  readonly robots: KyselyRobotRecords;
  readonly settings: KyselySettingRecords;
  readonly authEvents: KyselyAuthEventRecords;
  readonly loginFailures: KyselyLoginFailureRecords;
  readonly sessions: KyselySessionRecords;
  readonly outbox: KyselyOutboxRecords;
  readonly garbage: KyselyGarbageRecords;
  readonly immutableRules: KyselyImmutableRuleRecords;
  readonly labels: KyselyLabelRecords;
  readonly quotas: KyselyQuotaRecords;
  readonly retention: KyselyRetentionRecords;
  readonly tagHistory: KyselyTagHistoryRecords;
  readonly webhooks: KyselyWebhookRecords;
  readonly audit: KyselyAuditRecords;

  constructor(db: Kysely<Database>, dialect: SqlDialect, secrets?: SecretBox) {
    this.repositories = new KyselyRepositoryRecords(db);
    this.blobs = new KyselyBlobRecords(db);
    this.manifests = new KyselyManifestRecords(db);
    this.tags = new KyselyTagRecords(db);
    this.uploads = new KyselyUploadRecords(db);
    this.pulls = new KyselyPullRecords(db);
    this.users = new KyselyUserRecords(db);
    this.projects = new KyselyProjectRecords(db);
    this.members = new KyselyMemberRecords(db);
    this.userGroups = new KyselyUserGroupRecords(db);
    this.robots = new KyselyRobotRecords(db);
    this.settings = new KyselySettingRecords(db);
    this.authEvents = new KyselyAuthEventRecords(db);
    this.loginFailures = new KyselyLoginFailureRecords(db);
    this.sessions = new KyselySessionRecords(db);
    this.outbox = new KyselyOutboxRecords(db, dialect);
    this.garbage = new KyselyGarbageRecords(db);
    this.immutableRules = new KyselyImmutableRuleRecords(db);
    this.labels = new KyselyLabelRecords(db);
    this.quotas = new KyselyQuotaRecords(db);
    this.retention = new KyselyRetentionRecords(db);
    this.tagHistory = new KyselyTagHistoryRecords(db);
    this.webhooks = new KyselyWebhookRecords(db, secrets);
    this.audit = new KyselyAuditRecords(db);
  }
}

/**
 * The database port over Kysely, one implementation for SQLite and PostgreSQL. Owns `db`: close() destroys it.
 * Inside transaction(work), use only the records handed to `work` (on SQLite the store's own records would wait
 * for the single connection the transaction holds).
 */
export class KyselyStore extends KyselyStoreRecords implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
    /** Seals and opens stored secrets (webhook auth headers); without it, reading or writing one fails. */
    private readonly secrets?: SecretBox,
    /** Runs before migrating, given the migrations (the SQLite file's pre-migration copy). */
    private readonly beforeMigrate?: (db: Kysely<Database>, provider: MigrationProvider) => Promise<void>,
  ) {
    super(db, dialect, secrets);
  }

  async transaction<T>(work: (tx: StoreRecords) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => work(new KyselyStoreRecords(tx, this.dialect, this.secrets)));
  }

  /** Applies the pending migrations (`provider`: others than the compiled-in ones, for tests). */
  async migrate(
    provider: MigrationProvider = new InCodeMigrationProvider(this.dialect, { secrets: this.secrets }),
  ): Promise<string[]> {
    await this.beforeMigrate?.(this.db, provider);
    return migrateToLatest(this.db, this.dialect, provider);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
