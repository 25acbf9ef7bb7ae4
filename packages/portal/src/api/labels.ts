import type { ArtifactRef } from './artifacts';
import { apiCall } from './http';
import type { Label, LabelRequest } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { repositoryPath } from './repositories';

/** Global labels, or a project's (`projectId`). */
export type LabelScope = { readonly scope: 'g' } | { readonly scope: 'p'; readonly projectId: number };

export function listLabels(scope: LabelScope, query: ListQuery): Promise<Page<Label>> {
  const { q, ...paging } = query;
  return apiPage<Label>('/labels', paging, {
    query: {
      scope: scope.scope,
      project_id: scope.scope === 'p' ? scope.projectId : undefined,
      name: q || undefined,
    },
  });
}

export function createLabel(scope: LabelScope, label: Omit<LabelRequest, 'scope' | 'project_id'>): Promise<void> {
  const body: LabelRequest = {
    ...label,
    scope: scope.scope,
    ...(scope.scope === 'p' ? { project_id: scope.projectId } : {}),
  };
  return apiCall('/labels', { method: 'POST', json: body });
}

export function updateLabel(id: number, label: Omit<LabelRequest, 'scope' | 'project_id'>): Promise<void> {
  return apiCall(`/labels/${id}`, { method: 'PUT', json: label });
}

export function deleteLabel(id: number): Promise<void> {
  return apiCall(`/labels/${id}`, { method: 'DELETE' });
}

function artifactLabelsPath(ref: ArtifactRef): string {
  return `${repositoryPath(ref.project, ref.repository)}/artifacts/${encodeURIComponent(ref.reference)}/labels`;
}

export function addArtifactLabel(ref: ArtifactRef, labelId: number): Promise<void> {
  return apiCall(artifactLabelsPath(ref), { method: 'POST', json: { id: labelId } });
}

export function removeArtifactLabel(ref: ArtifactRef, labelId: number): Promise<void> {
  return apiCall(`${artifactLabelsPath(ref)}/${labelId}`, { method: 'DELETE' });
}
