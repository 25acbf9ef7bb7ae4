import type { BlobStore } from '../ports/blob-store.js';
import type { Store } from '../ports/store.js';
import { BlobService } from './blobs.js';
import { ContentCache } from './content-cache.js';
import { ListingService } from './listings.js';
import { ManifestService } from './manifests.js';
import { PullRecorder, type PullRecorderOptions } from './pull-recorder.js';
import { UploadService } from './uploads.js';

export interface RegistryOptions {
  readonly manifestMaxBytes: number;
  /** Bytes of manifest content kept in memory. */
  readonly manifestCacheBytes?: number;
  /** How manifest pulls are recorded for the management API. */
  readonly pulls?: PullRecorderOptions;
}

/** The OCI registry semantics over the two ports; the HTTP edge talks only to this. */
export class Registry {
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  readonly listings: ListingService;
  readonly pulls: PullRecorder;

  constructor(store: Store, storage: BlobStore, opts: RegistryOptions) {
    this.blobs = new BlobService(store, storage);
    this.uploads = new UploadService(store, storage);
    this.manifests = new ManifestService(
      store,
      storage,
      new ContentCache(opts.manifestCacheBytes ?? 32 * 1024 * 1024),
      opts.manifestMaxBytes,
    );
    this.listings = new ListingService(store);
    this.pulls = new PullRecorder(store, opts.pulls);
  }
}
