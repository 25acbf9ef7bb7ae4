import { NotFoundError } from '../domain/errors.js';
import type { Action, ProjectResource } from '../domain/rbac/resources.js';
import type { IdentityStore, ProjectRecord } from '../ports/identity-store.js';
import type { MetadataStore, RepositoryRecord } from '../ports/metadata-store.js';
import type { SecurityContext } from './authenticator.js';
import { authorize } from './project-access.js';

/**
 * Resolving Harbor's `/projects/{project_name}/repositories/{repository_name}` paths with the caller's rights.
 *
 * Like Harbor, a project that does not exist is answered as one the caller may not see (401 anonymous, 403
 * otherwise), so that outsiders cannot probe for private project names; a caller who would be allowed the action
 * in any project of that name (a system administrator, a robot covering every project) learns it does not exist.
 */
export async function projectFor(
  identity: IdentityStore,
  ctx: SecurityContext,
  projectName: string,
  resource: ProjectResource,
  action: Action,
): Promise<ProjectRecord> {
  const project = await identity.projects.getByName(projectName);
  if (project) {
    authorize(ctx, project, resource, action);
    return project;
  }
  const epoch = new Date(0);
  const unknown: ProjectRecord = {
    id: 0,
    name: projectName,
    ownerId: null,
    public: false,
    metadata: {},
    createdAt: epoch,
    updatedAt: epoch,
  };
  authorize(ctx, unknown, resource, action);
  throw new NotFoundError('project', projectName, `project ${projectName} not found`);
}

/** The full name of `{repository_name}` (given without the project) inside the project. */
export function fullRepositoryName(project: ProjectRecord, repositoryName: string): string {
  return `${project.name}/${repositoryName}`;
}

/** The repository `{repository_name}` of the project, or NotFoundError. */
export async function repositoryIn(
  store: MetadataStore,
  project: ProjectRecord,
  repositoryName: string,
): Promise<RepositoryRecord> {
  const name = fullRepositoryName(project, repositoryName);
  const repository = await store.repositories.get(name);
  if (!repository) throw new NotFoundError('repository', name, `repository ${name} not found`);
  return repository;
}
