// End-to-end: Wharf on S3 storage (s3rver) with `storage.redirect: true` answers blob downloads with 307 to a
// pre-signed URL of the bucket; skopeo follows it and pulls the image byte for byte.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH } from '../helpers/oci-client.js';
import {
  buildMultiLayerImage,
  manifestBlobs,
  readLayoutBlob,
  requireTools,
  run,
  sha256Digest,
  type ImageManifest,
} from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';
import { sharedS3Server } from '../helpers/test-storage.js';

let registry: RunningRegistry | undefined;
let endpoint = '';
let work = '';

const skopeo = (...args: string[]): Promise<string> => run('skopeo', args, { timeoutMs: 90_000 });

beforeAll(async () => {
  await requireTools('skopeo', 'umoci');
  work = await mkdtemp(join(tmpdir(), 'wharf-e2e-s3-redirect-'));
  const s3 = await sharedS3Server();
  endpoint = s3.endpoint;
  const options = s3.options(await s3.createBucket('redirect'));
  registry = await startWharf({
    env: {
      WHARF_STORAGE_DRIVER: 's3',
      WHARF_STORAGE_REDIRECT: 'true',
      WHARF_STORAGE_S3_ENDPOINT: options.endpoint!,
      WHARF_STORAGE_S3_BUCKET: options.bucket,
      WHARF_STORAGE_S3_FORCEPATHSTYLE: 'true',
      WHARF_STORAGE_S3_ACCESSKEY: options.accessKey!,
      WHARF_STORAGE_S3_SECRETKEY: options.secretKey!,
      WHARF_STORAGE_S3_ROOTDIRECTORY: 'registry',
    },
  });
});

afterAll(async () => {
  await registry?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('blob downloads redirected to S3', () => {
  it('answers 307 to a pre-signed bucket URL, and skopeo follows it to pull the image intact', async () => {
    const reg = registry!;
    const src = join(work, 'src');
    const image = await buildMultiLayerImage(src, 'v1');
    const repo = 'library/redirect/app';
    await skopeo(
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `--dest-creds=admin:${ADMIN_PASSWORD}`,
      '--preserve-digests',
      `oci:${src}:v1`,
      `docker://${reg.host}/${repo}:v1`,
    );
    const manifest = JSON.parse((await readLayoutBlob(src, image.manifestDigest)).toString('utf8')) as ImageManifest;
    const layer = manifest.layers[0]!;

    const answer = await fetch(`${reg.url}/v2/${repo}/blobs/${layer.digest}`, {
      headers: ADMIN_AUTH,
      redirect: 'manual',
    });
    await answer.arrayBuffer();
    expect(answer.status).toBe(307);
    const location = answer.headers.get('location')!;
    expect(location.startsWith(`${endpoint}/`)).toBe(true);
    expect(location).toContain('/registry/blobs/sha256/');
    const direct = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(`sha256:${createHash('sha256').update(direct).digest('hex')}`).toBe(layer.digest);

    const dst = join(work, 'dst');
    await skopeo('copy', '--quiet', '--src-tls-verify=false', `docker://${reg.host}/${repo}:v1`, `oci:${dst}:v1`);
    for (const blob of manifestBlobs(manifest)) {
      const pulled = await readLayoutBlob(dst, blob.digest);
      expect(pulled.byteLength).toBe(blob.size);
      expect(sha256Digest(pulled)).toBe(blob.digest);
    }
  });
});
