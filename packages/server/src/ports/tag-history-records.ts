import type { PagedResult, PageQuery } from './identity/paging.js';

/** What happened to a tag or artifact (the entry's kind). */
export type TagHistoryKind = 'tag.deleted' | 'tag.moved' | 'artifact.deleted';

/** A tag deleted or moved, or an artifact deleted, restorable until `expiresAt` (registry-core/tag-history.ts). */
export interface TagHistoryEntry {
  readonly id: number;
  readonly repositoryId: number;
  /** The tag as it was; undefined for an untagged artifact deleted. */
  readonly tag?: string | undefined;
  /** The manifest the tag named (or the artifact deleted). */
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: TagHistoryKind;
  /** Who did it (an operator's name), if known. */
  readonly operator?: string | undefined;
  readonly at: Date;
  readonly expiresAt: Date;
}

export type NewTagHistoryEntry = Omit<TagHistoryEntry, 'id'>;

export interface TagHistoryQuery extends PageQuery {
  /** Only entries of this tag. */
  readonly tag?: string;
  /** Only entries unexpired at this time (ms). */
  readonly now: number;
}

/** What garbage collection keeps for tag restore: blobs no manifest references, held by an unexpired entry. */
export interface RestoreHolds {
  readonly blobs: number;
  readonly bytes: number;
  /** The latest expiry among those holds (ms); undefined when there are none. */
  readonly until?: number | undefined;
}

/**
 * Tag history (migration 0015-tag-history), written only by the registry core inside the unit of work that deletes
 * or moves a tag or deletes an artifact. Each entry holds digests (the manifest's content, its blobs, an index's
 * children and theirs): garbage collection treats a blob held by an entry that expires after its window's start as
 * referenced (adapters/db/garbage-records.ts, `unreferenced`).
 */
export interface TagHistoryRecords {
  /** Records the entry and the digests it holds (deduplicated). */
  add(entry: NewTagHistoryEntry, holds: readonly string[]): Promise<TagHistoryEntry>;
  /** The repository's unexpired entries, newest first. */
  query(repositoryId: number, query: TagHistoryQuery): Promise<PagedResult<TagHistoryEntry>>;
  /** The entry of the repository (expired or not); undefined when there is none. */
  get(repositoryId: number, id: number): Promise<TagHistoryEntry | undefined>;
  /** The digests the entry holds. */
  holds(id: number): Promise<string[]>;
  /** Deletes the entries (and their holds) expired at or before `before` (ms); returns how many. */
  purge(before: number): Promise<number>;
  /** Blobs kept only by entries expiring after `after` (ms): the count, their bytes, the latest expiry. */
  restoreHolds(after: number): Promise<RestoreHolds>;
}
