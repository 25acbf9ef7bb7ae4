import type { BlobRecord } from './metadata-store.js';

/** A manifest garbage collection may delete: untagged, in no index of its repository, no live subject's accessory. */
export interface UntaggedManifest {
  readonly repositoryId: number;
  readonly repository: string;
  readonly digest: string;
}

/**
 * What online garbage collection reads and changes (gc/). A blob is referenced while any manifest of any repository
 * is that blob (a manifest's content) or references it (a layer, a config, an index's child), and while a tag history
 * entry expiring after the time window's start holds it (ports/tag-history-records.ts). The mark is a
 * compare-and-set on the blob's status, checked again inside the marking transaction after the rows are locked,
 * so a push that touched a blob (BlobRecords.touch) either wins, and the blob is kept, or finds it `deleting`.
 */
export interface GarbageRecords {
  /**
   * Unreferenced live blobs last touched at or before `before` (ms), in digest order after `after`, at most `limit`.
   */
  unreferencedBlobs(before: number, after: string | undefined, limit: number): Promise<BlobRecord[]>;
  /**
   * Inside a transaction: marks as `deleting` those of `digests` that are still live, untouched after `before` and
   * unreferenced, re-checked after their rows are locked; returns the blobs marked.
   */
  markDeleting(digests: readonly string[], before: number): Promise<BlobRecord[]>;
  /** Blobs left `deleting` (marked by this run, or by a run that died), in digest order after `after`. */
  deletingBlobs(after: string | undefined, limit: number): Promise<BlobRecord[]>;
  /** Removes the records (and repository links) of those of `digests` still `deleting`; returns how many. */
  removeDeleting(digests: readonly string[]): Promise<number>;
  /**
   * Takes the row locks of these blobs (a manifest's content is a blob too) until the transaction ends without
   * touching them, so pushes that would reference them wait; deletes then re-check what they rely on.
   */
  lockBlobs(digests: readonly string[]): Promise<void>;
  /** Those of `digests` that have a blob record (in any status). */
  recorded(digests: readonly string[]): Promise<Set<string>>;
  /**
   * Inside a transaction: records content found in storage without a record (an orphan) as a blob `deleting`
   * (insert, doing nothing on conflict), so a push about to record the same digest finds it `deleting` and retries.
   * True when the record was inserted; false when one exists (it is left alone: the blob is live or being deleted).
   */
  claimOrphan(digest: string, size: number, now: number): Promise<boolean>;
  /** Untagged manifests created at or before `before`, in id order after `afterId`, at most `limit`. */
  untaggedManifests(before: number, afterId: number, limit: number): Promise<Array<UntaggedManifest & { id: number }>>;
}
