// Images pushed straight through /v2 as the administrator, for pages that need content but not a real client.
import { pushBlobMonolithic, pushManifest } from '../../server/test/helpers/oci-client.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface Blob {
  readonly digest: string;
  readonly size: number;
}

function manifestOf(config: Blob, layer: Blob, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
    annotations,
  });
}

async function pushBase(base: string, repository: string): Promise<{ config: Blob; layer: Blob }> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/bin'], Cmd: ['/app'] },
      rootfs: { type: 'layers', diff_ids: [] },
      history: [{ created: '2026-01-01T00:00:00Z', created_by: 'COPY app /app' }],
    }),
  );
  return {
    config: await pushBlobMonolithic(base, repository, config),
    layer: await pushBlobMonolithic(base, repository, Buffer.from(`layer of ${repository}`)),
  };
}

/** One small image tagged `tag`; returns its manifest digest. */
export async function pushTinyImage(base: string, repository: string, tag: string): Promise<string> {
  const { config, layer } = await pushBase(base, repository);
  return (await pushManifest(base, repository, tag, manifestOf(config, layer), OCI_MANIFEST)).digest;
}

/**
 * `count` artifacts in one repository, each a distinct manifest tagged `<prefix><number>` (zero-padded to five
 * digits, numbered in push order), pushed `concurrency` at a time.
 */
export async function pushManyArtifacts(
  base: string,
  repository: string,
  count: number,
  opts: { prefix: string; concurrency: number },
): Promise<void> {
  const { config, layer } = await pushBase(base, repository);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const tag = `${opts.prefix}${String(next++).padStart(5, '0')}`;
      await pushManifest(base, repository, tag, manifestOf(config, layer, { seq: tag }), OCI_MANIFEST);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}
