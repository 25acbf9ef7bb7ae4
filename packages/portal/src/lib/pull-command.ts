import type { ArtifactKind } from './artifact-kind';

/**
 * The command that pulls an artifact by tag (`name:tag`) or digest (`name@sha256:…`): Helm for charts, docker for
 * everything else (podman takes the same arguments).
 */
export function pullCommand(kind: ArtifactKind, host: string, repository: string, reference: string): string {
  const byDigest = reference.includes(':');
  if (kind === 'chart') {
    return byDigest
      ? `helm pull oci://${host}/${repository}@${reference}`
      : `helm pull oci://${host}/${repository} --version ${reference}`;
  }
  return `docker pull ${host}/${repository}${byDigest ? '@' : ':'}${reference}`;
}
