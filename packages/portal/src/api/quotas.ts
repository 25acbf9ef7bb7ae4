import { apiCall, apiJson } from './http';
import type { ProjectSummary, Quota } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { BY_NAME, projectPath } from './projects';

/** Every project's quota (system administrators). */
export function listQuotas(query: ListQuery): Promise<Page<Quota>> {
  return apiPage<Quota>('/quotas', query, { query: { reference: 'project' } });
}

/** Sets a quota's storage limit in bytes, -1 for none. */
export function setQuotaLimit(id: number, bytes: number): Promise<void> {
  return apiCall(`/quotas/${id}`, { method: 'PUT', json: { hard: { storage: bytes } } });
}

/** A project's summary: its repository count and, for members, its quota. */
export function projectSummary(project: string): Promise<ProjectSummary> {
  return apiJson<ProjectSummary>(`${projectPath(project)}/summary`, { headers: BY_NAME });
}
