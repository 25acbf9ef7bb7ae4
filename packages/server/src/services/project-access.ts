import { NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../domain/errors.js';
import { can, type ProjectRef } from '../domain/rbac/evaluator.js';
import type { Action, ProjectResource, SystemResource } from '../domain/rbac/resources.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { subjectOf, type SecurityContext } from './authenticator.js';

/** What the evaluator needs of a stored project. */
export function projectRef(project: ProjectRecord): ProjectRef {
  return { id: project.id, name: project.name, public: project.public };
}

/**
 * Throws unless `ctx` may perform `action` on `resource` inside `project` (or at system scope when `project` is
 * undefined): UnauthenticatedError for anonymous callers (so clients are asked to log in), PermissionDeniedError
 * for everyone else. Every management-API authorisation decision goes through here or through `can`.
 */
export function authorize(
  ctx: SecurityContext,
  project: ProjectRecord | undefined,
  resource: ProjectResource | SystemResource,
  action: Action,
): void {
  if (can(subjectOf(ctx), project && projectRef(project), resource, action)) return;
  if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
  throw new PermissionDeniedError(
    project
      ? `not allowed to ${action} ${resource} in project ${project.name}`
      : `not allowed to ${action} ${resource}`,
  );
}

/**
 * Finds the project that Harbor's `{project_name_or_id}` path parameter names. When the request says so
 * (`isResourceName`) the parameter is always a name; otherwise a value made only of digits is an id (Harbor's rule).
 */
export async function findProject(identity: Store, nameOrId: string, isResourceName: boolean): Promise<ProjectRecord> {
  const byId = !isResourceName && /^\d{1,15}$/.test(nameOrId);
  const project = byId ? await identity.projects.get(Number(nameOrId)) : await identity.projects.getByName(nameOrId);
  if (!project) throw new NotFoundError('project', nameOrId, `project ${nameOrId} not found`);
  return project;
}
