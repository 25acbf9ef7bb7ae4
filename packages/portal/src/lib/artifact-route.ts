/**
 * Portal addresses of repositories and artifacts. Repository names contain slashes but never `@`, so an artifact is
 * `/artifacts/<repository>@<digest>` (or `…:<tag>`, split at the last `:` after the last `/`).
 */
export function repositoryRoute(repository: string): string {
  return `/repositories/${repository}`;
}

export function artifactRoute(repository: string, reference: string): string {
  return `/artifacts/${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
}

/** The project of a repository: its first path segment. */
export function projectOf(repository: string): string {
  return repository.split('/')[0] ?? '';
}

/** Parses the trailing path of an artifact route; undefined when it names no artifact. */
export function parseArtifactRoute(path: string): { repository: string; reference: string } | undefined {
  const at = path.lastIndexOf('@');
  if (at > 0) return { repository: path.slice(0, at), reference: path.slice(at + 1) };
  const colon = path.lastIndexOf(':');
  if (colon > path.lastIndexOf('/') && colon > 0) {
    return { repository: path.slice(0, colon), reference: path.slice(colon + 1) };
  }
  return undefined;
}
