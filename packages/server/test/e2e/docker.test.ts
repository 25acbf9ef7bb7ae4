// End-to-end: Debian's docker (CLI and dockerd 20.10, a private daemon started for this file) against a Wharf
// process, through the token flow: login as a user and as a robot, push of an image imported from a tar of files
// and of a multi-layer image loaded from a docker archive, pull back by tag and by digest, `docker manifest inspect
// --insecure`, logout; a private image refused to anonymous pulls; a push into a project that does not exist; a
// login while the account is locked; `docker search` (Wharf's /v1/search) anonymous and as a member. What docker
// prints is asserted, and so is what Wharf then holds.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../helpers/api-client.js';
import { startDockerd, type DockerDaemon } from '../helpers/container-daemons.js';
import {
  adminApi,
  createMember,
  createProject,
  createPushRobot,
  listedArtifacts,
  ROLE,
  storedImage,
} from '../helpers/e2e-wharf.js';
import { getBlob, headBlob, pushBlobMonolithic, pushManifest } from '../helpers/oci-client.js';
import { buildMultiLayerImage, OCI_MANIFEST, requireTools, run } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DEV: Credentials = { username: 'docker-dev', password: 'Docker-passw0rd' };
const LOCKED: Credentials = { username: 'docker-locked', password: 'Locked-passw0rd' };

let registry: RunningRegistry | undefined;
let daemon: DockerDaemon | undefined;
let work = '';
let filesTar = '';
let robot: Credentials = { username: '', password: '' };

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

function dockerd(): DockerDaemon {
  if (!daemon) throw new Error('dockerd not started (see the beforeAll error)');
  return daemon;
}

/** A fresh docker client configuration directory: credentials never leak from one test to another. */
async function clientConfig(): Promise<string> {
  return mkdtemp(join(work, 'docker-config-'));
}

async function docker(config: string, ...args: string[]): Promise<string> {
  return (await dockerd().docker(config, args)).stdout;
}

async function login(config: string, who: Credentials): Promise<string> {
  const { stdout } = await dockerd().docker(
    config,
    ['login', '--username', who.username, '--password-stdin', reg().host],
    { input: `${who.password}\n` },
  );
  return stdout;
}

async function storedAuths(config: string): Promise<Record<string, unknown>> {
  const file = (await readFile(join(config, 'config.json'), 'utf8').catch(() => '{}')) || '{}';
  return (JSON.parse(file) as { auths?: Record<string, unknown> }).auths ?? {};
}

interface InspectedImage {
  Id: string;
  RepoDigests: string[];
  RootFS: { Layers: string[] };
}

async function inspectImage(config: string, ref: string): Promise<InspectedImage> {
  const [image] = JSON.parse(await docker(config, 'image', 'inspect', ref)) as InspectedImage[];
  if (!image) throw new Error(`docker image inspect ${ref} returned nothing`);
  return image;
}

/** The digest and size `docker push` prints for the pushed tag. */
function pushedDigest(out: string, tag: string): { digest: string; size: number } {
  const match = new RegExp(`${tag}: digest: (sha256:[0-9a-f]{64}) size: (\\d+)`).exec(out);
  expect(match, `docker push output:\n${out}`).not.toBeNull();
  return { digest: match![1]!, size: Number(match![2]) };
}

beforeAll(async () => {
  await requireTools('skopeo', 'umoci', 'tar');
  work = await mkdtemp(join(tmpdir(), 'wharf-e2e-docker-'));
  // A lock outlasts the test (the default first lock is a second), so the locked login below is not a race.
  [registry, daemon] = await Promise.all([startWharf({ env: { WHARF_LOGIN_LOCKDURATION: '300' } }), startDockerd()]);
  await createProject(reg(), 'private', false);
  await createProject(reg(), 'elsewhere', false);
  await createMember(reg(), DEV, { name: 'private', role: ROLE.developer });
  await createMember(reg(), LOCKED, { name: 'private', role: ROLE.developer });
  robot = await createPushRobot(reg(), 'private', 'docker');
  // An image built from files: a tar of a small tree, for `docker import`.
  const tree = join(work, 'tree');
  await mkdir(join(tree, 'etc'), { recursive: true });
  await writeFile(join(tree, 'etc', 'motd'), 'hello from wharf\n');
  await writeFile(join(tree, 'app.txt'), `built ${new Date().toISOString()}\n`);
  filesTar = join(work, 'files.tar');
  await run('tar', ['-C', tree, '-cf', filesTar, '.']);
});

afterAll(async () => {
  await Promise.all([registry?.stop(), daemon?.stop()]);
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('docker against Wharf', () => {
  it('a user logs in, pushes an imported image, pulls it by tag and by digest, inspects it, logs out', async () => {
    const config = await clientConfig();
    const repo = 'private/docker/app';
    const ref = `${reg().host}/${repo}`;
    expect(await login(config, DEV)).toContain('Login Succeeded');
    expect(Object.keys(await storedAuths(config))).toEqual([reg().host]);

    const imageId = (await docker(config, 'import', filesTar, `${ref}:v1`)).trim();
    expect(imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const pushOut = await docker(config, 'push', `${ref}:v1`);
    expect(pushOut).toContain(`The push refers to repository [${ref}]`);
    const pushed = pushedDigest(pushOut, 'v1');

    const stored = await storedImage(reg(), repo, 'v1');
    expect(stored.digest).toBe(pushed.digest);
    expect(stored.mediaType).toBe(DOCKER_MANIFEST);
    expect(stored.manifest.config.digest).toBe(imageId);
    expect(stored.manifest.layers).toHaveLength(1);
    expect(await headBlob(reg().url, repo, stored.manifest.layers[0]!.digest)).toBe(stored.manifest.layers[0]!.size);
    expect(await listedArtifacts(reg(), 'private', 'docker/app')).toEqual([{ digest: pushed.digest, tags: ['v1'] }]);

    const manifest = JSON.parse(await docker(config, 'manifest', 'inspect', '--insecure', `${ref}:v1`)) as {
      schemaVersion: number;
      mediaType: string;
      config: { digest: string };
      layers: { digest: string; size: number }[];
    };
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.mediaType).toBe(DOCKER_MANIFEST);
    expect(manifest.config.digest).toBe(imageId);
    expect(manifest.layers.map((l) => l.digest)).toEqual(stored.manifest.layers.map((l) => l.digest));

    await docker(config, 'rmi', `${ref}:v1`);
    const byTag = await docker(config, 'pull', `${ref}:v1`);
    expect(byTag).toContain(`Digest: ${pushed.digest}`);
    expect(byTag).toContain(`Status: Downloaded newer image for ${ref}:v1`);
    const pulled = await inspectImage(config, `${ref}:v1`);
    expect(pulled.Id).toBe(imageId);
    expect(pulled.RepoDigests).toContain(`${ref}@${pushed.digest}`);

    await docker(config, 'rmi', `${ref}:v1`);
    const byDigest = await docker(config, 'pull', `${ref}@${pushed.digest}`);
    expect(byDigest).toContain(`Digest: ${pushed.digest}`);
    expect((await inspectImage(config, `${ref}@${pushed.digest}`)).Id).toBe(imageId);
    await docker(config, 'rmi', `${ref}@${pushed.digest}`);

    expect(await docker(config, 'logout', reg().host)).toContain(`Removing login credentials for ${reg().host}`);
    expect(await storedAuths(config)).toEqual({});
    const anonymous = await dockerd().dockerFailing(config, ['pull', `${ref}:v1`]);
    expect(anonymous).toMatch(/unauthorized|authentication required/i);
    expect(anonymous).not.toContain('Downloaded');
    const refused = await dockerd().dockerFailing(config, ['manifest', 'inspect', '--insecure', `${ref}:v1`]);
    expect(refused).toMatch(/unauthorized|authentication required/i);
  });

  it('a robot logs in, pushes a multi-layer image loaded from a docker archive and pulls it back', async () => {
    const config = await clientConfig();
    const repo = 'private/docker/multi';
    const ref = `${reg().host}/${repo}:v2`;
    const layout = join(work, 'multi-layout');
    await buildMultiLayerImage(layout, 'v2');
    const archive = join(work, 'multi.tar');
    await run('skopeo', ['copy', '--quiet', `oci:${layout}:v2`, `docker-archive:${archive}:${ref}`]);
    expect(await docker(config, 'load', '--input', archive)).toContain(`Loaded image: ${ref}`);
    const local = await inspectImage(config, ref);
    expect(local.RootFS.Layers).toHaveLength(3);

    expect(robot.username).toBe('robot$private+docker');
    expect(await login(config, robot)).toContain('Login Succeeded');
    const pushed = pushedDigest(await docker(config, 'push', ref), 'v2');

    const stored = await storedImage(reg(), repo, 'v2');
    expect(stored.digest).toBe(pushed.digest);
    expect(stored.mediaType).toBe(DOCKER_MANIFEST);
    expect(stored.manifest.config.digest).toBe(local.Id);
    expect(stored.manifest.layers).toHaveLength(3);
    for (const layer of stored.manifest.layers) expect(await headBlob(reg().url, repo, layer.digest)).toBe(layer.size);
    const imageConfig = JSON.parse((await getBlob(reg().url, repo, local.Id)).toString('utf8')) as {
      rootfs: { diff_ids: string[] };
      config: { Env?: string[] };
    };
    expect(imageConfig.rootfs.diff_ids).toEqual(local.RootFS.Layers);
    expect(imageConfig.config.Env).toContain('WHARF_E2E=1');
    expect(await listedArtifacts(reg(), 'private', 'docker/multi')).toEqual([{ digest: pushed.digest, tags: ['v2'] }]);

    await docker(config, 'rmi', ref);
    expect(await docker(config, 'pull', ref)).toContain(`Digest: ${pushed.digest}`);
    const pulled = await inspectImage(config, ref);
    expect(pulled.Id).toBe(local.Id);
    expect(pulled.RootFS.Layers).toEqual(local.RootFS.Layers);
    await docker(config, 'rmi', ref);
    await docker(config, 'logout', reg().host);
  });

  it('a push into a project that does not exist names it to a user who may create projects, and only to them', async () => {
    const config = await clientConfig();
    const source = `${reg().host}/private/docker/nowhere:v1`;
    await docker(config, 'import', filesTar, source);
    const target = `${reg().host}/nosuchproject/app:v1`;
    await docker(config, 'tag', source, target);

    await login(config, DEV);
    const named = await dockerd().dockerFailing(config, ['push', target]);
    expect(named).toContain('name unknown: project nosuchproject does not exist');
    expect(named).not.toContain('requested access to the resource is denied');

    // A project robot may not create projects: a missing project looks like a private one it may not use.
    await login(config, robot);
    const missing = await dockerd().dockerFailing(config, ['push', target]);
    expect(missing).toContain('denied: requested access to the resource is denied');
    expect(missing).not.toContain('does not exist');
    const foreign = `${reg().host}/elsewhere/app:v1`;
    await docker(config, 'tag', source, foreign);
    const private_ = await dockerd().dockerFailing(config, ['push', foreign]);
    expect(private_).toContain('denied: requested access to the resource is denied');

    // Nothing was created on the way.
    const projects = (await (await adminApi(reg(), 'GET', '/projects?page_size=100')).json()) as { name: string }[];
    expect(projects.map((p) => p.name).sort()).toEqual(['elsewhere', 'library', 'private']);
    await docker(config, 'rmi', source, target, foreign);
  });

  it('docker login while the account is locked says so, not that the password is wrong', async () => {
    const config = await clientConfig();
    const wrong = { ...LOCKED, password: 'not-the-password' };
    for (let attempt = 1; attempt <= 5; attempt++) {
      const out = await dockerd().dockerFailing(
        config,
        ['login', '-u', wrong.username, '--password-stdin', reg().host],
        {
          input: `${wrong.password}\n`,
        },
      );
      expect(out, `failed login ${attempt}`).toContain('invalid username or password');
    }
    const locked = await dockerd().dockerFailing(
      config,
      ['login', '-u', LOCKED.username, '--password-stdin', reg().host],
      { input: `${LOCKED.password}\n` },
    );
    expect(locked).toMatch(/unauthorized: too many failed logins: login locked, try again in \d+ seconds/);
    expect(locked).not.toContain('invalid username or password');
    expect(await storedAuths(config)).toEqual({});

    const token = await fetch(`${reg().url}/service/token?service=wharf-registry`, {
      headers: { authorization: `Basic ${Buffer.from(`${LOCKED.username}:${LOCKED.password}`).toString('base64')}` },
    });
    expect(token.status).toBe(401);
    expect(Number(token.headers.get('retry-after'))).toBeGreaterThan(200);
    // Other accounts are not locked.
    expect(await login(config, DEV)).toContain('Login Succeeded');
  });

  it('docker search finds a public repository anonymously, and a private one only when logged in as a member', async () => {
    // One small image in a public project (library) and one in a private one, pushed over the OCI API.
    for (const repo of ['library/searchable-public', 'private/searchable-private']) {
      const configBlob = await pushBlobMonolithic(
        reg().url,
        repo,
        Buffer.from(`{"architecture":"amd64","os":"linux"}`),
      );
      const layer = await pushBlobMonolithic(reg().url, repo, Buffer.from(`layer of ${repo}`));
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configBlob.digest,
          size: configBlob.size,
        },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
      };
      await pushManifest(reg().url, repo, 'v1', JSON.stringify(manifest), OCI_MANIFEST);
    }
    const names = async (config: string) =>
      (await docker(config, 'search', '--no-trunc', '--format', '{{.Name}}', `${reg().host}/searchable`))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .sort();

    const config = await clientConfig();
    expect(await names(config)).toEqual(['library/searchable-public']);
    await login(config, DEV);
    expect(await names(config)).toEqual(['library/searchable-public', 'private/searchable-private']);
    // The table docker prints by default names the repository too.
    const table = await docker(config, 'search', `${reg().host}/searchable-private`);
    expect(table).toMatch(/^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL\s+AUTOMATED/);
    expect(table).toContain('private/searchable-private');
    await docker(config, 'logout', reg().host);
    expect(await names(config)).toEqual(['library/searchable-public']);
  });
});
