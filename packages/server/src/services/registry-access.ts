import { can } from '../domain/rbac/evaluator.js';
import type { Action } from '../domain/rbac/resources.js';
import { projectNameOf } from '../lib/reference.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import { subjectOf, type SecurityContext } from './authenticator.js';
import { projectRef } from './project-access.js';

/** One requested or granted access of the token specification: `repository:team/app:pull,push`. */
export interface RegistryAccessRequest {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export interface RegistryGrant extends RegistryAccessRequest {
  /** Set when the scope names a repository in a project that does not exist (nothing can be granted). */
  readonly missingProject?: string;
}

/** The registry actions of the token specification and the RBAC action on `repository` each one needs. */
const REPOSITORY_ACTIONS: Readonly<Record<string, Action>> = { pull: 'pull', push: 'push', delete: 'delete' };

/**
 * Decides what a caller may do on /v2: the scopes of the token specification reduced to what the RBAC evaluator
 * allows (Harbor's behaviour: a token is always issued, with the actions the caller may not perform silently
 * dropped). Used by the token service for Bearer tokens and by /v2 for Basic credentials and anonymous callers.
 */
export class RegistryAccess {
  constructor(private readonly identity: Store) {}

  /**
   * Each requested scope with the actions `ctx` may perform (possibly none), in request order; never more than was
   * requested. `projectNamed` looks projects up (the token service passes a briefly cached lookup).
   */
  async grant(
    ctx: SecurityContext,
    requested: readonly RegistryAccessRequest[],
    projectNamed: (name: string) => Promise<ProjectRecord | undefined> = (name) =>
      this.identity.projects.getByName(name),
  ): Promise<RegistryGrant[]> {
    const projects = new Map<string, Promise<ProjectRecord | undefined>>();
    const projectOf = (name: string) => {
      let project = projects.get(name);
      if (!project) projects.set(name, (project = projectNamed(name)));
      return project;
    };
    return Promise.all(
      requested.map(async (scope): Promise<RegistryGrant> => {
        if (scope.type === 'registry') return this.grantRegistry(ctx, scope);
        if (scope.type !== 'repository') return { ...scope, actions: [] };
        const projectName = projectNameOf(scope.name);
        const project = await projectOf(projectName);
        if (!project) {
          // Marked for authenticated callers only; the /v2 edge names it only to those who may create projects
          // (they learn as much from POST /projects). To everyone else a missing project looks like a private one.
          const mayKnow = ctx.kind !== 'anonymous';
          return mayKnow ? { ...scope, actions: [], missingProject: projectName } : { ...scope, actions: [] };
        }
        const ref = projectRef(project);
        const wanted = scope.actions.includes('*') ? Object.keys(REPOSITORY_ACTIONS) : scope.actions;
        const actions = wanted.filter((action) => {
          const rbac = REPOSITORY_ACTIONS[action];
          return rbac !== undefined && can(subjectOf(ctx), ref, 'repository', rbac);
        });
        return { ...scope, actions: scope.actions.includes('*') && actions.length === 3 ? ['*'] : actions };
      }),
    );
  }

  /** `registry:catalog:*` is for system administrators only (Harbor's rule); other callers get a filtered list. */
  private grantRegistry(ctx: SecurityContext, scope: RegistryAccessRequest): RegistryGrant {
    const admin = scope.name === 'catalog' && can(subjectOf(ctx), undefined, 'catalog', 'read');
    return { ...scope, actions: admin ? scope.actions.filter((a) => a === '*') : [] };
  }

  /**
   * The ids of the projects whose repositories `ctx` may pull, for filtering the catalog; undefined means every
   * project (system administrators, and robots with access to all projects).
   */
  async readableProjectIds(ctx: SecurityContext): Promise<number[] | undefined> {
    if (can(subjectOf(ctx), undefined, 'catalog', 'read')) return undefined;
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const { items } = await this.identity.projects.list({ page, pageSize: 500 });
      for (const project of items) {
        if (can(subjectOf(ctx), projectRef(project), 'repository', 'pull')) ids.push(project.id);
      }
      if (items.length < 500) return ids;
    }
  }
}
