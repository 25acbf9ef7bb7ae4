/**
 * Queries of the metadata store made for the management API (Harbor's repositories, artifacts and tags views), and
 * the pull activity the registry records. Offset paging as in Harbor: `page` counts from 1.
 */
import type { PageQuery, SortDirection } from './identity/paging.js';

export type { PagedResult, PageQuery, SortDirection } from './identity/paging.js';

/** A value filter: equal to one of `anyOf`, or containing `contains` (ASCII case-insensitively). */
export type ValueMatch = { readonly anyOf: readonly string[] } | { readonly contains: string };

export interface SortKey<K extends string> {
  readonly by: K;
  readonly direction: SortDirection;
}

/** A repository as the management API shows it. */
export interface RepositoryView {
  readonly id: number;
  /** Full name, project first. */
  readonly name: string;
  readonly projectId: number;
  readonly description: string;
  /** Artifacts an artifact list shows by default (see ArtifactQuery). */
  readonly artifactCount: number;
  readonly pullCount: number;
  readonly createdAt: Date;
  /** The latest of: creation, description change, manifest push, tag push. */
  readonly updatedAt: Date;
}

export type RepositorySortBy = 'id' | 'name' | 'creationTime' | 'updateTime' | 'pullCount';

export interface RepositoryQuery extends PageQuery {
  /** Only repositories of these projects; every repository when undefined. */
  readonly projectIds?: readonly number[];
  /** Matched against the full name. */
  readonly name?: ValueMatch;
  /** Default: newest first. */
  readonly sort?: readonly SortKey<RepositorySortBy>[];
}

export type ArtifactSortBy = 'id' | 'pushTime' | 'pullTime' | 'digest';

/**
 * The artifacts of one repository. Like Harbor, a list shows tagged manifests and manifests no index of the
 * repository references; manifests with a subject (accessories: signatures, SBOMs, ...) are not listed.
 */
export interface ArtifactQuery extends PageQuery {
  /** true: only tagged artifacts; false: only untagged ones. */
  readonly tagged?: boolean;
  /** Artifacts with a tag matching. */
  readonly tag?: ValueMatch;
  readonly digest?: ValueMatch;
  /** The artifact media type (ManifestRecord.artifactMediaType). */
  readonly mediaType?: ValueMatch;
  /** Harbor's artifact type, as domain/artifact-type.ts derives it from the artifact media type. */
  readonly type?: ValueMatch;
  /** Default: newest push first. */
  readonly sort?: readonly SortKey<ArtifactSortBy>[];
}

export type AccessorySortBy = 'id' | 'creationTime' | 'digest';

/** The accessories of one artifact: the manifests of its repository whose subject is that artifact. */
export interface AccessoryQuery extends PageQuery {
  readonly digest?: ValueMatch;
  /** Harbor's accessory type, as domain/accessory-type.ts derives it. */
  readonly type?: ValueMatch;
  /** Default: newest push first. */
  readonly sort?: readonly SortKey<AccessorySortBy>[];
}

export type TagSortBy = 'id' | 'name' | 'pushTime' | 'pullTime';

export interface TagQuery extends PageQuery {
  readonly name?: ValueMatch;
  /** Default: newest push first. */
  readonly sort?: readonly SortKey<TagSortBy>[];
}

/** Pulls gathered over a short while, written in one go. */
export interface PullBatch {
  /** Pulls to add to each repository's count. */
  readonly repositories: readonly { readonly id: number; readonly count: number }[];
  /** Latest pull time per manifest. */
  readonly manifests: readonly { readonly id: number; readonly at: Date }[];
  /** Latest pull time per tag pulled by name. */
  readonly tags: readonly { readonly repositoryId: number; readonly name: string; readonly at: Date }[];
}

export interface PullRecords {
  /** Adds the counts and moves pull times forward (never backward); rows deleted meanwhile are skipped. */
  record(batch: PullBatch): Promise<void>;
}
