import type { PagedResult, PageQuery, SortDirection } from './identity/paging.js';

/**
 * A project's storage quota: the hard limit in bytes (-1: unlimited) and the bytes its repositories use. Usage counts
 * each digest once per project: the distinct digests linked to (`repository_blobs`) or stored as manifests of the
 * project's repositories, at the size recorded in `blobs` (docs/architecture.md, Quotas).
 */
export interface QuotaRecord {
  readonly id: number;
  readonly projectId: number;
  readonly projectName: string;
  /** The project owner's username, when it has a live owner. */
  readonly ownerName?: string | undefined;
  readonly hard: number;
  readonly used: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Harbor's quota list filters and sort (`hard.storage`, `used.storage`, their `-` forms, or the creation time). */
export interface QuotaQuery extends PageQuery {
  /** Only this project's quota (Harbor's `reference=project&reference_id=<id>`). */
  readonly projectId?: number | undefined;
  readonly sort?: readonly {
    readonly by: 'hard' | 'used' | 'creationTime' | 'id';
    readonly direction: SortDirection;
  }[];
}

/** What a write point changed in a project's usage (`delta` bytes: 0 when the digest was counted already). */
export interface UsageChange {
  readonly projectId: number;
  readonly delta: number;
  readonly used: number;
  readonly hard: number;
}

/** A reservation refused: the project's usage and limit when it was. */
export interface UsageRefusal {
  readonly refused: true;
  readonly projectId: number;
  readonly used: number;
  readonly hard: number;
}

/** One project whose stored usage a recount corrected. */
export interface UsageRepair {
  readonly projectId: number;
  readonly projectName: string;
  readonly before: number;
  readonly after: number;
}

/**
 * The quota rows. The reservation and release methods are one statement each (the /v2 write points call them inside
 * the change's transaction): the reservation is a conditional update that adds the digest's size only when the
 * project does not count the digest yet and only while the result stays within the limit, so concurrent writers,
 * in one process or several sharing a PostgreSQL database, cannot together pass the limit (the row lock orders them
 * and each re-reads `used`).
 */
export interface QuotaRecords {
  /**
   * The project's quota, created with the project in its transaction (ProjectService.create) with nothing used:
   * the requested limit or the system's `storage_per_project`. A project without one is unlimited.
   */
  create(projectId: number, hard: number): Promise<void>;
  get(id: number): Promise<QuotaRecord | undefined>;
  ofProject(projectId: number): Promise<QuotaRecord | undefined>;
  list(query: QuotaQuery): Promise<PagedResult<QuotaRecord>>;
  /** Sets the hard limit; false when there is no such quota. */
  setHard(id: number, hard: number): Promise<boolean>;
  /**
   * Counts `digest` (of `size` bytes) for the project named `project` unless it counts it already, within the limit.
   * Undefined when the project has no quota row (no such project); a refusal when the limit would be passed.
   */
  reserve(project: string, digest: string, size: number): Promise<UsageChange | UsageRefusal | undefined>;
  /**
   * Before the repository's manifest `digest` is deleted: stops counting its bytes unless the project still holds
   * the digest elsewhere (another repository's manifest, or any repository's blob link).
   */
  releaseManifest(repository: string, digest: string): Promise<UsageChange | undefined>;
  /** Before the repository's link to blob `digest` is removed: likewise for the blob. */
  releaseBlob(repository: string, digest: string): Promise<UsageChange | undefined>;
  /**
   * Before garbage collection removes the records of blobs it marked `deleting` (held by no manifest, only by
   * repository links): every project linking one of them stops counting it. Returns how many quotas changed.
   */
  releaseCollected(digests: readonly string[]): Promise<number>;
  /** Before the repository is deleted: stops counting the digests only it holds in its project. */
  releaseRepository(repository: string): Promise<UsageChange | undefined>;
  /** Recomputes every project's usage from the references, stores the corrected values, and returns them. */
  recount(): Promise<UsageRepair[]>;
}
