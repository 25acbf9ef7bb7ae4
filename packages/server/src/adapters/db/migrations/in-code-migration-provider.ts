import type { Migration, MigrationProvider } from 'kysely';
import type { SqlDialect } from '../database.js';
import { initialSchema } from './0001-initial-schema.js';
import { identitySchema } from './0002-identity.js';
import { artifactActivitySchema } from './0003-artifact-activity.js';
import { sessionsSchema } from './0004-sessions.js';
import { artifactListIndex } from './0005-artifact-list-index.js';
import { robotProjectBinding } from './0006-robot-project-binding.js';
import { leasesSchema } from './0007-leases.js';
import { outboxSchema } from './0008-outbox.js';
import { immutableLabelsSchema } from './0011-immutable-labels.js';
import { jobsSchema } from './0009-jobs.js';
import { quotasSchema } from './0010-quotas.js';
import { uploadFenceSchema } from './0012-upload-fence.js';
import { blobGcSchema } from './0013-blob-gc.js';
import { retentionSchema } from './0014-retention.js';
import { tagHistorySchema } from './0015-tag-history.js';
import { auditLogSchema } from './0016-audit-log.js';
import { webhooksSchema } from './0017-webhooks.js';
import { retentionDeletedSchema } from './0018-retention-deleted.js';
import { keysSchema } from './0019-keys.js';
import { userGroupsSchema } from './0020-user-groups.js';
import { passwordResetSchema } from './0023-password-reset.js';
import { personalTokensSchema } from './0021-personal-tokens.js';
import { oidcSchema } from './0022-oidc.js';
import type { DialectMigration, MigrationContext } from './dialect-migration.js';

/** Every migration, by name; names sort in application order. Append only. */
const migrations: Readonly<Record<string, DialectMigration>> = {
  '0001-initial-schema': initialSchema,
  '0002-identity': identitySchema,
  '0003-artifact-activity': artifactActivitySchema,
  '0004-sessions': sessionsSchema,
  '0005-artifact-list-index': artifactListIndex,
  '0006-robot-project-binding': robotProjectBinding,
  '0007-leases': leasesSchema,
  '0008-outbox': outboxSchema,
  '0009-jobs': jobsSchema,
  '0010-quotas': quotasSchema,
  '0011-immutable-labels': immutableLabelsSchema,
  '0012-upload-fence': uploadFenceSchema,
  '0013-blob-gc': blobGcSchema,
  '0014-retention': retentionSchema,
  '0015-tag-history': tagHistorySchema,
  '0016-audit-log': auditLogSchema,
  '0017-webhooks': webhooksSchema,
  '0018-retention-deleted': retentionDeletedSchema,
  '0019-keys': keysSchema,
  '0020-user-groups': userGroupsSchema,
  '0021-personal-tokens': personalTokensSchema,
  '0022-oidc': oidcSchema,
  '0023-password-reset': passwordResetSchema,
};

/** The migrations' names in application order. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrations);

/** The names from `first` on, in application order (tests of partial migrations). */
export function migrationsFrom(first: string): string[] {
  const at = MIGRATION_NAMES.indexOf(first);
  if (at < 0) throw new Error(`no migration ${first}`);
  return MIGRATION_NAMES.slice(at);
}

/** Supplies the compiled-in migrations (no directory scan, so it works from dist/), bound to a dialect. */
export class InCodeMigrationProvider implements MigrationProvider {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly context: MigrationContext = {},
  ) {}

  getMigrations(): Promise<Record<string, Migration>> {
    const bound: Record<string, Migration> = {};
    for (const [name, migration] of Object.entries(migrations)) {
      bound[name] = {
        up: (db) => migration.up(db, this.dialect, this.context),
        down: (db) => migration.down(db, this.dialect, this.context),
      };
    }
    return Promise.resolve(bound);
  }
}
