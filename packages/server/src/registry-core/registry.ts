import type { EventBus } from '../events/event-bus.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { ArtifactOperations } from './artifacts.js';
import { BlobService } from './blobs.js';
import { ContentCache, type ContentCacheStats } from './content-cache.js';
import type { CoreDependencies } from './core.js';
import { ListingService } from './listings.js';
import { ManifestService } from './manifests.js';
import { PolicyChain } from './policies.js';
import { TagHistoryOperations } from './tag-history.js';
import { UploadService, type UploadCoordination } from './uploads.js';

export interface RegistryOptions {
  readonly manifestMaxBytes: number;
  /** Bytes of manifest content kept in memory. */
  readonly manifestCacheBytes?: number;
  /** Keeps the nodes of a deployment out of each other's upload sessions (leases). */
  readonly uploads?: UploadCoordination;
  /** Blob downloads redirect to the storage backend's URLs where it offers them (`storage.redirect`). */
  readonly blobRedirect?: boolean;
  /** How long deleted or moved tags and deleted artifacts can be restored, in ms (`tags.restoreWindow`); 0: off. */
  readonly restoreWindowMs?: number;
}

/** The core's services; each may be replaced by a wrapper (a proxy cache, replication) at composition. */
export interface RegistryServices {
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  readonly listings: ListingService;
  readonly artifacts: ArtifactOperations;
  readonly history: TagHistoryOperations;
}

export interface RegistryDependencies {
  readonly store: Store;
  readonly storage: BlobStore;
  readonly work: UnitOfWork;
  readonly bus: EventBus;
  readonly clock: Clock;
  /** The policy chain; read-only mode is its first link (main.ts). */
  readonly policies?: PolicyChain;
  /** Wraps or replaces the default services (each receives the defaults built so far). */
  readonly wrap?: (defaults: RegistryServices, core: CoreDependencies) => RegistryServices;
}

/**
 * The OCI registry semantics over the ports, and the only writer of registry state: /v2 handlers and the
 * management API both change repositories, manifests, tags and blob links through it, so every change passes the
 * policy chain and records its events in the same transaction.
 */
export class Registry implements RegistryServices {
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  readonly listings: ListingService;
  readonly artifacts: ArtifactOperations;
  readonly history: TagHistoryOperations;
  readonly policies: PolicyChain;
  /** The manifest content cache's hit and miss counts (read by the metrics). */
  readonly manifestCache: { stats(): ContentCacheStats };

  constructor(deps: RegistryDependencies, opts: RegistryOptions) {
    const core: CoreDependencies = {
      store: deps.store,
      storage: deps.storage,
      work: deps.work,
      bus: deps.bus,
      clock: deps.clock,
      policies: deps.policies ?? new PolicyChain(),
      restoreWindowMs: opts.restoreWindowMs ?? 0,
    };
    this.policies = core.policies;
    const cache = new ContentCache(opts.manifestCacheBytes ?? 32 * 1024 * 1024);
    this.manifestCache = cache;
    const manifests = new ManifestService(core, cache, opts.manifestMaxBytes);
    const defaults: RegistryServices = {
      blobs: new BlobService(core, { redirect: opts.blobRedirect ?? false }),
      uploads: new UploadService(core, opts.uploads),
      manifests,
      listings: new ListingService(deps.store),
      artifacts: new ArtifactOperations(core, manifests),
      history: new TagHistoryOperations(core, manifests),
    };
    const services = deps.wrap ? deps.wrap(defaults, core) : defaults;
    this.blobs = services.blobs;
    this.uploads = services.uploads;
    this.manifests = services.manifests;
    this.listings = services.listings;
    this.artifacts = services.artifacts;
    this.history = services.history;
  }
}
