import type {
  AccessoryQuery,
  ArtifactQuery,
  PagedResult,
  PullRecords,
  RepositoryQuery,
  RepositoryView,
  TagQuery,
} from './metadata-queries.js';

export type * from './metadata-queries.js';

/**
 * The registry's records in the database port (ports/store.ts): repositories, manifests, tags, blob sizes and which
 * repository references which blob. The database is their source of truth. Lists are ordered by byte-wise (C
 * collation) comparison of names.
 */
export interface MetadataRepositories {
  readonly repositories: RepositoryRecords;
  readonly blobs: BlobRecords;
  readonly manifests: ManifestRecords;
  readonly tags: TagRecords;
  readonly uploads: UploadRecords;
  readonly pulls: PullRecords;
}

export interface Page {
  /** Return names strictly greater than this one. */
  readonly last?: string;
  readonly limit: number;
}

export interface RepositoryRecord {
  readonly id: number;
  readonly name: string;
  readonly createdAt: Date;
}

export interface RepositorySearch {
  /** Substring of the repository name, ASCII case-insensitive; empty matches every name. */
  readonly name: string;
  /** Only repositories of these projects; every repository when undefined. */
  readonly projectIds?: readonly number[];
  readonly limit: number;
}

/** A repository found by search, with how many manifests (artifacts) it holds. */
export interface RepositoryHit {
  readonly id: number;
  readonly name: string;
  readonly projectId: number;
  readonly description: string;
  readonly artifactCount: number;
  /** Pulls counted so far (RepositoryView.pullCount). */
  readonly pullCount: number;
}

export interface RepositoryRecords {
  get(name: string): Promise<RepositoryRecord | undefined>;
  /**
   * Returns the repository, creating it when absent (safe under concurrent callers) in the project `projectId`,
   * which the caller has found (the registry core: the project named by the first path segment);
   * NotFoundError('project') when that project no longer exists.
   */
  ensure(name: string, projectId: number): Promise<RepositoryRecord>;
  /** Names in byte order; only those of the given projects when `projectIds` is set. */
  list(page: Page, projectIds?: readonly number[]): Promise<string[]>;
  /** Repositories whose name contains `query.name`, ordered by name, at most `query.limit`. */
  search(query: RepositorySearch): Promise<RepositoryHit[]>;
  /** How many repositories the given projects hold; every repository when `projectIds` is undefined. */
  count(projectIds?: readonly number[]): Promise<number>;
  /** Repositories per project, for the projects given (absent: none). */
  countByProject(projectIds: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /** The management view of the named repository. */
  view(name: string): Promise<RepositoryView | undefined>;
  query(query: RepositoryQuery): Promise<PagedResult<RepositoryView>>;
  /** False when the repository does not exist. */
  setDescription(id: number, description: string): Promise<boolean>;
  /** Deletes the repository with its manifests, tags and blob links (not blob content); false when absent. */
  delete(id: number): Promise<boolean>;
}

export interface BlobRecord {
  readonly digest: string;
  readonly size: number;
  /** Present (true) while garbage collection deletes the blob: writers must not rely on it. */
  readonly deleting?: true;
}

export interface BlobRecords {
  get(digest: string): Promise<BlobRecord | undefined>;
  /**
   * Records a blob whose content is durably in storage, or touches it when recorded (see touch). False when the
   * recorded blob is being deleted by garbage collection: the writer must not rely on it (retry later).
   */
  put(blob: BlobRecord, at: number): Promise<boolean>;
  /**
   * Marks the recorded, live blobs among `digests` as used at `at` (their time window starts again) and takes their
   * row locks until the transaction ends, so that garbage collection cannot mark them meanwhile; returns those
   * touched. A digest not recorded, or being deleted, is absent from the result. Writers touch every blob they
   * make a new record rely on (a manifest's content and references, a mounted or re-uploaded blob, a tagged
   * manifest), inside their transaction, before checking that what they rely on still exists.
   */
  touch(digests: readonly string[], at: number): Promise<Set<string>>;
  /**
   * The blob, only if linked to the named repository and not being deleted by garbage collection (one query: this
   * is on every blob HEAD and GET).
   */
  getInRepository(repositoryName: string, digest: string): Promise<BlobRecord | undefined>;
  /** Links an existing blob record to a repository (idempotent). */
  link(repositoryId: number, digest: string): Promise<void>;
  /** Returns false when the blob was not linked. */
  unlink(repositoryId: number, digest: string): Promise<boolean>;
  /** Which of `digests` are linked to the repository. */
  linkedOf(repositoryId: number, digests: readonly string[]): Promise<Set<string>>;
  /** The sum of the sizes of every recorded blob (each digest once), in bytes. */
  totalSize(): Promise<number>;
}

export interface ManifestRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** `artifactType` of the manifest, else its config media type for image manifests; undefined otherwise. */
  readonly artifactType?: string | undefined;
  readonly subject?: string | undefined;
  readonly annotations?: Record<string, string> | undefined;
  /** What the management API calls the artifact's media type (domain/artifact-type.ts artifactMediaTypeOf). */
  readonly artifactMediaType?: string | undefined;
  readonly createdAt: Date;
  /** The last recorded pull, if any. */
  readonly pulledAt?: Date | undefined;
}

export type NewManifest = Omit<ManifestRecord, 'id' | 'createdAt' | 'pulledAt'> & {
  /** Its creation time in ms, read from the clock port by the caller (GC's time window compares it). */
  readonly at?: number;
};

export interface ManifestReference {
  readonly digest: string;
  readonly kind: 'blob' | 'manifest';
}

/** A manifest addressed the way the registry API addresses it. */
export type ManifestLocator = { readonly tag: string } | { readonly digest: string };

export interface ManifestRecords {
  get(repositoryId: number, digest: string): Promise<ManifestRecord | undefined>;
  /** Resolves a tag or digest of the named repository in one query (this is on every manifest GET and HEAD). */
  resolve(repositoryName: string, locator: ManifestLocator): Promise<ManifestRecord | undefined>;
  /** Inserts the manifest and its references; an existing (repository, digest) is returned unchanged. */
  put(manifest: NewManifest, references: readonly ManifestReference[]): Promise<ManifestRecord>;
  /** Deletes the manifest, its references and every tag pointing at it; false when absent. */
  delete(repositoryId: number, digest: string): Promise<boolean>;
  /** Which of `digests` are manifests of the repository. */
  existingOf(repositoryId: number, digests: readonly string[]): Promise<Set<string>>;
  /** Manifests of the repository whose subject is `subject`, ordered by digest. */
  referrers(repositoryId: number, subject: string, artifactType?: string): Promise<ManifestRecord[]>;
  /** References recorded for a manifest. */
  references(manifestId: number): Promise<ManifestReference[]>;
  /** The repository's artifacts (see ArtifactQuery). */
  query(repositoryId: number, query: ArtifactQuery): Promise<PagedResult<ManifestRecord>>;
  /** The manifests of the repository with these digests, in no particular order. */
  getMany(repositoryId: number, digests: readonly string[]): Promise<ManifestRecord[]>;
  /** Manifests of the repository that list `digest` as a child manifest (the indexes containing it). */
  parents(repositoryId: number, digest: string): Promise<ManifestRecord[]>;
  /** Manifests of the repository whose subject is one of `subjects`, ordered by digest. */
  referrersOf(repositoryId: number, subjects: readonly string[]): Promise<ManifestRecord[]>;
  /** One page of the manifests of the repository whose subject is `subject` (see AccessoryQuery). */
  accessories(repositoryId: number, subject: string, query: AccessoryQuery): Promise<PagedResult<ManifestRecord>>;
}

export interface TagRecord {
  readonly id: number;
  readonly repositoryId: number;
  readonly name: string;
  readonly digest: string;
  readonly manifestId: number;
  /** When the tag was last pushed (created or moved). */
  readonly updatedAt: Date;
  /** The last recorded pull by this tag, if any. */
  readonly pulledAt?: Date | undefined;
}

export interface TagRecords {
  get(repositoryId: number, name: string): Promise<TagRecord | undefined>;
  /** Points the tag at the manifest, creating or moving it; `at` (ms, the clock port's; default now) is its push time. */
  put(repositoryId: number, name: string, manifestId: number, at?: number): Promise<void>;
  delete(repositoryId: number, name: string): Promise<boolean>;
  list(repositoryId: number, page: Page): Promise<string[]>;
  /** Creates the tag; false, changing nothing, when the repository already has a tag of that name. */
  create(repositoryId: number, name: string, manifestId: number, at?: number): Promise<boolean>;
  /** The tags of one manifest. */
  query(manifestId: number, query: TagQuery): Promise<PagedResult<TagRecord>>;
  /** Every tag of these manifests, newest push first. */
  ofManifests(manifestIds: readonly number[]): Promise<TagRecord[]>;
}

export interface UploadRecord {
  readonly id: string;
  readonly repository: string;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  /**
   * The blob writer's saved state (JSON of the storage port's WriterState), from which any node resumes the
   * session; absent for sessions saved before writer states were kept (migration 0007).
   */
  readonly writerState?: string | undefined;
  /**
   * The fencing token of the lease under which the session was last saved (migration 0012); absent before any
   * fenced save.
   */
  readonly fence?: number | undefined;
}

export interface UploadRecords {
  create(upload: UploadRecord): Promise<void>;
  get(id: string): Promise<UploadRecord | undefined>;
  /**
   * Marks the session active at `at`, saving the writer's state when given. With `fence` (the fencing token of
   * the writer's lease on the session) the save is conditional: refused when the session was saved under a
   * greater token (a newer holder of the lease wrote since), else the session records `fence`. False when
   * nothing was saved: refused, or no such session.
   */
  touch(id: string, at: Date, writerState?: string, fence?: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  /** Sessions not touched since `before`. */
  staleSince(before: Date, limit: number): Promise<UploadRecord[]>;
}
