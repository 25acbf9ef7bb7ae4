import type { PagedResult, PageQuery } from './paging.js';

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

export interface ProjectQuery extends PageQuery {
  /** Substring of the name, ASCII case-insensitive. */
  readonly name?: string;
  readonly public?: boolean;
  readonly ownerId?: number;
  /** Only projects this principal may see: the public ones and those it (or one of its groups) is a member of. */
  readonly visibleTo?: { readonly userId: number; readonly groupIds?: readonly number[] };
}

/**
 * Projects: every repository belongs to the project named by its first path segment (repositories.project_id).
 * Lists are ordered by name, byte-wise.
 */
export interface ProjectRecords {
  /** ConflictError when the name is taken. */
  create(project: NewProject): Promise<ProjectRecord>;
  get(id: number): Promise<ProjectRecord | undefined>;
  getByName(name: string): Promise<ProjectRecord | undefined>;
  list(query: ProjectQuery): Promise<PagedResult<ProjectRecord>>;
  /** Undefined when the project does not exist. */
  update(id: number, update: ProjectUpdate): Promise<ProjectRecord | undefined>;
  /** Deletes the project with its members, robots and metadata; false when absent; ConflictError unless empty. */
  delete(id: number): Promise<boolean>;
  /** Repositories whose project_id is this project. */
  repositoryCount(id: number): Promise<number>;
}
