import type { StoreRecords } from '../ports/store.js';
import type { TagHistoryKind } from '../ports/tag-history-records.js';
import type { Actor, CoreDependencies } from './core.js';

/** What a history entry says happened, before it is recorded. */
export interface HistoryChange {
  readonly repositoryId: number;
  readonly tag?: string | undefined;
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: TagHistoryKind;
}

/**
 * Records a tag history entry inside the unit of work that deletes or moves the tag or deletes the artifact, with the
 * digests it holds for restore: the manifest's content, what it references, and for an index its children's
 * content and references (read before the change removes them). Nothing when the restore window is 0.
 */
export async function recordHistory(
  core: CoreDependencies,
  tx: StoreRecords,
  changes: readonly HistoryChange[],
  actor: Actor,
): Promise<void> {
  const windowMs = core.restoreWindowMs ?? 0;
  if (windowMs <= 0 || changes.length === 0) return;
  const at = core.clock.now();
  const holds = new Map<string, string[]>();
  for (const change of changes) {
    const held = holds.get(change.digest) ?? (await heldBy(tx, change.repositoryId, change.digest));
    holds.set(change.digest, held);
    await tx.tagHistory.add(
      {
        repositoryId: change.repositoryId,
        tag: change.tag,
        digest: change.digest,
        mediaType: change.mediaType,
        kind: change.kind,
        operator: actor.by?.name,
        at: new Date(at),
        expiresAt: new Date(at + windowMs),
      },
      held,
    );
  }
}

/** The manifest's digest, its references, and (an index) its children's, recursively within the repository. */
async function heldBy(tx: StoreRecords, repositoryId: number, digest: string): Promise<string[]> {
  const held = new Set<string>();
  const queue = [digest];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (held.has(next)) continue;
    held.add(next);
    const record = await tx.manifests.get(repositoryId, next);
    if (!record) continue;
    for (const ref of await tx.manifests.references(record.id)) {
      if (ref.kind === 'manifest') queue.push(ref.digest);
      else held.add(ref.digest);
    }
  }
  return [...held];
}
