import type { Readable } from 'node:stream';
import { NotFoundError } from '../domain/errors.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { BlobRecord } from '../ports/metadata-store.js';
import type { Actor, CoreDependencies } from './core.js';
import { blobDataPath } from './paths.js';
import { requireDigest, requireName } from './references.js';

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** Blobs as a repository sees them: only blobs linked to the repository exist for it. */
export class BlobService {
  private readonly store: CoreDependencies['store'];
  private readonly storage: BlobStore;

  constructor(private readonly core: CoreDependencies) {
    this.store = core.store;
    this.storage = core.storage;
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
  async delete(name: string, digestText: string, actor: Actor = {}): Promise<void> {
    requireName(name);
    const digest = requireDigest(digestText);
    const unlinked = await this.core.work.run(async ({ tx }) => {
      const repo = await tx.repositories.get(name);
      if (!repo) return false;
      await this.core.policies.beforeWrite(
        { kind: 'blob.delete', repository: name, digest: digest.value },
        { tx, by: actor.by },
      );
      return tx.blobs.unlink(repo.id, digest.value);
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
    await this.core.work.run(async ({ tx }) => {
      const target = await tx.repositories.ensure(name);
      await this.core.policies.beforeWrite(
        { kind: 'blob.mount', repository: name, digest: blob.digest, size: blob.size },
        { tx, by: actor.by },
      );
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
