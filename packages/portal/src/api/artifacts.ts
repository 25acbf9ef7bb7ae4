import { apiCall, apiJson } from './http';
import type { Artifact, NewTag } from './models';
import { apiPage, type ListQuery, type Page } from './paging';
import { repositoryPath } from './repositories';

/** An artifact's address: project, full repository name (`library/alpine`) and a tag or digest. */
export interface ArtifactRef {
  readonly project: string;
  readonly repository: string;
  readonly reference: string;
}

function artifactPath(ref: ArtifactRef): string {
  return `${repositoryPath(ref.project, ref.repository)}/artifacts/${encodeURIComponent(ref.reference)}`;
}

export function listArtifacts(project: string, repository: string, query: ListQuery): Promise<Page<Artifact>> {
  return apiPage<Artifact>(`${repositoryPath(project, repository)}/artifacts`, query, {
    query: { with_tag: true, with_label: true, with_scan_overview: false, with_accessory: false },
  });
}

export function getArtifact(ref: ArtifactRef): Promise<Artifact> {
  return apiJson<Artifact>(artifactPath(ref), { query: { with_tag: true, with_accessory: true } });
}

export function deleteArtifact(ref: ArtifactRef): Promise<void> {
  return apiCall(artifactPath(ref), { method: 'DELETE' });
}

export function addTag(ref: ArtifactRef, name: string): Promise<void> {
  const tag: NewTag = { name };
  return apiCall(`${artifactPath(ref)}/tags`, { method: 'POST', json: tag });
}

export function deleteTag(ref: ArtifactRef, name: string): Promise<void> {
  return apiCall(`${artifactPath(ref)}/tags/${encodeURIComponent(name)}`, { method: 'DELETE' });
}
