import type { Artifact } from '../api/models';

/** What an artifact is, for its icon and pull command. */
export type ArtifactKind = 'image' | 'index' | 'chart' | 'sbom' | 'signature' | 'other';

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);
const IMAGE_CONFIG_TYPES = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';

/**
 * Classifies an artifact from what Harbor reports: `type` (IMAGE, CHART, …), the manifest's media type, the config
 * media type (`media_type`) and `artifact_type`. Signatures and SBOMs are recognised by their artifact or config
 * types (cosign, Notation, SPDX, CycloneDX), whatever `type` says.
 */
export function artifactKind(
  artifact: Partial<Pick<Artifact, 'type' | 'media_type' | 'manifest_media_type' | 'artifact_type'>>,
): ArtifactKind {
  const declared = `${artifact.artifact_type ?? ''} ${artifact.media_type ?? ''}`.toLowerCase();
  if (/signature|cosign|notary|notation/.test(declared)) return 'signature';
  if (/sbom|spdx|cyclonedx|syft/.test(declared)) return 'sbom';
  if (INDEX_TYPES.has(artifact.manifest_media_type ?? '')) return 'index';
  const type = (artifact.type ?? '').toUpperCase();
  if (type === 'CHART' || artifact.media_type === HELM_CONFIG) return 'chart';
  if (type === 'IMAGE' || IMAGE_CONFIG_TYPES.has(artifact.media_type ?? '')) return 'image';
  return 'other';
}
