import { apiCall, apiJson } from './http';
import type { Repository } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { projectPath } from './projects';

/**
 * A repository's path segment: its name without the project prefix, encoded twice as Harbor requires
 * (`library/a/b` in project `library` → `a%252Fb`).
 */
export function repositorySegment(project: string, repository: string): string {
  const short = repository.startsWith(`${project}/`) ? repository.slice(project.length + 1) : repository;
  return encodeURIComponent(encodeURIComponent(short));
}

export function repositoryPath(project: string, repository: string): string {
  return `${projectPath(project)}/repositories/${repositorySegment(project, repository)}`;
}

export function listRepositories(project: string, query: ListQuery): Promise<Page<Repository>> {
  return apiPage<Repository>(`${projectPath(project)}/repositories`, query);
}

export function getRepository(project: string, repository: string): Promise<Repository> {
  return apiJson<Repository>(repositoryPath(project, repository));
}

export function updateDescription(project: string, repository: string, description: string): Promise<void> {
  return apiCall(repositoryPath(project, repository), { method: 'PUT', json: { description } });
}

export function deleteRepository(project: string, repository: string): Promise<void> {
  return apiCall(repositoryPath(project, repository), { method: 'DELETE' });
}
