/** Small OCI image fixtures: a config blob, a few random layers and the image manifest that ties them together. */
import { createHash, randomBytes } from 'node:crypto';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface SmallBlob {
  readonly data: Buffer;
  readonly digest: string;
}

export interface SmallImage {
  readonly config: SmallBlob;
  readonly layers: readonly SmallBlob[];
  readonly manifest: Buffer;
  readonly manifestDigest: string;
}

function blob(data: Buffer): SmallBlob {
  return { data, digest: sha256(data) };
}

export function makeConfig(label: string): SmallBlob {
  const config = {
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'bench.wharf': label } },
    rootfs: { type: 'layers', diff_ids: [] as string[] },
  };
  return blob(Buffer.from(JSON.stringify(config)));
}

export function makeLayer(bytes: number): SmallBlob {
  return blob(randomBytes(bytes));
}

export function makeManifest(
  config: SmallBlob,
  layers: readonly SmallBlob[],
  annotations?: Record<string, string>,
): { manifest: Buffer; manifestDigest: string } {
  const doc = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: config.digest, size: config.data.length },
    layers: layers.map((l) => ({ mediaType: OCI_LAYER, digest: l.digest, size: l.data.length })),
    ...(annotations === undefined ? {} : { annotations }),
  };
  const manifest = Buffer.from(JSON.stringify(doc));
  return { manifest, manifestDigest: sha256(manifest) };
}

/** An image with a unique config and `layerCount` random layers of `layerBytes` each. */
export function makeSmallImage(label: string, layerCount: number, layerBytes: number): SmallImage {
  const config = makeConfig(label);
  const layers = Array.from({ length: layerCount }, () => makeLayer(layerBytes));
  return { config, layers, ...makeManifest(config, layers) };
}
