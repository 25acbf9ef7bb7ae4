import { apiJson } from './http';
import type { TagHistoryEntry } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { repositoryPath } from './repositories';

/** A repository's tag history (a Wharf extension): unexpired entries, newest first. */
export function listTagHistory(project: string, repository: string, query: ListQuery): Promise<Page<TagHistoryEntry>> {
  return apiPage<TagHistoryEntry>(`${repositoryPath(project, repository)}/taghistory`, query);
}

/** Restores an entry: the artifact comes back if it was deleted, and the tag points at it again. */
export function restoreTagHistory(project: string, repository: string, id: number): Promise<TagHistoryEntry> {
  return apiJson<TagHistoryEntry>(`${repositoryPath(project, repository)}/taghistory/${id}/restore`, {
    method: 'POST',
  });
}

/** Whether the signed-in user may push to the project's repositories (and so restore their tag history). */
export async function mayPushTo(projectId: number): Promise<boolean> {
  const permissions = await apiJson<{ resource?: string; action?: string }[]>('/users/current/permissions', {
    query: { scope: `/project/${projectId}`, relative: true },
  });
  return permissions.some((p) => p.resource === 'repository' && p.action === 'push');
}
