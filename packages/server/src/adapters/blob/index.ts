import type { BlobStore } from '../../ports/blob-store.js';
import { BaseBlobStore } from './base-blob-store.js';
import { FilesystemBlobStore } from './filesystem-blob-store.js';
import { MemoryBlobStore } from './memory-blob-store.js';

export type BlobStoreOptions = { driver: 'filesystem'; rootDirectory: string } | { driver: 'memory' };

/** Opens the configured storage driver, wrapped in the path checks every driver shares. */
export function createBlobStore(opts: BlobStoreOptions): BlobStore {
  switch (opts.driver) {
    case 'filesystem':
      return new BaseBlobStore(new FilesystemBlobStore(opts.rootDirectory));
    case 'memory':
      return new BaseBlobStore(new MemoryBlobStore());
  }
}
