import { NotFoundError } from '../domain/errors.js';
import type { Action, ProjectResource } from '../domain/rbac/resources.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { RepositoryRecord } from '../ports/metadata-store.js';
import type { SecurityContext } from './authenticator.js';
import { accessProject } from './project-visibility.js';

/**
 * Resolving Harbor's `/projects/{project_name}/repositories/{repository_name}` paths with the caller's rights.
 *
 * The project is looked up by name and authorised by `accessProject`, the same rule as the projects API: a project
 * that does not exist is answered as one the caller may not see (401 anonymous, 403 otherwise); only a caller who
 * would be allowed the action in any project of that name learns it does not exist.
 */
export function projectFor(
  identity: Store,
  ctx: SecurityContext,
  projectName: string,
  resource: ProjectResource,
  action: Action,
): Promise<ProjectRecord> {
  return accessProject(identity, ctx, { nameOrId: projectName, isResourceName: true }, resource, action);
}

/** The full name of `{repository_name}` (given without the project) inside the project. */
export function fullRepositoryName(project: ProjectRecord, repositoryName: string): string {
  return `${project.name}/${repositoryName}`;
}

/** The repository `{repository_name}` of the project, or NotFoundError. */
export async function repositoryIn(
  store: Store,
  project: ProjectRecord,
  repositoryName: string,
): Promise<RepositoryRecord> {
  const name = fullRepositoryName(project, repositoryName);
  const repository = await store.repositories.get(name);
  if (!repository) throw new NotFoundError('repository', name, `repository ${name} not found`);
  return repository;
}
