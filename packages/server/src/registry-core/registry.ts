import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { MetadataStore } from '../ports/metadata-store.js';
import { BlobService } from './blobs.js';
import { ContentCache } from './content-cache.js';
import { ListingService } from './listings.js';
import { ManifestService } from './manifests.js';
import { PullRecorder, type PullRecorderOptions } from './pull-recorder.js';
import { UploadService, type UploadCoordination } from './uploads.js';

export interface RegistryOptions {
  readonly manifestMaxBytes: number;
  /** Bytes of manifest content kept in memory. */
  readonly manifestCacheBytes?: number;
  /** How manifest pulls are recorded for the management API. */
  readonly pulls?: PullRecorderOptions;
  /** Keeps the nodes of a deployment out of each other's upload sessions (leases). */
  readonly uploads?: UploadCoordination;
  /** Blob downloads redirect to the storage backend's URLs where it offers them (`storage.redirect`). */
  readonly blobRedirect?: boolean;
  /** Stamps upload sessions (default: the system clock). */
  readonly clock?: Clock;
}

/** The OCI registry semantics over the two ports; the HTTP edge talks only to this. */
export class Registry {
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  readonly listings: ListingService;
  readonly pulls: PullRecorder;

  constructor(store: MetadataStore, storage: BlobStore, opts: RegistryOptions) {
    this.blobs = new BlobService(store, storage, { redirect: opts.blobRedirect ?? false });
    const clock = opts.clock;
    this.uploads = new UploadService(store, storage, clock ? () => new Date(clock.now()) : undefined, opts.uploads);
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
