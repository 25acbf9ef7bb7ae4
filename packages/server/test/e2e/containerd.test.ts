// End-to-end: containerd's `ctr` (a private containerd started for this file, native snapshotter; no container is
// run) against a Wharf process over plain HTTP, through the token flow with `--user`: a private image pulled and
// unpacked, an imported OCI archive pushed, a pulled image re-tagged and pushed into another repository. Anonymous
// and wrong-password pulls of the private project are refused. What ctr prints and what Wharf holds are asserted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../helpers/api-client.js';
import { startContainerd, type ContainerdDaemon } from '../helpers/container-daemons.js';
import { createMember, createProject, listedArtifacts, ROLE, storedImage } from '../helpers/e2e-wharf.js';
import { headBlob } from '../helpers/oci-client.js';
import { buildMultiLayerImage, OCI_MANIFEST, requireTools, run, type BuiltImage } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

const DEV: Credentials = { username: 'ctr-dev', password: 'Ctr-passw0rd' };

let registry: RunningRegistry | undefined;
let daemon: ContainerdDaemon | undefined;
let work = '';
let seeded: BuiltImage | undefined;

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

function containerd(): ContainerdDaemon {
  if (!daemon) throw new Error('containerd not started (see the beforeAll error)');
  return daemon;
}

async function ctr(...args: string[]): Promise<string> {
  return (await containerd().ctr(args, { timeoutMs: 90_000 })).stdout;
}

const user = (who: Credentials) => `${who.username}:${who.password}`;

/** `ctr images ls`: reference → manifest digest. */
async function localImages(): Promise<Map<string, string>> {
  const rows = (await ctr('images', 'ls')).trim().split('\n').slice(1);
  return new Map(
    rows.map((row) => {
      const [ref, , digest] = row.trim().split(/\s+/);
      return [ref ?? '', digest ?? ''];
    }),
  );
}

beforeAll(async () => {
  await requireTools('skopeo', 'umoci', 'tar');
  work = await mkdtemp(join(tmpdir(), 'wharf-e2e-containerd-'));
  [registry, daemon] = await Promise.all([startWharf(), startContainerd()]);
  await createProject(reg(), 'private', false);
  await createMember(reg(), DEV, { name: 'private', role: ROLE.developer });
  const layout = join(work, 'seed');
  seeded = await buildMultiLayerImage(layout, 'v1');
  await run('skopeo', [
    'copy',
    '--quiet',
    '--preserve-digests',
    '--dest-tls-verify=false',
    `--dest-creds=admin:${ADMIN_PASSWORD}`,
    `oci:${layout}:v1`,
    `docker://${reg().host}/private/ctr/app:v1`,
  ]);
});

afterAll(async () => {
  await Promise.all([registry?.stop(), daemon?.stop()]);
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('ctr (containerd) against Wharf', () => {
  it('pulls and unpacks a private image with --plain-http --user; refuses anonymous and wrong credentials', async () => {
    const ref = `${reg().host}/private/ctr/app:v1`;
    const digest = seeded!.manifestDigest;
    const out = await ctr('images', 'pull', '--plain-http', '--user', user(DEV), '--snapshotter', 'native', ref);
    expect(out).toContain(`unpacking linux/amd64 ${digest}...`);
    expect(out).toMatch(/\ndone: /);
    expect((await localImages()).get(ref)).toBe(digest);
    const stored = await storedImage(reg(), 'private/ctr/app', 'v1');
    expect(stored.digest).toBe(digest);
    const content = await ctr('content', 'ls', '--quiet');
    for (const blob of [stored.manifest.config, ...stored.manifest.layers]) expect(content).toContain(blob.digest);

    await ctr('images', 'rm', ref);
    const anonymous = await containerd().ctrFailing(['images', 'pull', '--plain-http', ref]);
    expect(anonymous).toContain('401 Unauthorized');
    const wrong = await containerd().ctrFailing([
      'images',
      'pull',
      '--plain-http',
      '--user',
      user({ ...DEV, password: 'wrong' }),
      ref,
    ]);
    expect(wrong).toContain('failed to fetch oauth token: unexpected status: 401 Unauthorized');
    expect((await localImages()).has(ref)).toBe(false);
  });

  it('pushes an imported OCI archive and a re-tagged pulled image with --plain-http --user', async () => {
    const layout = join(work, 'imported');
    const built = await buildMultiLayerImage(layout, 'v3');
    const archive = join(work, 'imported.tar');
    await run('tar', ['-C', layout, '-cf', archive, '.']);
    const base = `${reg().host}/private/ctr/imported`;
    await ctr('images', 'import', '--base-name', base, '--snapshotter', 'native', archive);
    expect((await localImages()).get(`${base}:v3`)).toBe(built.manifestDigest);

    await ctr('images', 'push', '--plain-http', '--user', user(DEV), `${base}:v3`);
    const stored = await storedImage(reg(), 'private/ctr/imported', 'v3');
    expect(stored.digest).toBe(built.manifestDigest);
    expect(stored.mediaType).toBe(OCI_MANIFEST);
    expect(stored.manifest.layers).toHaveLength(3);
    for (const blob of [stored.manifest.config, ...stored.manifest.layers]) {
      expect(await headBlob(reg().url, 'private/ctr/imported', blob.digest)).toBe(blob.size);
    }
    expect(await listedArtifacts(reg(), 'private', 'ctr/imported')).toEqual([
      { digest: built.manifestDigest, tags: ['v3'] },
    ]);

    const source = `${reg().host}/private/ctr/app:v1`;
    const copy = `${reg().host}/private/ctr/copy:v2`;
    await ctr('images', 'pull', '--plain-http', '--user', user(DEV), '--snapshotter', 'native', source);
    await ctr('images', 'tag', source, copy);
    await ctr('images', 'push', '--plain-http', '--user', user(DEV), copy);
    const copied = await storedImage(reg(), 'private/ctr/copy', 'v2');
    expect(copied.digest).toBe(seeded!.manifestDigest);
    for (const blob of [copied.manifest.config, ...copied.manifest.layers]) {
      expect(await headBlob(reg().url, 'private/ctr/copy', blob.digest)).toBe(blob.size);
    }

    const refused = await containerd().ctrFailing(['images', 'push', '--plain-http', `${base}:v3`]);
    expect(refused).toContain('401 Unauthorized');
  });
});
