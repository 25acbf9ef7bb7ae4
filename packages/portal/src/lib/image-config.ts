import type { Artifact } from '../api/models';
import type { ImageConfig } from '../api/oci';

/**
 * An image's configuration as Harbor reports it in the artifact's free-form `extra_attrs` (architecture, os,
 * created, author, config); undefined for artifacts that are not images.
 */
export function imageConfigOf(artifact: Partial<Pick<Artifact, 'extra_attrs'>>): ImageConfig | undefined {
  const attrs: ImageConfig | undefined = artifact.extra_attrs;
  return attrs && Object.keys(attrs).length > 0 ? attrs : undefined;
}
