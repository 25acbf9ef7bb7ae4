import {
  ConflictError,
  ContentMissingError,
  InvalidError,
  NotFoundError,
  PreconditionFailedError,
  UnavailableError,
} from '../domain/errors.js';
import { parseManifest } from '../domain/manifest.js';
import type { RepositoryRecord } from '../ports/metadata-store.js';
import type { TagHistoryEntry } from '../ports/tag-history-records.js';
import type { Actor, CoreDependencies } from './core.js';
import type { ManifestService } from './manifests.js';

/**
 * Restores tag history entries (the registry core's only path for it, so every change passes the policy chain and
 * records its events): an artifact deleted is pushed again from its stored bytes through the manifest path
 * (children of an index first; quota, touches and events as for a push), then the tag is pointed at it again
 * (`tag.create` or `tag.move`, itself recorded in the history when it moves a tag). A push racing garbage
 * collection is protected by the same touch/compare-and-set protocol: a blob collected meanwhile makes the restore
 * fail clearly; it never leaves a tag over missing content.
 */
export class TagHistoryOperations {
  constructor(
    private readonly core: CoreDependencies,
    private readonly manifests: ManifestService,
  ) {}

  /** The entry if it exists in the repository and has not expired; NotFoundError otherwise. */
  async entry(repository: RepositoryRecord, id: number): Promise<TagHistoryEntry> {
    const entry = await this.core.store.tagHistory.get(repository.id, id);
    if (!entry) {
      throw new NotFoundError('tag-history', String(id), `tag history entry ${id} not found in ${repository.name}`);
    }
    if (entry.expiresAt.getTime() <= this.core.clock.now()) {
      throw new NotFoundError(
        'tag-history',
        String(id),
        `tag history entry ${id} of ${repository.name} expired at ${entry.expiresAt.toISOString()} and can no longer be restored`,
      );
    }
    return entry;
  }

  async restore(repository: RepositoryRecord, id: number, actor: Actor = {}): Promise<TagHistoryEntry> {
    const entry = await this.entry(repository, id);
    if (!(await this.core.store.manifests.get(repository.id, entry.digest))) {
      await this.repush(repository, entry, entry.digest, entry.mediaType, actor, new Set());
    }
    const tag = entry.tag;
    if (tag !== undefined) {
      await this.core.work.run(async ({ tx, emit }) => {
        // As for a tag created through the API: the manifest's row lock keeps garbage collection from deleting it
        // untagged meanwhile; it may have done so before.
        await tx.garbage.lockBlobs([entry.digest]);
        const record = await tx.manifests.get(repository.id, entry.digest);
        if (!record) {
          throw new ConflictError(`artifact ${entry.digest} was deleted while being restored; restore it again`);
        }
        await this.manifests.putTag(tx, emit, repository.id, repository.name, tag, record, actor);
      });
    }
    return entry;
  }

  /** Pushes the manifest again from its stored bytes, its missing children first. */
  private async repush(
    repository: RepositoryRecord,
    entry: TagHistoryEntry,
    digest: string,
    mediaType: string,
    actor: Actor,
    seen: Set<string>,
  ): Promise<void> {
    if (seen.has(digest)) return;
    seen.add(digest);
    let content: Buffer;
    try {
      content = await this.manifests.content(digest);
    } catch (err) {
      if (err instanceof ContentMissingError || err instanceof InvalidError) throw gone(entry, `manifest ${digest}`);
      throw err;
    }
    const parsed = parseManifest(content, mediaType);
    for (const child of parsed.manifests) {
      if (!(await this.core.store.manifests.get(repository.id, child.digest))) {
        await this.repush(repository, entry, child.digest, child.mediaType, actor, seen);
      }
    }
    try {
      await this.manifests.put(repository.name, digest, content, mediaType, actor);
    } catch (err) {
      // Content garbage collection is deleting right now: the API has no 503, and this one passes (Harbor's CONFLICT).
      if (err instanceof UnavailableError) {
        throw new ConflictError(
          `tag history entry ${entry.id} cannot be restored now: garbage collection is deleting its content; ` +
            `try again in ${err.retryAfterSeconds} seconds`,
        );
      }
      if (err instanceof InvalidError && err.reason === 'manifest-blob-unknown') {
        const missing = (err.detail as { missing?: { digest: string; kind: string }[] } | undefined)?.missing?.[0];
        throw gone(entry, missing ? `${missing.kind} ${missing.digest}` : `content of ${digest}`);
      }
      throw err;
    }
  }
}

function gone(entry: TagHistoryEntry, what: string): PreconditionFailedError {
  return new PreconditionFailedError(
    `tag history entry ${entry.id} cannot be restored: ${what} is no longer stored (garbage collected or deleted)`,
  );
}
