// Builders for OCI image layouts on disk, used by the end-to-end tests. Images are built with umoci; what umoci
// cannot build (image indexes, artifacts with a subject) is written directly as blobs + index.json.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { sha256Digest } from './oci-client.js';

const execFileAsync = promisify(execFile);

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const SBOM_ARTIFACT_TYPE = 'application/vnd.example.sbom.v1';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface BuiltImage {
  dir: string;
  tag: string;
  manifestDigest: string;
  manifestSize: number;
  mediaType: string;
}

export interface BuiltIndex extends BuiltImage {
  /** The per-platform image manifests referenced by the index. */
  manifests: Descriptor[];
}

export interface BuiltArtifact extends BuiltImage {
  artifactType: string;
  layerDigest: string;
}

export { sha256Digest };

/** Runs a command and returns its stdout as a string; the error names the command and includes its stderr. */
export async function run(command: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<string> {
  return (await runBytes(command, args, opts)).toString('utf8');
}

/** Like run(), returning stdout's raw bytes. */
export async function runBytes(command: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<Buffer> {
  try {
    const { stdout } = await execFileAsync(command, args, {
      maxBuffer: 64 * 1024 * 1024,
      timeout: opts.timeoutMs ?? 120_000,
      encoding: 'buffer',
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: Buffer; stdout?: Buffer; message?: string };
    const stderr = e.stderr?.toString('utf8') ?? '';
    const stdout = e.stdout?.toString('utf8').slice(0, 2000) ?? '';
    throw new Error(
      `command failed: ${command} ${args.join(' ')}\n${e.message ?? ''}\n--- stderr ---\n${stderr}\n--- stdout ---\n${stdout}`,
    );
  }
}

const TOOL_PACKAGES: Record<string, string> = {
  skopeo: 'skopeo',
  umoci: 'umoci',
  podman: 'podman',
  'docker-registry': 'docker-registry',
  dockerd: 'docker.io',
  docker: 'docker.io',
  runc: 'runc',
  containerd: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  ctr: 'containerd',
  buildah: 'buildah',
};

/** Fails loudly (never skips) when a command-line tool the test needs is not installed. */
export async function requireTools(...tools: string[]): Promise<void> {
  const missing: string[] = [];
  for (const tool of tools) {
    const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
    let found = false;
    for (const dir of dirs) {
      try {
        await access(join(dir, tool), constants.X_OK);
        found = true;
        break;
      } catch {
        // not in this directory
      }
    }
    if (!found) missing.push(tool);
  }
  if (missing.length > 0) {
    const packages = missing.map((t) => TOOL_PACKAGES[t] ?? t).join(' ');
    throw new Error(
      `MISSING TEST TOOLS: ${missing.join(', ')} not found on PATH. Install them with ` +
        `\`sudo bash scripts/install-test-deps.sh\` (Debian packages: ${packages}).`,
    );
  }
}

function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (alg === undefined || hex === undefined) throw new Error(`bad digest ${digest}`);
  return join(dir, 'blobs', alg, hex);
}

export async function readLayoutBlob(dir: string, digest: string): Promise<Buffer> {
  return readFile(blobPath(dir, digest));
}

/** Writes a blob into the layout and returns its descriptor. */
export async function writeLayoutBlob(dir: string, mediaType: string, data: Uint8Array | string): Promise<Descriptor> {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const digest = sha256Digest(bytes);
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(blobPath(dir, digest), bytes);
  return { mediaType, digest, size: bytes.byteLength };
}

export async function readLayoutIndex(dir: string): Promise<ImageIndex> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  // `umoci init` writes `"manifests": null`.
  index.manifests ??= [];
  return index;
}

/** The descriptor tagged `tag` (annotation org.opencontainers.image.ref.name) in the layout's index.json. */
export async function layoutDescriptor(dir: string, tag: string): Promise<Descriptor> {
  const index = await readLayoutIndex(dir);
  const found = index.manifests.find((d) => d.annotations?.['org.opencontainers.image.ref.name'] === tag);
  if (!found) throw new Error(`tag ${tag} not found in ${dir}/index.json`);
  return found;
}

/** Every blob file of a layout with the digest its path names and the digest its content hashes to. */
export async function listLayoutBlobs(dir: string): Promise<{ digest: string; actual: string }[]> {
  const root = join(dir, 'blobs', 'sha256');
  const out: { digest: string; actual: string }[] = [];
  for (const name of await readdir(root)) {
    out.push({ digest: `sha256:${name}`, actual: sha256Digest(await readFile(join(root, name))) });
  }
  return out;
}

/** Digests of every blob (config + layers) an image manifest references. */
export function manifestBlobs(manifest: ImageManifest): Descriptor[] {
  return [manifest.config, ...manifest.layers];
}

async function ensureLayout(dir: string): Promise<void> {
  if (existsSync(join(dir, 'oci-layout'))) return;
  await run('umoci', ['init', '--layout', dir]);
}

async function setLayoutTag(dir: string, tag: string, descriptor: Descriptor, dropTags: string[] = []): Promise<void> {
  const index = await readLayoutIndex(dir);
  const drop = new Set([tag, ...dropTags]);
  index.manifests = index.manifests.filter(
    (d) => !drop.has(d.annotations?.['org.opencontainers.image.ref.name'] ?? ''),
  );
  index.manifests.push({ ...descriptor, annotations: { 'org.opencontainers.image.ref.name': tag } });
  await writeFile(join(dir, 'index.json'), JSON.stringify(index));
}

async function buildImage(dir: string, tag: string, arch: string, layers: number): Promise<BuiltImage> {
  await ensureLayout(dir);
  const image = `${dir}:${tag}`;
  await run('umoci', ['new', '--image', image]);
  const scratch = await mkdtemp(join(tmpdir(), 'wharf-e2e-layer-'));
  try {
    for (let i = 0; i < layers; i++) {
      const src = join(scratch, `layer-${i}`);
      await mkdir(src);
      // Random (incompressible) content of a different size per layer, so every layer has a distinct digest.
      await writeFile(join(src, `random-${i}.bin`), randomBytes(48 * 1024 + i * 16 * 1024));
      await writeFile(join(src, 'README'), `layer ${i} of ${tag} (${arch}) ${randomBytes(8).toString('hex')}\n`);
      await run('umoci', ['insert', '--rootless', '--image', image, src, `/opt/wharf/layer-${i}`]);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await run('umoci', [
    'config',
    '--image',
    image,
    '--os',
    'linux',
    '--architecture',
    arch,
    '--config.env',
    'WHARF_E2E=1',
    '--config.env',
    `WHARF_ARCH=${arch}`,
    '--config.entrypoint',
    '/bin/sh',
    '--config.entrypoint',
    '-c',
    '--config.cmd',
    'echo hello from wharf',
    '--config.workingdir',
    '/opt/wharf',
    '--config.label',
    'org.opencontainers.image.title=wharf-e2e',
    '--config.label',
    `org.example.build=${randomBytes(6).toString('hex')}`,
  ]);
  const descriptor = await layoutDescriptor(dir, tag);
  return {
    dir,
    tag,
    manifestDigest: descriptor.digest,
    manifestSize: descriptor.size,
    mediaType: descriptor.mediaType,
  };
}

/** A linux/amd64 image with 3 layers of random content and a config with env, entrypoint and labels. */
export async function buildMultiLayerImage(dir: string, tag: string): Promise<BuiltImage> {
  const image = await buildImage(dir, tag, 'amd64', 3);
  await run('umoci', ['gc', '--layout', dir]);
  return image;
}

/** An OCI image index over a linux/amd64 and a linux/arm64 image (distinct content), tagged `tag`. */
export async function buildMultiPlatformIndex(dir: string, tag: string): Promise<BuiltIndex> {
  const platforms = [
    { architecture: 'amd64', os: 'linux' },
    { architecture: 'arm64', os: 'linux', variant: 'v8' },
  ];
  const manifests: Descriptor[] = [];
  for (const platform of platforms) {
    const image = await buildImage(dir, `${tag}-${platform.architecture}`, platform.architecture, 2);
    manifests.push({ mediaType: image.mediaType, digest: image.manifestDigest, size: image.manifestSize, platform });
  }
  const index: ImageIndex & { annotations: Record<string, string> } = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests,
    annotations: { 'org.opencontainers.image.title': `wharf-e2e-multi-${tag}` },
  };
  const descriptor = await writeLayoutBlob(dir, OCI_INDEX, JSON.stringify(index));
  await setLayoutTag(
    dir,
    tag,
    descriptor,
    platforms.map((p) => `${tag}-${p.architecture}`),
  );
  return {
    dir,
    tag,
    manifestDigest: descriptor.digest,
    manifestSize: descriptor.size,
    mediaType: OCI_INDEX,
    manifests,
  };
}

/**
 * An artifact manifest (artifactType application/vnd.example.sbom.v1, empty config, one layer) whose `subject` is the
 * given manifest, written directly into the layout at `dir` and tagged `tag`.
 */
export async function buildArtifactWithSubject(
  dir: string,
  tag: string,
  subjectDigest: string,
  subjectSize: number,
  subjectMediaType: string,
): Promise<BuiltArtifact> {
  await ensureLayout(dir);
  const config = await writeLayoutBlob(dir, OCI_EMPTY, '{}');
  const sbom = JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    name: `wharf-e2e-${tag}`,
    documentNamespace: `https://example.invalid/spdx/${randomBytes(8).toString('hex')}`,
    packages: [{ name: 'wharf-e2e', versionInfo: '1.0.0' }],
  });
  const layer = await writeLayoutBlob(dir, 'application/spdx+json', sbom);
  layer.annotations = { 'org.opencontainers.image.title': 'sbom.spdx.json' };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SBOM_ARTIFACT_TYPE,
    config,
    layers: [layer],
    subject: { mediaType: subjectMediaType, digest: subjectDigest, size: subjectSize },
    annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
  };
  const descriptor = await writeLayoutBlob(dir, OCI_MANIFEST, JSON.stringify(manifest));
  await setLayoutTag(dir, tag, { ...descriptor, artifactType: SBOM_ARTIFACT_TYPE });
  return {
    dir,
    tag,
    manifestDigest: descriptor.digest,
    manifestSize: descriptor.size,
    mediaType: OCI_MANIFEST,
    artifactType: SBOM_ARTIFACT_TYPE,
    layerDigest: layer.digest,
  };
}
