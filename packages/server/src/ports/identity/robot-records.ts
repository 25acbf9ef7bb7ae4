import type { PagedResult, PageQuery, SortDirection } from './paging.js';

/** One permitted (or, with effect `deny`, refused) action on a resource, as in Harbor's robot API. */
export interface RobotAccess {
  readonly resource: string;
  readonly action: string;
  readonly effect?: string;
}

/** Access within one namespace: a project name (kind `project`, `*` for all) or `/` (kind `system`). */
export interface RobotPermission {
  readonly kind: 'project' | 'system';
  readonly namespace: string;
  readonly access: readonly RobotAccess[];
  /**
   * The id of the project `namespace` named when the block was written (kind `project`, a name other than `*`),
   * set by the store on every write; 0 when no such project existed. The block applies to that project only, so a
   * project deleted and created again under the same name does not inherit the old one's robots.
   */
  readonly projectId?: number;
}

export type RobotLevel = 'system' | 'project';

export interface RobotRecord {
  readonly id: number;
  /** The full name: `robot$<name>` (system) or `robot$<project>+<name>` (project); composed by the service. */
  readonly name: string;
  readonly description: string;
  readonly level: RobotLevel;
  /** The owning project of a project-level robot; null for system robots. */
  readonly projectId: number | null;
  readonly permissions: readonly RobotPermission[];
  /** Only a hash of the secret is ever stored. */
  readonly secretHash: string;
  readonly disabled: boolean;
  /** The requested lifetime in days (Harbor's `duration`); null means never expires (Harbor's -1). */
  readonly durationDays: number | null;
  /** Null: never expires. */
  readonly expiresAt: Date | null;
  /** Who created it (username), for display. */
  readonly creator: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewRobot {
  readonly name: string;
  readonly description?: string;
  readonly level: RobotLevel;
  readonly projectId: number | null;
  readonly permissions: readonly RobotPermission[];
  readonly secretHash: string;
  readonly disabled?: boolean;
  readonly durationDays: number | null;
  readonly expiresAt: Date | null;
  readonly creator?: string | null;
}

export interface RobotUpdate {
  readonly description?: string;
  readonly permissions?: readonly RobotPermission[];
  readonly disabled?: boolean;
  readonly durationDays?: number | null;
  readonly expiresAt?: Date | null;
}

export interface RobotQuery extends PageQuery {
  readonly level?: RobotLevel;
  readonly projectId?: number;
  /** Substring of the name, ASCII case-insensitive. */
  readonly name?: string;
  /** The full name exactly. */
  readonly exactName?: string;
  /** Default: name ascending. */
  readonly sort?: { readonly by: 'id' | 'name' | 'createdAt' | 'updatedAt'; readonly direction: SortDirection };
}

/**
 * Robot accounts. A project-level robot belongs to its project and is deleted with it; a system robot has no
 * project. Lists are ordered by name (byte-wise) unless a sort is given; ties by id.
 */
export interface RobotRecords {
  /** ConflictError when the name is taken; NotFoundError when the project does not exist. */
  create(robot: NewRobot): Promise<RobotRecord>;
  get(id: number): Promise<RobotRecord | undefined>;
  getByName(name: string): Promise<RobotRecord | undefined>;
  list(query: RobotQuery): Promise<PagedResult<RobotRecord>>;
  /** Undefined when the robot does not exist. */
  update(id: number, update: RobotUpdate): Promise<RobotRecord | undefined>;
  /** Replaces the secret (refresh); false when the robot does not exist. */
  setSecretHash(id: number, secretHash: string): Promise<boolean>;
  delete(id: number): Promise<boolean>;
}
