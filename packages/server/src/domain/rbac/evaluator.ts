/**
 * Authorisation decisions: who may do which action on which resource, in one project or at system scope.
 * Every answer derives from the tables in policies.ts (roles, public projects) or from a robot's own
 * permission list; nothing else grants anything. A personal access token's scope only ever takes away.
 */
import { PUBLIC_PROJECT_POLICIES, ROLE_POLICIES, grantsAllow } from './policies.js';
import {
  isProjectResource,
  isSystemResource,
  type Action,
  type ProjectResource,
  type SystemResource,
} from './resources.js';
import type { ProjectRole } from './roles.js';

/** What the evaluator needs to know about the project a request addresses. */
export interface ProjectRef {
  readonly id: number;
  readonly name: string;
  readonly public: boolean;
}

/** One entry of a robot's permission list (Harbor's robot Access: resource, action, optional effect). */
export interface RobotAccess {
  readonly resource: string;
  readonly action: string;
  readonly effect?: 'allow' | 'deny';
}

/**
 * A block of a robot's permissions (Harbor's robot Permission). `kind: 'project'` applies inside the project
 * named `namespace`, or inside every project when `namespace` is `*`; `kind: 'system'` applies at system scope
 * (Harbor writes its namespace as `/`; it is not consulted).
 */
export interface RobotPermission {
  readonly kind: 'project' | 'system';
  readonly namespace: string;
  readonly access: readonly RobotAccess[];
  /** The project the block was bound to when written: it applies to that project (by id), not to a namesake. */
  readonly projectId?: number;
}

export interface AnonymousSubject {
  readonly kind: 'anonymous';
}

export interface UserSubject {
  readonly kind: 'user';
  readonly id: number;
  readonly username: string;
  /** System administrators may do everything. */
  readonly sysadmin: boolean;
  /** Roles by project id; several when membership also comes through groups. */
  readonly projectRoles: ReadonlyMap<number, readonly ProjectRole[]>;
  /**
   * Set when the user authenticated with a personal access token (tokens/): what the token allows, in a robot's
   * permission shape. The user may then do only what both their own rights and this scope allow (the intersection);
   * what anonymous callers may do in a public project stays allowed.
   */
  readonly scope?: TokenScope | undefined;
}

/** The scope of a personal access token: its id (tokens issued from it carry it) and what it allows. */
export interface TokenScope {
  readonly tokenId: number;
  readonly permissions: readonly RobotPermission[];
}

export interface RobotSubject {
  readonly kind: 'robot';
  readonly id: number;
  /** Full name: `robot$<project>+<name>` (project level) or `robot$<name>` (system level). */
  readonly name: string;
  readonly level: 'project' | 'system';
  readonly disabled: boolean;
  /** `null` never expires. */
  readonly expiresAt: Date | null;
  readonly permissions: readonly RobotPermission[];
  /**
   * When the robot was authenticated, on the clock port (services/authenticator.ts stamps it): the instant at
   * which its expiry is judged for the request, unless a decision passes its own `now`. The evaluator never reads
   * the real time.
   */
  readonly authenticatedAt: Date;
}

/**
 * Wharf itself, for work that no request drives (background jobs, purges, replication, proxy-cache fills): it may
 * do everything, and says which job acts, so that what it changes is recorded under that name and never under a
 * borrowed user's.
 */
export interface SystemSubject {
  readonly kind: 'system';
  /** The job acting, e.g. `gc`, `retention`, `replication`. */
  readonly job: string;
}

export type Subject = AnonymousSubject | UserSubject | RobotSubject | SystemSubject;

/** The subject of a system job. */
export function systemSubject(job: string): SystemSubject {
  if (job === '') throw new Error('a system subject names its job');
  return { kind: 'system', job };
}

export type ScopedResource = ProjectResource | SystemResource;

/**
 * Whether `subject` may perform `action` on `resource` inside `project`, or at system scope when `project` is
 * undefined. A resource that does not exist at the requested scope is never allowed. A robot's expiry is judged at
 * `now` (default: when it was authenticated, on the clock port).
 */
export function can(
  subject: Subject,
  project: ProjectRef | undefined,
  resource: ScopedResource,
  action: Action,
  now?: Date,
): boolean {
  if (project !== undefined && !isProjectResource(resource)) return false;
  if (project === undefined && !isSystemResource(resource)) return false;
  switch (subject.kind) {
    case 'anonymous':
      return project !== undefined && publicAllows(project, resource, action);
    case 'user':
      return userCan(subject, project, resource, action);
    case 'robot':
      return robotCan(subject, project, resource, action, now);
    case 'system':
      return true;
  }
}

/** The subset of `requested` that `subject` may perform, in the order requested (token scopes shrink to this). */
export function permittedActions(
  subject: Subject,
  project: ProjectRef | undefined,
  resource: ScopedResource,
  requested: readonly Action[],
  now?: Date,
): Action[] {
  return requested.filter((action) => can(subject, project, resource, action, now));
}

/** Whether a robot may authenticate at all: enabled and not past its expiry at `now` (default: its authentication). */
export function isRobotActive(robot: RobotSubject, now: Date = robot.authenticatedAt): boolean {
  return !robot.disabled && (robot.expiresAt === null || robot.expiresAt.getTime() > now.getTime());
}

function publicAllows(project: ProjectRef, resource: ScopedResource, action: Action): boolean {
  return project.public && isProjectResource(resource) && grantsAllow(PUBLIC_PROJECT_POLICIES, resource, action);
}

function userCan(
  user: UserSubject,
  project: ProjectRef | undefined,
  resource: ScopedResource,
  action: Action,
): boolean {
  const scoped = user.scope && listDecision(user.scope.permissions, project, resource, action);
  if (scoped !== undefined && scoped !== 'allow') {
    return scoped === 'none' && project !== undefined && publicAllows(project, resource, action);
  }
  if (user.sysadmin) return true;
  if (project === undefined || !isProjectResource(resource)) return false;
  const roles = user.projectRoles.get(project.id) ?? [];
  if (roles.some((role) => grantsAllow(ROLE_POLICIES[role], resource, action))) return true;
  return publicAllows(project, resource, action);
}

function robotCan(
  robot: RobotSubject,
  project: ProjectRef | undefined,
  resource: ScopedResource,
  action: Action,
  now: Date | undefined,
): boolean {
  if (!isRobotActive(robot, now)) return false;
  const decision = listDecision(robot.permissions, project, resource, action);
  if (decision !== 'none') return decision === 'allow';
  return project !== undefined && publicAllows(project, resource, action);
}

/**
 * What a permission list (a robot's, a personal access token's scope) says of the action: `deny` when a matching
 * entry denies it, `allow` when one matches, `none` when nothing matches.
 */
function listDecision(
  permissions: readonly RobotPermission[],
  project: ProjectRef | undefined,
  resource: ScopedResource,
  action: Action,
): 'allow' | 'deny' | 'none' {
  const entries = permissions
    .filter((p) => (project === undefined ? p.kind === 'system' : p.kind === 'project' && appliesTo(p, project)))
    .flatMap((p) => p.access)
    .filter((a) => accessMatches(a, resource, action, project !== undefined));
  if (entries.some((a) => a.effect === 'deny')) return 'deny';
  return entries.length > 0 ? 'allow' : 'none';
}

function appliesTo(permission: RobotPermission, project: ProjectRef): boolean {
  if (permission.namespace === '*') return true;
  return permission.projectId === undefined
    ? permission.namespace === project.name
    : permission.projectId === project.id;
}

/**
 * Harbor matches a robot's resource with keyMatch2 against `/project/:id/<resource>`: `*` covers every resource
 * inside the project but not the project itself. Action `*` covers every action. Harbor also lets a robot that
 * may push pull as well.
 */
function accessMatches(access: RobotAccess, resource: ScopedResource, action: Action, inProject: boolean): boolean {
  const resourceMatches =
    access.resource === resource || (access.resource === '*' && !(inProject && resource === 'project'));
  if (!resourceMatches) return false;
  if (access.action === '*' || access.action === action) return true;
  return inProject && action === 'pull' && access.action === 'push' && access.effect !== 'deny';
}
