import type { Readable } from 'node:stream';
import { NotFoundError } from '../domain/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { BlobRecord, MetadataStore } from '../ports/metadata-store.js';
import { blobDataPath } from './paths.js';
import { requireDigest, requireName } from './references.js';

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** Blobs as a repository sees them: only blobs linked to the repository exist for it. */
/** How long a download redirect stays valid (as distribution's default). */
const REDIRECT_SECONDS = 20 * 60;

export class BlobService {
  constructor(
    private readonly store: MetadataStore,
    private readonly storage: BlobStore,
    private readonly opts: { readonly redirect?: boolean } = {},
  ) {}

  /**
   * Where the client may fetch the blob's content directly (`storage.redirect` on and a backend that offers
   * URLs); undefined means the registry streams it.
   */
  async redirectUrl(blob: BlobRecord): Promise<string | undefined> {
    if (!this.opts.redirect || !this.storage.redirectUrl) return undefined;
    return this.storage.redirectUrl(blobDataPath(requireDigest(blob.digest)), { expiresInSeconds: REDIRECT_SECONDS });
  }

  async stat(name: string, digestText: string): Promise<BlobRecord> {
    requireName(name);
    const digest = requireDigest(digestText);
    const blob = await this.store.blobs.getInRepository(name, digest.value);
    if (!blob) throw new NotFoundError('blob', digest.value);
    return blob;
  }

  /** Opens the blob's content, or the given inclusive byte range of it. */
  async open(blob: BlobRecord, range?: ByteRange): Promise<Readable> {
    const path = blobDataPath(requireDigest(blob.digest));
    if (!range) return this.storage.reader(path);
    return this.storage.reader(path, { offset: range.start, length: range.end - range.start + 1 });
  }

  /** Removes the blob from the repository (its content stays until garbage collection). */
  async delete(name: string, digestText: string): Promise<void> {
    requireName(name);
    const digest = requireDigest(digestText);
    const repo = await this.store.repositories.get(name);
    if (!repo || !(await this.store.blobs.unlink(repo.id, digest.value))) {
      throw new NotFoundError('blob', digest.value);
    }
  }

  /** Links a blob of repository `from` into `name`; undefined when `from` does not hold it. */
  async mount(name: string, digestText: string, from: string): Promise<BlobRecord | undefined> {
    requireName(name);
    const digest = requireDigest(digestText);
    if (!isValidFrom(from)) return undefined;
    const blob = await this.store.blobs.getInRepository(from, digest.value);
    if (!blob) return undefined;
    await this.store.transaction(async (tx) => {
      const target = await tx.repositories.ensure(name);
      await tx.blobs.link(target.id, blob.digest);
    });
    return blob;
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
