import { UnauthenticatedError } from '../domain/errors.js';
import { can, type ProjectRef, type ScopedResource } from '../domain/rbac/evaluator.js';
import { PROJECT_POLICIES, SYSTEM_POLICIES, type Policy } from '../domain/rbac/known-policies.js';
import type { Store } from '../ports/store.js';
import { subjectOf, type SecurityContext } from './authenticator.js';
import { projectRef } from './project-access.js';

/** One entry of Harbor's Permission list. */
export interface Permission {
  readonly resource: string;
  readonly action: string;
}

/**
 * The current user's (or robot's) permissions in a scope, as Harbor's `GET /users/current/permissions` lists them:
 * every known (resource, action) pair of the scope that the RBAC evaluator allows. `scope` is `/system` (also
 * when absent) or `/project/<id>`; resources are written under the scope (`/project/3/repository`, the project
 * itself `/project/3`) or, with `relative`, relative to it (`repository`, the project itself `.`). A scope that
 * names no known namespace, or a project that does not exist, yields an empty list.
 */
export class PermissionService {
  constructor(private readonly identity: Store) {}

  async current(ctx: SecurityContext, scope: string | undefined, relative: boolean): Promise<Permission[]> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    const subject = subjectOf(ctx);
    // A robot's expiry is judged at its authentication, on the clock port (the subject carries the time).
    const path = (scope ?? '/system').replace(/\/+$/, '');
    if (path === '/system') {
      return allowed(SYSTEM_POLICIES, (p) => can(subject, undefined, p.resource, p.action)).map((p) => ({
        resource: relative ? p.resource : `/system/${p.resource}`,
        action: p.action,
      }));
    }
    const match = /^\/project\/(\d{1,15})$/.exec(path);
    if (!match) return [];
    const project = await this.identity.projects.get(Number(match[1]));
    if (!project) return [];
    const ref: ProjectRef = projectRef(project);
    return allowed(PROJECT_POLICIES, (p) => can(subject, ref, p.resource, p.action)).map((p) => ({
      resource: projectResourcePath(path, p.resource, relative),
      action: p.action,
    }));
  }
}

function allowed<R extends ScopedResource>(
  policies: readonly Policy<R>[],
  test: (policy: Policy<R>) => boolean,
): Policy<R>[] {
  return policies.filter(test);
}

/** Harbor's resource path: the project itself is the scope (`.` when relative). */
function projectResourcePath(scope: string, resource: string, relative: boolean): string {
  if (resource === 'project') return relative ? '.' : scope;
  return relative ? resource : `${scope}/${resource}`;
}
