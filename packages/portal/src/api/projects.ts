import { apiCall, apiJson } from './http';
import type { Project, ProjectDeletable, ProjectReq, ProjectUpdateReq } from './models';
import { apiPage, type ListQuery, type Page } from './paging';

/** Project paths take a name or an id; this header says it is a name even when it looks like a number. */
export const BY_NAME = { 'X-Is-Resource-Name': 'true' } as const;

export function projectPath(projectName: string): string {
  return `/projects/${encodeURIComponent(projectName)}`;
}

export function listProjects(query: ListQuery): Promise<Page<Project>> {
  return apiPage<Project>('/projects', query, { query: { with_detail: true } });
}

export function createProject(name: string, isPublic: boolean): Promise<void> {
  const req: ProjectReq = { project_name: name, metadata: { public: String(isPublic) } };
  return apiCall('/projects', { method: 'POST', json: req });
}

export function getProject(name: string): Promise<Project> {
  return apiJson<Project>(projectPath(name), { headers: BY_NAME });
}

export function setProjectPublic(name: string, isPublic: boolean): Promise<void> {
  const req: ProjectUpdateReq = { metadata: { public: String(isPublic) } };
  return apiCall(projectPath(name), { method: 'PUT', json: req, headers: BY_NAME });
}

export function projectDeletable(name: string): Promise<ProjectDeletable> {
  return apiJson<ProjectDeletable>(`${projectPath(name)}/_deletable`, { headers: BY_NAME });
}

export function deleteProject(name: string): Promise<void> {
  return apiCall(projectPath(name), { method: 'DELETE', headers: BY_NAME });
}
