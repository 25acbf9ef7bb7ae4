import type { Readable } from 'node:stream';
import { ContentMissingError, NotFoundError } from '../domain/errors.js';
import { PathNotFoundError, type BlobStore } from '../ports/blob-store.js';
import type { BlobRecord } from '../ports/metadata-store.js';
import type { Actor, CoreDependencies } from './core.js';
import { blobDataPath } from './paths.js';
import { requireDigest, requireName } from './references.js';
import { ensureRepository } from './repository-records.js';

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** Blobs as a repository sees them: only blobs linked to the repository exist for it. */
/** How long a download redirect stays valid (as distribution's default). */
const REDIRECT_SECONDS = 20 * 60;

export class BlobService {
  private readonly store: CoreDependencies['store'];
  private readonly storage: BlobStore;

  constructor(
    private readonly core: CoreDependencies,
    private readonly opts: { readonly redirect?: boolean } = {},
  ) {
    this.store = core.store;
    this.storage = core.storage;
  }

  /**
   * Where the client may fetch the blob's content directly (`storage.redirect` on and a backend that offers
   * URLs); undefined means the registry streams it.
   */
  async redirectUrl(blob: BlobRecord): Promise<string | undefined> {
    if (!this.opts.redirect || !this.storage.redirectUrl) return undefined;
    return this.storage.redirectUrl(blobDataPath(requireDigest(blob.digest)), { expiresInSeconds: REDIRECT_SECONDS });
  }

  /** Whether downloads are redirected to the backend's URLs (`redirectUrl` may answer one). */
  get redirects(): boolean {
    return this.opts.redirect === true && this.storage.redirectUrl !== undefined;
  }

  /**
   * The blob as `name` links it, once storage confirms it holds the content (ContentMissingError otherwise), so a
   * HEAD answers what the GET that follows will.
   */
  async stat(name: string, digestText: string): Promise<BlobRecord> {
    const blob = await this.find(name, digestText);
    await this.assertContent(blob);
    return blob;
  }

  /**
   * The blob as `name` links it, without asking storage: for a download that opens the content next, since `open`
   * finds content lost from storage as `stat` would (ContentMissingError), with one file operation fewer.
   */
  async find(name: string, digestText: string): Promise<BlobRecord> {
    requireName(name);
    const digest = requireDigest(digestText);
    const blob = await this.store.blobs.getInRepository(name, digest.value);
    if (!blob) throw new NotFoundError('blob', digest.value);
    return blob;
  }

  /** Throws ContentMissingError unless storage holds the blob's content. */
  async assertContent(blob: BlobRecord): Promise<void> {
    await this.requireContent(blob.digest);
  }

  /** Opens the blob's content, or the given inclusive byte range of it. */
  async open(blob: BlobRecord, range?: ByteRange): Promise<Readable> {
    const path = blobDataPath(requireDigest(blob.digest));
    try {
      if (!range) return await this.storage.reader(path);
      return await this.storage.reader(path, { offset: range.start, length: range.end - range.start + 1 });
    } catch (err) {
      throw err instanceof PathNotFoundError ? new ContentMissingError('blob', blob.digest, path) : err;
    }
  }

  /** Whether a blob GET should report itself (`pulled`): only while somebody subscribes to `blob.pulled`. */
  get reportsPulls(): boolean {
    return this.core.bus.hasSubscribers('blob.pulled');
  }

  /**
   * Publishes the transient `blob.pulled` event of a blob GET (not HEAD). Callers ask `reportsPulls` first, so a
   * download costs nothing extra, not even the operator's construction, while nobody listens.
   */
  pulled(name: string, blob: BlobRecord, actor: Actor = {}): void {
    const { bus, clock } = this.core;
    if (!bus.hasSubscribers('blob.pulled')) return;
    bus.publish({
      type: 'blob.pulled',
      repository: name,
      digest: blob.digest,
      size: blob.size,
      at: clock.now(),
      by: actor.by,
    });
  }

  /** Throws ContentMissingError unless storage holds the content of `digest`. */
  private async requireContent(digest: string): Promise<void> {
    const path = blobDataPath(requireDigest(digest));
    try {
      await this.storage.stat(path);
    } catch (err) {
      throw err instanceof PathNotFoundError ? new ContentMissingError('blob', digest, path) : err;
    }
  }

  /** Removes the blob from the repository (its content stays until garbage collection). */
  async delete(name: string, digestText: string, actor: Actor = {}): Promise<void> {
    requireName(name);
    const digest = requireDigest(digestText);
    const unlinked = await this.core.work.run(async ({ tx, emit }) => {
      const repo = await tx.repositories.get(name);
      if (!repo) return false;
      await this.core.policies.beforeWrite(
        { kind: 'blob.delete', repository: name, digest: digest.value },
        { tx, by: actor.by },
      );
      const removed = await tx.blobs.unlink(repo.id, digest.value);
      if (removed) emit({ type: 'blob.deleted', repository: name, digest: digest.value }, actor.by);
      return removed;
    });
    if (!unlinked) throw new NotFoundError('blob', digest.value);
  }

  /** Links a blob of repository `from` into `name`; undefined when `from` does not hold it. */
  async mount(name: string, digestText: string, from: string, actor: Actor = {}): Promise<BlobRecord | undefined> {
    requireName(name);
    const digest = requireDigest(digestText);
    if (!isValidFrom(from)) return undefined;
    const blob = await this.store.blobs.getInRepository(from, digest.value);
    if (!blob) return undefined;
    // As in distribution, a source whose content has vanished cannot be mounted; the caller falls back to an upload.
    await this.requireContent(blob.digest);
    const mounted = await this.core.work.run(async ({ tx, emit }) => {
      // A source blob that garbage collection is deleting cannot be relied on: the caller falls back to an upload.
      if (!(await tx.blobs.touch([blob.digest], this.core.clock.now())).has(blob.digest)) return false;
      const target = await ensureRepository(tx, name);
      await this.core.policies.beforeWrite(
        { kind: 'blob.mount', repository: name, digest: blob.digest, size: blob.size },
        { tx, emit, by: actor.by },
      );
      await tx.blobs.link(target.id, blob.digest);
      emit({ type: 'blob.mounted', repository: name, digest: blob.digest, size: blob.size, from }, actor.by);
      return true;
    });
    return mounted ? blob : undefined;
  }
}

function isValidFrom(from: string): boolean {
  try {
    requireName(from);
    return true;
  } catch {
    return false;
  }
}
