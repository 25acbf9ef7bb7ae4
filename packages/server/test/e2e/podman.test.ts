// End-to-end: podman, with an isolated vfs store, loads an OCI layout built with umoci, pushes it to Wharf, and pulls
// it back by tag and by digest. Layers may be recompressed by podman on push, so the comparison is on the
// uncompressed layer digests (diff IDs) and on the image ID (the config digest), which must be unchanged.
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBlob, getManifest, headBlob } from '../helpers/oci-client.js';
import { buildMultiLayerImage, readLayoutBlob, requireTools } from '../helpers/oci-images.js';
import type { ImageManifest } from '../helpers/oci-images.js';
import { startWharf } from '../helpers/registry-process.js';
import type { RunningRegistry } from '../helpers/registry-process.js';

/** Pushes act as the administrator; pulls from the public `library` project are anonymous. */
const ADMIN_CREDS = `--creds=admin:${ADMIN_PASSWORD}`;

const execFileAsync = promisify(execFile);

let registry: RunningRegistry | undefined;
let work = '';

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

async function podman(...args: string[]): Promise<string> {
  const store = [
    '--root',
    join(work, 'storage'),
    '--runroot',
    join(work, 'run'),
    '--tmpdir',
    join(work, 'libpod-tmp'),
    '--storage-driver',
    'vfs',
    '--events-backend',
    'file',
    '--cgroup-manager',
    'cgroupfs',
  ];
  try {
    const { stdout } = await execFileAsync('podman', [...store, ...args], {
      env: { ...process.env, CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'), TMPDIR: join(work, 'tmp') },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 90_000,
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`podman ${args.join(' ')} failed: ${e.message ?? ''}\n--- stderr ---\n${e.stderr ?? ''}`);
  }
}

/** The image ID podman prints as the last line of `podman pull`. */
function lastLine(out: string): string {
  const lines = out.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}

interface InspectedImage {
  Id: string;
  Digest: string;
  RepoDigests: string[];
  RootFS: { Type: string; Layers: string[] };
  Config: { Env?: string[]; Entrypoint?: string[]; Labels?: Record<string, string> };
}

async function inspect(ref: string): Promise<InspectedImage> {
  const [image] = JSON.parse(await podman('image', 'inspect', ref)) as InspectedImage[];
  if (!image) throw new Error(`podman image inspect ${ref} returned nothing`);
  return image;
}

beforeAll(async () => {
  await requireTools('podman', 'umoci');
  // podman names an image pulled from `oci:DIR` after DIR, and image names must be lowercase: no mkdtemp here.
  work = join(tmpdir(), `wharf-e2e-podman-${randomBytes(6).toString('hex')}`);
  await mkdir(join(work, 'tmp'), { recursive: true });
  await mkdir(join(work, 'libpod-tmp'));
  await writeFile(
    join(work, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'storage')}"\nrunroot = "${join(work, 'run')}"\n`,
  );
  registry = await startWharf();
});

afterAll(async () => {
  await registry?.stop();
  // Not `podman system reset`: it would also remove the host's podman networks.
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('podman against Wharf', () => {
  it('pushes an OCI layout image and pulls it back by tag and by digest', async () => {
    const layout = join(work, 'layout');
    const built = await buildMultiLayerImage(layout, 'v1');
    const srcManifest = JSON.parse(
      (await readLayoutBlob(layout, built.manifestDigest)).toString('utf8'),
    ) as ImageManifest;
    const srcConfig = JSON.parse((await readLayoutBlob(layout, srcManifest.config.digest)).toString('utf8')) as {
      rootfs: { diff_ids: string[] };
    };
    expect(srcConfig.rootfs.diff_ids.length).toBeGreaterThanOrEqual(3);

    const imageId = lastLine(await podman('pull', '--quiet', `oci:${layout}:v1`));
    expect(`sha256:${imageId}`).toBe(srcManifest.config.digest);
    const local = await inspect(imageId);
    expect(local.RootFS.Layers).toEqual(srcConfig.rootfs.diff_ids);

    const repo = 'library/e2e/podman/app';
    const ref = `${reg().host}/${repo}:v1`;
    const digestFile = join(work, 'pushed.digest');
    await podman('push', '--tls-verify=false', ADMIN_CREDS, '--digestfile', digestFile, imageId, `docker://${ref}`);
    const pushedDigest = (await readFile(digestFile, 'utf8')).trim();
    expect(pushedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const stored = await getManifest(reg().url, repo, 'v1');
    expect(stored.digest).toBe(pushedDigest);
    expect(stored.headerDigest).toBe(pushedDigest);
    const storedManifest = JSON.parse(stored.body.toString('utf8')) as ImageManifest;
    expect(storedManifest.config.digest).toBe(srcManifest.config.digest);
    expect(storedManifest.layers).toHaveLength(srcManifest.layers.length);
    for (const layer of storedManifest.layers) {
      expect(await headBlob(reg().url, repo, layer.digest)).toBe(layer.size);
    }
    const config = await getBlob(reg().url, repo, storedManifest.config.digest);
    expect(config.equals(await readLayoutBlob(layout, srcManifest.config.digest))).toBe(true);

    // Pull back by tag into an empty store.
    await podman('rmi', '--force', imageId);
    const pulledId = lastLine(await podman('pull', '--tls-verify=false', '--quiet', ref));
    expect(pulledId).toBe(imageId);
    const pulled = await inspect(pulledId);
    expect(pulled.RootFS.Layers).toEqual(srcConfig.rootfs.diff_ids);
    expect(pulled.Digest).toBe(pushedDigest);
    expect(pulled.RepoDigests).toContain(`${reg().host}/${repo}@${pushedDigest}`);
    expect(pulled.Config.Env).toContain('WHARF_E2E=1');
    expect(pulled.Config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(pulled.Config.Labels?.['org.opencontainers.image.title']).toBe('wharf-e2e');

    // Pull back by digest into an empty store.
    await podman('rmi', '--force', imageId);
    const byDigestRef = `${reg().host}/${repo}@${pushedDigest}`;
    const byDigestId = lastLine(await podman('pull', '--tls-verify=false', '--quiet', byDigestRef));
    expect(byDigestId).toBe(imageId);
    const byDigest = await inspect(byDigestRef);
    expect(byDigest.RootFS.Layers).toEqual(srcConfig.rootfs.diff_ids);
    expect(byDigest.Digest).toBe(pushedDigest);
  });

  it('pushes the same image to a second repository (cross-repository blob mount) and pulls it', async () => {
    const layout = join(work, 'layout-mount');
    await buildMultiLayerImage(layout, 'v2');
    const imageId = lastLine(await podman('pull', '--quiet', `oci:${layout}:v2`));
    const first = `${reg().host}/library/e2e/podman/source:v2`;
    const second = `${reg().host}/library/e2e/podman/copy/nested:v2`;
    await podman('push', '--tls-verify=false', ADMIN_CREDS, imageId, `docker://${first}`);
    const digestFile = join(work, 'mount.digest');
    await podman('push', '--tls-verify=false', ADMIN_CREDS, '--digestfile', digestFile, imageId, `docker://${second}`);
    const pushedDigest = (await readFile(digestFile, 'utf8')).trim();

    const stored = await getManifest(reg().url, 'library/e2e/podman/copy/nested', 'v2');
    expect(stored.digest).toBe(pushedDigest);
    const manifest = JSON.parse(stored.body.toString('utf8')) as ImageManifest;
    for (const blob of [manifest.config, ...manifest.layers]) {
      expect(await headBlob(reg().url, 'library/e2e/podman/copy/nested', blob.digest)).toBe(blob.size);
    }
    await podman('rmi', '--force', imageId);
    expect(lastLine(await podman('pull', '--tls-verify=false', '--quiet', second))).toBe(imageId);
  });
});
