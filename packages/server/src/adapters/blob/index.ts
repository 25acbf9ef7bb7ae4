import type { BlobStore } from '../../ports/blob-store.js';
import { BaseBlobStore } from './base-blob-store.js';
import { FilesystemBlobStore } from './filesystem-blob-store.js';
import { MemoryBlobStore } from './memory-blob-store.js';
import type { S3StoreOptions } from './s3-client.js';
import { S3BlobStore } from './s3-blob-store.js';

export type { S3StoreOptions } from './s3-client.js';

export type BlobStoreOptions =
  { driver: 'filesystem'; rootDirectory: string } | { driver: 'memory' } | ({ driver: 's3' } & S3StoreOptions);

/** Opens the configured storage driver, wrapped in the path checks every driver shares. */
export function createBlobStore(opts: BlobStoreOptions): BlobStore {
  switch (opts.driver) {
    case 'filesystem':
      return new BaseBlobStore(new FilesystemBlobStore(opts.rootDirectory));
    case 'memory':
      return new BaseBlobStore(new MemoryBlobStore());
    case 's3':
      return new BaseBlobStore(new S3BlobStore(opts));
  }
}
