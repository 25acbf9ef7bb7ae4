// End-to-end: skopeo (containers/image) pushes OCI layouts built with umoci into Wharf and pulls them back, and the
// bytes must survive the round trip unchanged.
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBlob, getManifest, ADMIN_AUTH } from '../helpers/oci-client.js';
import {
  OCI_INDEX,
  OCI_MANIFEST,
  SBOM_ARTIFACT_TYPE,
  buildArtifactWithSubject,
  buildMultiLayerImage,
  buildMultiPlatformIndex,
  layoutDescriptor,
  listLayoutBlobs,
  manifestBlobs,
  readLayoutBlob,
  requireTools,
  run,
  runBytes,
  sha256Digest,
} from '../helpers/oci-images.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../helpers/oci-images.js';
import { startWharf } from '../helpers/registry-process.js';
import type { RunningRegistry } from '../helpers/registry-process.js';

let registry: RunningRegistry | undefined;
let work = '';

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

const skopeo = (...args: string[]): Promise<string> => run('skopeo', args, { timeoutMs: 90_000 });

async function push(layoutDir: string, tag: string, ref: string, all = false): Promise<void> {
  const flags = [
    '--dest-tls-verify=false',
    `--dest-creds=admin:${ADMIN_PASSWORD}`,
    '--preserve-digests',
    ...(all ? ['--all'] : []),
  ];
  await skopeo('copy', '--quiet', ...flags, `oci:${layoutDir}:${tag}`, `docker://${reg().host}/${ref}`);
}

async function pull(ref: string, layoutDir: string, tag: string, all = false): Promise<void> {
  const flags = ['--src-tls-verify=false', '--preserve-digests', ...(all ? ['--all'] : [])];
  await skopeo('copy', '--quiet', ...flags, `docker://${reg().host}/${ref}`, `oci:${layoutDir}:${tag}`);
}

async function inspectRaw(ref: string): Promise<Buffer> {
  return runBytes('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg().host}/${ref}`]);
}

/** The pulled layout holds byte-identical copies of the manifest (or index) `digest` and of everything it references. */
async function expectSameContent(srcDir: string, dstDir: string, digest: string): Promise<void> {
  const src = await readLayoutBlob(srcDir, digest);
  const dst = await readLayoutBlob(dstDir, digest);
  expect(sha256Digest(dst)).toBe(digest);
  expect(dst.equals(src)).toBe(true);
  const parsed = JSON.parse(src.toString('utf8')) as Partial<ImageIndex & ImageManifest>;
  if (parsed.mediaType === OCI_INDEX) {
    expect(parsed.manifests?.length).toBeGreaterThan(0);
    for (const child of parsed.manifests ?? []) await expectSameContent(srcDir, dstDir, child.digest);
    return;
  }
  for (const blob of manifestBlobs(parsed as ImageManifest)) {
    const pulled = await readLayoutBlob(dstDir, blob.digest);
    expect(pulled.byteLength).toBe(blob.size);
    expect(sha256Digest(pulled)).toBe(blob.digest);
  }
}

async function expectLayoutIntact(dir: string): Promise<void> {
  const blobs = await listLayoutBlobs(dir);
  expect(blobs.length).toBeGreaterThan(0);
  for (const blob of blobs) expect(blob.actual).toBe(blob.digest);
}

async function listTags(repo: string): Promise<string[]> {
  const out = await skopeo('list-tags', '--tls-verify=false', `docker://${reg().host}/${repo}`);
  return (JSON.parse(out) as { Tags: string[] }).Tags;
}

beforeAll(async () => {
  await requireTools('skopeo', 'umoci');
  work = await mkdtemp(join(tmpdir(), 'wharf-e2e-skopeo-'));
  registry = await startWharf();
});

afterAll(async () => {
  await registry?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('skopeo against Wharf', () => {
  it('copies a multi-layer image in and out byte for byte', async () => {
    const src = join(work, 'multi-layer');
    const image = await buildMultiLayerImage(src, 'v1');
    const manifest = JSON.parse((await readLayoutBlob(src, image.manifestDigest)).toString('utf8')) as ImageManifest;
    expect(manifest.layers.length).toBeGreaterThanOrEqual(3);

    const repo = 'library/e2e/team/app';
    await push(src, 'v1', `${repo}:v1`);

    const raw = await inspectRaw(`${repo}:v1`);
    expect(sha256Digest(raw)).toBe(image.manifestDigest);
    expect(raw.equals(await readLayoutBlob(src, image.manifestDigest))).toBe(true);
    const fetched = await getManifest(reg().url, repo, 'v1');
    expect(fetched.digest).toBe(image.manifestDigest);
    expect(fetched.headerDigest).toBe(image.manifestDigest);
    expect(fetched.mediaType).toBe(OCI_MANIFEST);
    const byDigest = await getManifest(reg().url, repo, image.manifestDigest);
    expect(byDigest.body.equals(fetched.body)).toBe(true);

    const config = JSON.parse((await getBlob(reg().url, repo, manifest.config.digest)).toString('utf8')) as {
      config: { Env?: string[]; Entrypoint?: string[]; Labels?: Record<string, string> };
    };
    expect(config.config.Env).toContain('WHARF_E2E=1');
    expect(config.config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(config.config.Labels?.['org.opencontainers.image.title']).toBe('wharf-e2e');

    const dst = join(work, 'multi-layer-pulled');
    await pull(`${repo}:v1`, dst, 'pulled');
    expect((await layoutDescriptor(dst, 'pulled')).digest).toBe(image.manifestDigest);
    await expectSameContent(src, dst, image.manifestDigest);
    await expectLayoutIntact(dst);
  });

  it('lists tags and deletes a tag with skopeo delete', async () => {
    const repo = 'library/e2e/team/tags';
    const keep = await buildMultiLayerImage(join(work, 'tags-keep'), 'keep');
    const doomed = await buildMultiLayerImage(join(work, 'tags-doomed'), 'doomed');
    await push(keep.dir, 'keep', `${repo}:1.0`);
    await push(keep.dir, 'keep', `${repo}:latest`);
    await push(doomed.dir, 'doomed', `${repo}:doomed`);
    expect((await listTags(repo)).sort()).toEqual(['1.0', 'doomed', 'latest']);

    // skopeo delete resolves the tag to its digest and deletes the manifest: DELETE /v2/<repo>/manifests/<digest>.
    await skopeo(
      'delete',
      '--tls-verify=false',
      `--creds=admin:${ADMIN_PASSWORD}`,
      `docker://${reg().host}/${repo}:doomed`,
    );
    expect((await listTags(repo)).sort()).toEqual(['1.0', 'latest']);
    for (const ref of ['doomed', doomed.manifestDigest]) {
      const res = await fetch(`${reg().url}/v2/${repo}/manifests/${ref}`, { headers: ADMIN_AUTH, method: 'HEAD' });
      expect(res.status, `HEAD manifests/${ref} after delete`).toBe(404);
    }
    const kept = await getManifest(reg().url, repo, 'latest');
    expect(kept.digest).toBe(keep.manifestDigest);
    await expect(
      skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reg().host}/${repo}:doomed`),
    ).rejects.toThrow(/manifest unknown|not found/i);
  });

  it('copies a multi-platform index with --all in and out byte for byte', async () => {
    const src = join(work, 'multi-platform');
    const index = await buildMultiPlatformIndex(src, 'multi');
    expect(index.manifests.map((m) => m.platform?.architecture)).toEqual(['amd64', 'arm64']);

    const repo = 'library/e2e/team/multi';
    await push(src, 'multi', `${repo}:1.0`, true);

    const raw = await inspectRaw(`${repo}:1.0`);
    expect(sha256Digest(raw)).toBe(index.manifestDigest);
    expect(raw.equals(await readLayoutBlob(src, index.manifestDigest))).toBe(true);
    const fetched = await getManifest(reg().url, repo, '1.0');
    expect(fetched.mediaType).toBe(OCI_INDEX);
    expect(fetched.headerDigest).toBe(index.manifestDigest);
    for (const child of index.manifests) {
      const childManifest = await getManifest(reg().url, repo, child.digest);
      expect(childManifest.digest).toBe(child.digest);
      expect(childManifest.body.equals(await readLayoutBlob(src, child.digest))).toBe(true);
    }

    const dst = join(work, 'multi-platform-pulled');
    await pull(`${repo}:1.0`, dst, 'pulled', true);
    expect((await layoutDescriptor(dst, 'pulled')).digest).toBe(index.manifestDigest);
    await expectSameContent(src, dst, index.manifestDigest);
    await expectLayoutIntact(dst);
  });

  it('serves an artifact with a subject through the referrers API and round-trips it', async () => {
    const repo = 'library/e2e/team/with-sbom';
    const subject = await buildMultiLayerImage(join(work, 'subject'), 'app');
    await push(subject.dir, 'app', `${repo}:app`);

    const artifactDir = join(work, 'artifact');
    const artifact = await buildArtifactWithSubject(
      artifactDir,
      'sbom',
      subject.manifestDigest,
      subject.manifestSize,
      subject.mediaType,
    );
    // skopeo 1.9.3 (containers/image 5.23) copies this artifact (non-image config media type, artifactType and
    // subject) unchanged with --preserve-digests, so no fallback to plain API calls is needed.
    await push(artifactDir, 'sbom', `${repo}:sbom`);
    const raw = await inspectRaw(`${repo}:sbom`);
    expect(sha256Digest(raw)).toBe(artifact.manifestDigest);

    const dst = join(work, 'artifact-pulled');
    await pull(`${repo}:sbom`, dst, 'pulled');
    expect((await layoutDescriptor(dst, 'pulled')).digest).toBe(artifact.manifestDigest);
    await expectSameContent(artifactDir, dst, artifact.manifestDigest);
    const layer = await readLayoutBlob(dst, artifact.layerDigest);
    expect(JSON.parse(layer.toString('utf8'))).toMatchObject({ spdxVersion: 'SPDX-2.3' });

    const res = await fetch(`${reg().url}/v2/${repo}/referrers/${subject.manifestDigest}`, { headers: ADMIN_AUTH });
    const referrersBody = await res.text();
    expect(res.status, `GET referrers: ${referrersBody}`).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.oci\.image\.index\.v1\+json/);
    const referrers = JSON.parse(referrersBody) as ImageIndex;
    expect(referrers.schemaVersion).toBe(2);
    expect(referrers.manifests).toContainEqual(
      expect.objectContaining<Partial<Descriptor>>({
        mediaType: OCI_MANIFEST,
        digest: artifact.manifestDigest,
        size: artifact.manifestSize,
        artifactType: SBOM_ARTIFACT_TYPE,
        // The spec: "The descriptors MUST include annotations from the image manifest or index."
        annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
      }),
    );
    const matching = await fetch(
      `${reg().url}/v2/${repo}/referrers/${subject.manifestDigest}?artifactType=${encodeURIComponent(SBOM_ARTIFACT_TYPE)}`,
      { headers: ADMIN_AUTH },
    );
    expect(matching.status).toBe(200);
    expect(((await matching.json()) as ImageIndex).manifests.map((m) => m.digest)).toContain(artifact.manifestDigest);
    const filtered = await fetch(
      `${reg().url}/v2/${repo}/referrers/${subject.manifestDigest}?artifactType=${encodeURIComponent('application/x-other')}`,
      { headers: ADMIN_AUTH },
    );
    expect(filtered.status).toBe(200);
    const filteredIndex = (await filtered.json()) as ImageIndex;
    if (filtered.headers.get('oci-filters-applied') === 'artifactType') {
      expect(filteredIndex.manifests.map((m) => m.digest)).not.toContain(artifact.manifestDigest);
    }
    const none = await fetch(`${reg().url}/v2/${repo}/referrers/sha256:${'0'.repeat(64)}`, { headers: ADMIN_AUTH });
    expect(none.status).toBe(200);
    expect(((await none.json()) as ImageIndex).manifests).toEqual([]);
  });
});
