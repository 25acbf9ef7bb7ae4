import { request } from './http';
import type { ImageConfig, Manifest } from './oci';

/**
 * What the management API does not describe is read from the registry API itself with the session: a manifest's
 * raw bytes and its layers, and an image's config (its build history).
 */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function registryPath(repository: string, kind: 'manifests' | 'blobs', reference: string): string {
  return `/v2/${repository.split('/').map(encodeURIComponent).join('/')}/${kind}/${encodeURIComponent(reference)}`;
}

/** The manifest's bytes as stored (pretty-printing is the viewer's job) and its parsed form. */
export async function fetchManifest(
  repository: string,
  reference: string,
): Promise<{ raw: string; manifest: Manifest }> {
  const res = await request(registryPath(repository, 'manifests', reference), { headers: { Accept: MANIFEST_ACCEPT } });
  const raw = await res.text();
  return { raw, manifest: JSON.parse(raw) as Manifest };
}

/** An image's config blob (the manifest's `config`), with the build history Harbor's artifact omits. */
export async function fetchImageConfig(repository: string, digest: string): Promise<ImageConfig> {
  const res = await request(registryPath(repository, 'blobs', digest));
  return (await res.json()) as ImageConfig;
}
