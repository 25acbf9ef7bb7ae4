import { QuotaExceededError } from '../../domain/errors.js';
import { projectNameOf } from '../../lib/reference.js';
import type { UsageChange } from '../../ports/quota-records.js';
import type { StoreRecords } from '../../ports/store.js';
import type { PolicyContext, RegistryPolicy, RegistryWrite } from '../../registry-core/policies.js';

export interface QuotaPolicyOptions {
  /** `quota.warningPercent`: `quota.warning` is recorded when usage crosses this share of the limit upwards. */
  readonly warningPercent: number;
}

/**
 * The quota link of the policy chain (Harbor's quota middlewares on blob upload, mount and manifest put, and its
 * refresh after deletes), inside the change's transaction: a write that adds a digest the project does not count
 * yet reserves its bytes with one conditional statement (QuotaRecords.reserve), and a refusal throws
 * QuotaExceededError (403 DENIED) with `quota.exceeded` to record after the rollback. Deletes release, in one
 * statement each, the bytes of digests the project holds nowhere else. Pulls, upload starts and chunks and tag
 * changes cost nothing. A completed upload of a blob the repository links already costs nothing either.
 */
export function quotaPolicy(options: QuotaPolicyOptions): RegistryPolicy {
  return {
    name: 'quota',
    async beforeWrite(write: RegistryWrite, ctx: PolicyContext): Promise<void> {
      const { tx } = ctx;
      if (!tx) return;
      switch (write.kind) {
        case 'upload.complete':
          if (!write.newToRepository) return;
          return reserve(tx, ctx, options, write.repository, write.digest, write.size);
        case 'blob.mount':
        case 'manifest.put':
          return reserve(tx, ctx, options, write.repository, write.digest, write.size);
        case 'artifact.delete':
          await tx.quotas.releaseManifest(write.repository, write.digest);
          return;
        case 'blob.delete':
          await tx.quotas.releaseBlob(write.repository, write.digest);
          return;
        case 'repository.delete':
          await tx.quotas.releaseRepository(write.repository);
          return;
        // Nothing else changes which digests a project holds.
        case 'upload.start':
        case 'upload.chunk':
        case 'upload.cancel':
        case 'tag.create':
        case 'tag.move':
        case 'tag.delete':
          return;
      }
    },
  };
}

async function reserve(
  tx: StoreRecords,
  ctx: PolicyContext,
  options: QuotaPolicyOptions,
  repository: string,
  digest: string,
  size: number,
): Promise<void> {
  const project = projectNameOf(repository);
  const result = await tx.quotas.reserve(project, digest, size);
  // No quota row: no such project (the repository's creation refuses it next).
  if (!result) return;
  if ('refused' in result) {
    const error = new QuotaExceededError(result.projectId, result.used, size, result.hard);
    error.recordAfterRollback = [
      {
        event: {
          type: 'quota.exceeded',
          projectId: result.projectId,
          project,
          repository,
          digest,
          used: result.used,
          requested: size,
          hard: result.hard,
        },
        by: ctx.by,
      },
    ];
    throw error;
  }
  if (crossesWarning(result, options.warningPercent)) {
    ctx.emit?.(
      {
        type: 'quota.warning',
        projectId: result.projectId,
        project,
        repository,
        used: result.used,
        hard: result.hard,
        warningPercent: options.warningPercent,
      },
      ctx.by,
    );
  }
}

/**
 * Whether this change took usage from below the warning level to at or above it. Each change is one atomic update
 * of the row, so of concurrent writers exactly the one that crosses sees it, and a level reached stays crossed until
 * usage falls below it and rises again.
 */
export function crossesWarning(change: UsageChange, warningPercent: number): boolean {
  if (change.hard < 0 || change.delta <= 0) return false;
  const level = (change.hard * warningPercent) / 100;
  return change.used - change.delta < level && change.used >= level;
}
