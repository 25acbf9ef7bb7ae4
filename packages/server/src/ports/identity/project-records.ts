import type { PagedResult, PageQuery, SortDirection } from './paging.js';

export interface ProjectRecord {
  readonly id: number;
  readonly name: string;
  readonly ownerId: number | null;
  readonly public: boolean;
  /** Harbor's project metadata other than `public` (auto_scan, severity, …): string values. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewProject {
  readonly name: string;
  readonly ownerId?: number | null;
  readonly public: boolean;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface ProjectUpdate {
  readonly public?: boolean;
  /** Merged into the stored metadata; a null value removes that key. */
  readonly metadata?: Readonly<Record<string, string | null>>;
}

/** Which projects a query or count covers; every given condition must hold. */
export interface ProjectFilter {
  /** Substring of the name, ASCII case-insensitive. */
  readonly name?: string;
  /** Only projects with one of these exact names. */
  readonly names?: readonly string[];
  /** Only projects with one of these ids. */
  readonly ids?: readonly number[];
  readonly public?: boolean;
  readonly ownerId?: number;
  /**
   * Only projects this principal may see: the public ones, those the user (or one of its groups) is a member of,
   * and those listed in `projectIds`.
   */
  readonly visibleTo?: {
    readonly userId?: number;
    readonly groupIds?: readonly number[];
    readonly projectIds?: readonly number[];
  };
}

export type ProjectSortKey = 'name' | 'id' | 'createdAt' | 'updatedAt';

export interface ProjectQuery extends ProjectFilter, PageQuery {
  /** Default: name ascending; later keys break ties of earlier ones, and the id breaks the rest. */
  readonly sort?: readonly { readonly by: ProjectSortKey; readonly direction: SortDirection }[];
}

/**
 * Projects: every repository belongs to the project named by its first path segment (repositories.project_id).
 * Lists are ordered by name, byte-wise, unless the query sorts otherwise.
 */
export interface ProjectRecords {
  /** ConflictError when the name is taken. */
  create(project: NewProject): Promise<ProjectRecord>;
  get(id: number): Promise<ProjectRecord | undefined>;
  getByName(name: string): Promise<ProjectRecord | undefined>;
  list(query: ProjectQuery): Promise<PagedResult<ProjectRecord>>;
  /** Undefined when the project does not exist. */
  update(id: number, update: ProjectUpdate): Promise<ProjectRecord | undefined>;
  /**
   * Deletes the project with its members, robots and metadata; false when absent; ConflictError while a repository
   * still belongs to it (the foreign key refuses; callers check emptiness first for a friendly answer).
   */
  delete(id: number): Promise<boolean>;
  /** How many projects match `filter`. */
  count(filter: ProjectFilter): Promise<number>;
  /** The ids of the projects that match `filter`, ascending. */
  ids(filter: ProjectFilter): Promise<number[]>;
}
