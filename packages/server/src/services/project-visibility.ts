import { NotFoundError } from '../domain/errors.js';
import { can } from '../domain/rbac/evaluator.js';
import type { Action, ProjectResource } from '../domain/rbac/resources.js';
import type { ProjectFilter, ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { subjectOf, type SecurityContext } from './authenticator.js';
import { authorize, findProject } from './project-access.js';

/** Which projects a caller sees: every project, or the public ones plus those listed. */
export type ProjectScope = { readonly all: true } | { readonly all: false; readonly projectIds: readonly number[] };

/**
 * Harbor's rule for project lists, search and statistics. Callers the evaluator lets list projects at system scope
 * (system administrators, robots granted it) see every project; anyone else sees the public ones, plus: a user
 * the projects it is a member of (with a personal access token, those of them its scope names), a robot the projects its permissions name (every project for a permission on
 * `*`). Anonymous callers see only public projects.
 */
export async function projectScopeOf(identity: Store, ctx: SecurityContext): Promise<ProjectScope> {
  if (can(subjectOf(ctx), undefined, 'project', 'list')) return { all: true };
  switch (ctx.kind) {
    case 'anonymous':
      return { all: false, projectIds: [] };
    case 'user': {
      const member = [...ctx.subject.projectRoles.keys()];
      // With a personal access token, only the member projects its scope names (all of them for `*`).
      const blocks = ctx.subject.scope?.permissions.filter((p) => p.kind === 'project');
      if (blocks === undefined || blocks.some((p) => p.namespace === '*')) return { all: false, projectIds: member };
      const named = new Set(blocks.map((p) => p.projectId));
      return { all: false, projectIds: member.filter((id) => named.has(id)) };
    }
    case 'robot': {
      const blocks = ctx.subject.permissions.filter((p) => p.kind === 'project');
      if (blocks.some((p) => p.namespace === '*')) return { all: true };
      // Blocks are bound to a project id when written; only blocks written without one go by name.
      const bound = blocks.flatMap((p) => (p.projectId === undefined ? [] : [p.projectId]));
      const named = blocks.flatMap((p) => (p.projectId === undefined ? [p.namespace] : []));
      const projects = await Promise.all([...new Set(named)].map((name) => identity.projects.getByName(name)));
      const ids = [...bound.filter((id) => id > 0), ...projects.flatMap((p) => (p ? [p.id] : []))];
      return { all: false, projectIds: [...new Set(ids)] };
    }
    case 'system':
      return { all: true };
  }
}

/** `scope` as a store filter (none when it covers every project). */
export function scopeFilter(scope: ProjectScope): ProjectFilter {
  return scope.all ? {} : { visibleTo: { projectIds: scope.projectIds } };
}

/** A project path parameter: Harbor's `{project_name_or_id}` and whether the request says it is a name. */
export interface ProjectLocator {
  readonly nameOrId: string;
  readonly isResourceName: boolean;
}

/**
 * The project `at` names, once `ctx` may perform `action` on `resource` inside it. As in Harbor, a project that
 * does not exist is refused exactly like one the caller may not access (401 anonymous, 403 otherwise); only
 * callers who could act on any project, such as system administrators, learn that it does not exist (404). So
 * neither the content nor the existence of a private project is revealed to outsiders.
 */
export async function accessProject(
  identity: Store,
  ctx: SecurityContext,
  at: ProjectLocator,
  resource: ProjectResource,
  action: Action,
): Promise<ProjectRecord> {
  const project = await findProject(identity, at.nameOrId, at.isResourceName).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (project) {
    authorize(ctx, project, resource, action);
    return project;
  }
  // Decide for a private project of that name that nobody is a member of: only callers allowed everywhere pass.
  const byName = at.isResourceName || !/^\d{1,15}$/.test(at.nameOrId);
  const ghost: ProjectRecord = {
    id: -1,
    name: byName ? at.nameOrId : '',
    ownerId: null,
    public: false,
    metadata: {},
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
  authorize(ctx, ghost, resource, action);
  throw new NotFoundError('project', at.nameOrId, `project ${at.nameOrId} not found`);
}
