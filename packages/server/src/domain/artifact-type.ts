import { isIndexMediaType, MediaTypes } from '../lib/media-types.js';

/**
 * How Harbor classifies what a manifest carries, for its management API: the artifact's `media_type` and `type`.
 *
 * - The media type of an image manifest's artifact is its config's media type; an index's is its own media type,
 *   unless its annotations declare `org.opencontainers.artifactType` (CNAB bundles do).
 * - The type follows from that media type: image configs and indexes are IMAGE, a Helm chart config is CHART, a
 *   CNAB bundle is CNAB; other configs named `application/vnd.<vendor>.<kind>.config.<version>+json` are <KIND>
 *   upper-cased; anything else is UNKNOWN.
 */
export type ArtifactType = 'IMAGE' | 'CHART' | 'CNAB' | 'UNKNOWN' | (string & {});

export const IMAGE_CONFIG_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
];
export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
export const CNAB_MEDIA_TYPES: readonly string[] = [
  'application/vnd.cnab.manifest.v1',
  'application/vnd.cnab.config.v1+json',
];

const INDEX_ARTIFACT_TYPE_ANNOTATION = 'org.opencontainers.artifactType';
const VENDOR_CONFIG = /^application\/vnd\.[^.]*\.(.*)\.config\.[^.]*\+json$/;

/** The artifact media type of a manifest: its config's media type, or the index's (declared) media type. */
export function artifactMediaTypeOf(
  manifestMediaType: string,
  configMediaType: string | undefined,
  annotations?: Readonly<Record<string, string>>,
): string {
  if (isIndexMediaType(manifestMediaType)) {
    const declared = annotations?.[INDEX_ARTIFACT_TYPE_ANNOTATION];
    return declared !== undefined && declared !== '' ? declared : manifestMediaType;
  }
  return configMediaType ?? manifestMediaType;
}

/** The artifact type of an artifact media type (see artifactMediaTypeOf). */
export function artifactTypeOf(artifactMediaType: string): ArtifactType {
  if (IMAGE_CONFIG_MEDIA_TYPES.includes(artifactMediaType) || isIndexMediaType(artifactMediaType)) return 'IMAGE';
  if (artifactMediaType === MediaTypes.dockerSchema1Signed) return 'IMAGE';
  if (artifactMediaType === HELM_CONFIG_MEDIA_TYPE) return 'CHART';
  if (CNAB_MEDIA_TYPES.includes(artifactMediaType)) return 'CNAB';
  const vendor = VENDOR_CONFIG.exec(artifactMediaType);
  return vendor?.[1] ? vendor[1].toUpperCase() : 'UNKNOWN';
}
