// End-to-end: buildah (isolated vfs storage, as root; no container is run) builds images and exchanges them with a
// Wharf process through the token flow: an image committed from scratch pushed with --creds and pulled back, and an
// image built on top of one pulled from Wharf (`buildah from docker://…`) pushed by a robot. Anonymous pulls of the
// private project and wrong credentials are refused. What buildah prints and what Wharf then holds are asserted.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../helpers/api-client.js';
import { runCommand, runFailing } from '../helpers/container-daemons.js';
import {
  createMember,
  createProject,
  createPushRobot,
  listedArtifacts,
  ROLE,
  storedImage,
} from '../helpers/e2e-wharf.js';
import { getBlob, headBlob } from '../helpers/oci-client.js';
import { OCI_MANIFEST, requireTools } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';

const DEV: Credentials = { username: 'buildah-dev', password: 'Buildah-passw0rd' };

let registry: RunningRegistry | undefined;
let work = '';
let robot: Credentials = { username: '', password: '' };

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

function buildahArgs(args: readonly string[]): string[] {
  return ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs', ...args];
}

/** buildah with its own storage, storage configuration and (empty) auth file: nothing of the host's is used. */
const buildahEnv = () => ({
  CONTAINERS_STORAGE_CONF: join(work, 'storage.conf'),
  REGISTRY_AUTH_FILE: join(work, 'auth.json'),
  TMPDIR: join(work, 'tmp'),
});

async function buildah(...args: string[]): Promise<string> {
  return (await runCommand('buildah', buildahArgs(args), { env: buildahEnv(), timeoutMs: 90_000 })).stdout;
}

function buildahFailing(...args: string[]): Promise<string> {
  return runFailing('buildah', buildahArgs(args), { env: buildahEnv(), timeoutMs: 90_000 });
}

/** The last line buildah printed: the image ID after `commit` and `pull`. */
function lastLine(out: string): string {
  const lines = out.trim().split('\n');
  return (lines[lines.length - 1] ?? '').trim();
}

const creds = (who: Credentials) => `--creds=${who.username}:${who.password}`;

interface InspectedImage {
  FromImageID: string;
  FromImageDigest: string;
  OCIv1: { config?: { Env?: string[] }; rootfs: { diff_ids: string[] } };
}

async function inspectImage(ref: string): Promise<InspectedImage> {
  return JSON.parse(await buildah('inspect', '--type', 'image', ref)) as InspectedImage;
}

beforeAll(async () => {
  await requireTools('buildah');
  work = await mkdtemp(join(tmpdir(), 'wharf-e2e-buildah-'));
  await mkdir(join(work, 'tmp'));
  await writeFile(
    join(work, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, 'storage')}"\nrunroot = "${join(work, 'run')}"\n`,
  );
  await writeFile(join(work, 'auth.json'), '{}\n');
  registry = await startWharf();
  await createProject(reg(), 'private', false);
  await createMember(reg(), DEV, { name: 'private', role: ROLE.developer });
  robot = await createPushRobot(reg(), 'private', 'buildah');
});

afterAll(async () => {
  await registry?.stop();
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('buildah against Wharf', () => {
  it('commits an image from scratch, pushes it with --creds and pulls it back', async () => {
    const repo = 'private/buildah/app';
    const ref = `${reg().host}/${repo}:v1`;
    const container = lastLine(await buildah('from', 'scratch'));
    const file = join(work, 'hello.txt');
    await writeFile(file, 'hello from buildah\n');
    await buildah('copy', container, file, '/hello.txt');
    await buildah('config', '--env', 'WHARF_E2E=buildah', '--label', 'org.example.client=buildah', container);
    const imageId = lastLine(await buildah('commit', '--quiet', container, 'wharf-e2e/buildah:v1'));
    expect(imageId).toMatch(/^[0-9a-f]{64}$/);
    await buildah('rm', container);

    const digestFile = join(work, 'v1.digest');
    await buildah('push', '--tls-verify=false', creds(DEV), '--digestfile', digestFile, imageId, `docker://${ref}`);
    const digest = (await readFile(digestFile, 'utf8')).trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const stored = await storedImage(reg(), repo, 'v1');
    expect(stored.digest).toBe(digest);
    expect(stored.mediaType).toBe(OCI_MANIFEST);
    expect(stored.manifest.config.digest).toBe(`sha256:${imageId}`);
    expect(stored.manifest.layers).toHaveLength(1);
    expect(await headBlob(reg().url, repo, stored.manifest.layers[0]!.digest)).toBe(stored.manifest.layers[0]!.size);
    const config = JSON.parse((await getBlob(reg().url, repo, stored.manifest.config.digest)).toString('utf8')) as {
      config: { Env?: string[]; Labels?: Record<string, string> };
    };
    expect(config.config.Env).toContain('WHARF_E2E=buildah');
    expect(config.config.Labels?.['org.example.client']).toBe('buildah');
    expect(await listedArtifacts(reg(), 'private', 'buildah/app')).toEqual([{ digest, tags: ['v1'] }]);

    await buildah('rmi', '--all', '--force');
    const pulled = await buildah('pull', '--tls-verify=false', creds(DEV), `docker://${ref}`);
    expect(lastLine(pulled)).toBe(imageId);
    const image = await inspectImage(ref);
    expect(image.FromImageID).toBe(imageId);
    expect(image.FromImageDigest).toBe(digest);
    expect(image.OCIv1.config?.Env).toContain('WHARF_E2E=buildah');

    await buildah('rmi', '--all', '--force');
    const anonymous = await buildahFailing('pull', '--policy', 'always', '--tls-verify=false', `docker://${ref}`);
    expect(anonymous).toMatch(/unauthorized|authentication required/i);
    const wrong = await buildahFailing(
      'pull',
      '--policy',
      'always',
      '--tls-verify=false',
      creds({ ...DEV, password: 'wrong' }),
      `docker://${ref}`,
    );
    expect(wrong).toMatch(/invalid username or password/i);
  });

  it('builds on an image pulled from Wharf and pushes the result as a robot', async () => {
    const repo = 'private/buildah/app';
    const base = await storedImage(reg(), repo, 'v1');
    const container = lastLine(
      await buildah('from', '--tls-verify=false', creds(DEV), `docker://${reg().host}/${repo}:v1`),
    );
    const file = join(work, 'second.txt');
    await writeFile(file, 'a second layer\n');
    await buildah('copy', container, file, '/second.txt');
    const imageId = lastLine(await buildah('commit', '--quiet', container, 'wharf-e2e/buildah:v2'));
    await buildah('rm', container);

    expect(robot.username).toBe('robot$private+buildah');
    const digestFile = join(work, 'v2.digest');
    await buildah(
      'push',
      '--tls-verify=false',
      creds(robot),
      '--digestfile',
      digestFile,
      imageId,
      `docker://${reg().host}/${repo}:v2`,
    );
    const digest = (await readFile(digestFile, 'utf8')).trim();

    const stored = await storedImage(reg(), repo, 'v2');
    expect(stored.digest).toBe(digest);
    expect(stored.manifest.config.digest).toBe(`sha256:${imageId}`);
    expect(stored.manifest.layers).toHaveLength(2);
    expect(stored.manifest.layers[0]!.digest).toBe(base.manifest.layers[0]!.digest);
    for (const layer of stored.manifest.layers) expect(await headBlob(reg().url, repo, layer.digest)).toBe(layer.size);
    const listed = await listedArtifacts(reg(), 'private', 'buildah/app');
    expect(listed).toHaveLength(2);
    expect(listed).toContainEqual({ digest, tags: ['v2'] });
    expect(listed).toContainEqual({ digest: base.digest, tags: ['v1'] });

    await buildah('rmi', '--all', '--force');
    expect(
      lastLine(await buildah('pull', '--tls-verify=false', creds(robot), `docker://${reg().host}/${repo}:v2`)),
    ).toBe(imageId);
    await buildah('rmi', '--all', '--force');
  });
});
