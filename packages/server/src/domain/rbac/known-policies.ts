/**
 * Which (resource, action) pairs exist at each scope: what a robot account may be granted, and what the current
 * user's permission list (`GET /users/current/permissions`) is evaluated over. Derived from policies.ts plus the
 * few pairs Harbor adds on top of it; nothing here grants anything by itself.
 */
import { PUBLIC_PROJECT_POLICIES, ROBOT_PROJECT_GRANTABLE, ROBOT_SYSTEM_GRANTABLE, ROLE_POLICIES } from './policies.js';
import type { ProjectGrants, SystemGrants } from './policies.js';
import type { Action, ProjectResource, SystemResource } from './resources.js';

export interface Policy<R extends string> {
  readonly resource: R;
  readonly action: Action;
}

const CRUDL = ['create', 'read', 'update', 'delete', 'list'] as const;

/**
 * Harbor grants robots more than its base list (its "no limit" permission provider, Harbor 2.12 and later): robot
 * management at both scopes, member management in a project, and user, group and quota administration at system
 * scope. A robot still never obtains more than its creator holds (services/robots.ts checks that).
 */
const ROBOT_PROJECT_EXTRA: ProjectGrants = { robot: CRUDL, member: CRUDL };
const ROBOT_SYSTEM_EXTRA: SystemGrants = {
  robot: CRUDL,
  user: CRUDL,
  'user-group': CRUDL,
  'ldap-user': ['create', 'list'],
  'export-cve': ['create', 'read'],
  quota: ['update'],
};

/** System-scope pairs beyond the robot grants that Harbor's system namespace knows (administrator only). */
const SYSTEM_ONLY: SystemGrants = {
  project: ['read', 'update', 'delete'],
  configuration: ['read', 'update'],
  'garbage-collection': ['delete'],
  'scan-all': ['delete', 'list'],
  replication: ['update', 'delete'],
};

function union<R extends string>(...tables: Readonly<Partial<Record<R, readonly Action[]>>>[]): Policy<R>[] {
  const seen = new Set<string>();
  const result: Policy<R>[] = [];
  for (const table of tables) {
    for (const [resource, actions] of Object.entries(table) as [R, readonly Action[]][]) {
      for (const action of actions) {
        const key = `${resource}:${action}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.push({ resource, action });
      }
    }
  }
  return result;
}

function keys<R extends string>(policies: readonly Policy<R>[]): ReadonlySet<string> {
  return new Set(policies.map((p) => `${p.resource}:${p.action}`));
}

/** Every pair a robot may hold inside a project. */
export const ROBOT_PROJECT_POLICIES: readonly Policy<ProjectResource>[] = union(
  ROBOT_PROJECT_GRANTABLE,
  ROBOT_PROJECT_EXTRA,
);
/** Every pair a system-level robot may hold at system scope. */
export const ROBOT_SYSTEM_POLICIES: readonly Policy<SystemResource>[] = union(
  ROBOT_SYSTEM_GRANTABLE,
  ROBOT_SYSTEM_EXTRA,
);

/** Every pair that means something inside a project: any role's, the public ones, and the robot ones. */
export const PROJECT_POLICIES: readonly Policy<ProjectResource>[] = union(
  ...Object.values(ROLE_POLICIES),
  PUBLIC_PROJECT_POLICIES,
  ROBOT_PROJECT_GRANTABLE,
  ROBOT_PROJECT_EXTRA,
);
/** Every pair that means something at system scope. */
export const SYSTEM_POLICIES: readonly Policy<SystemResource>[] = union(
  ROBOT_SYSTEM_GRANTABLE,
  ROBOT_SYSTEM_EXTRA,
  SYSTEM_ONLY,
);

const ROBOT_PROJECT_KEYS = keys(ROBOT_PROJECT_POLICIES);
const ROBOT_SYSTEM_KEYS = keys(ROBOT_SYSTEM_POLICIES);

/** Whether a robot may be granted `action` on `resource` at `kind` scope (exact names; no wildcards). */
export function robotMayHold(kind: 'project' | 'system', resource: string, action: string): boolean {
  return (kind === 'project' ? ROBOT_PROJECT_KEYS : ROBOT_SYSTEM_KEYS).has(`${resource}:${action}`);
}
