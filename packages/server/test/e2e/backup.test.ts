// End-to-end: `wharf backup` of a running Wharf while pushes continue, an interrupted backup resumed, `wharf restore`
// into a fresh data directory, and every image backed up pulled back byte for byte from a Wharf started on it.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBlob, getManifest } from '../helpers/oci-client.js';
import { buildMultiLayerImage, readLayoutBlob, requireTools, run, type ImageManifest } from '../helpers/oci-images.js';
import { startWharf, WHARF_MAIN, type RunningRegistry } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

const exec = promisify(execFile);
let work = '';
let source: RunningRegistry | undefined;
let restored: RunningRegistry | undefined;

beforeAll(async () => {
  await requireTools('skopeo', 'umoci');
  work = path.join(tmpdir(), `wharf-e2e-backup-${randomBytes(6).toString('hex')}`);
  await mkdir(work, { recursive: true });
});
afterAll(async () => {
  await source?.stop();
  await restored?.stop();
  await rm(work, { recursive: true, force: true });
});

async function push(registry: RunningRegistry, layout: string, repo: string): Promise<void> {
  await run(
    'skopeo',
    ['copy', '--quiet', '--dest-tls-verify=false', `--dest-creds=admin:${ADMIN_PASSWORD}`, '--preserve-digests'].concat(
      `oci:${layout}:v1`,
      `docker://${registry.host}/library/${repo}:v1`,
    ),
    { timeoutMs: 90_000 },
  );
}

function wharf(dataDir: string, ...args: string[]) {
  return exec(process.execPath, [WHARF_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', WHARF_DATA_DIR: dataDir },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('wharf backup and restore', () => {
  it('backs up online, resumes, restores, and the restored Wharf serves every image byte for byte', async () => {
    const dataDir = path.join(work, 'data');
    source = await startWharf({ dataDir, env: { WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    const images: { repo: string; layout: string; digest: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const layout = path.join(work, `layout-${i}`);
      const built = await buildMultiLayerImage(layout, 'v1');
      await push(source, layout, `backup/app${i}`);
      images.push({ repo: `backup/app${i}`, layout, digest: built.manifestDigest });
    }
    const late = path.join(work, 'layout-late');
    await buildMultiLayerImage(late, 'v1');

    // An interrupted first run: killed at once, it leaves no MANIFEST.json (restore would refuse it).
    const backupDir = path.join(work, 'backup');
    const killed = spawn(process.execPath, [WHARF_MAIN, 'backup', backupDir], {
      env: { PATH: process.env.PATH ?? '', WHARF_DATA_DIR: dataDir },
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 400));
    killed.kill('SIGKILL');
    await new Promise((r) => killed.once('exit', r));

    // The backup while another push runs.
    const [first] = await Promise.all([wharf(dataDir, 'backup', backupDir), push(source, late, 'backup/late')]);
    expect(first.stdout).toMatch(/backup: \d+ blobs/);
    const manifest = JSON.parse(await readFile(path.join(backupDir, 'MANIFEST.json'), 'utf8')) as {
      files: { path: string }[];
    };
    const blobFiles = manifest.files.filter((f) => f.path.startsWith('storage/'));
    expect(blobFiles.length).toBeGreaterThanOrEqual(3 * 5); // manifest, config, 3 layers each

    // An interruption part-way: some blobs missing, one half written. The rerun copies exactly those.
    await rm(path.join(backupDir, 'MANIFEST.json'));
    await rm(path.join(backupDir, blobFiles[0]!.path));
    await writeFile(path.join(backupDir, blobFiles[1]!.path), 'half');
    const resumed = await wharf(dataDir, 'backup', backupDir);
    expect(resumed.stdout).toMatch(/\(2 copied, \d+ bytes\)|\([3-9] copied/);

    // Restore refuses a non-empty directory and a damaged backup, then restores into a fresh one.
    const refused = await wharf(dataDir, 'restore', backupDir).catch((e: { stderr: string; code: number }) => e);
    expect((refused as { stderr: string }).stderr).toContain('is not empty');
    const restoredDir = path.join(work, 'restored');
    const damaged = path.join(backupDir, blobFiles[2]!.path);
    const original = await readFile(damaged);
    await writeFile(damaged, Buffer.concat([original.subarray(0, -1), Buffer.from([original.at(-1)! ^ 1])]));
    const rejected = await wharf(restoredDir, 'restore', backupDir).catch((e: { stderr: string }) => e);
    expect(rejected.stderr).toContain('missing or damaged');
    expect(await readdir(restoredDir).catch(() => [])).toEqual([]);
    await writeFile(damaged, original);
    const done = await wharf(restoredDir, 'restore', backupDir);
    expect(done.stdout).toMatch(/restore: \d+ files checked and written/);
    expect((await filesUnder(path.join(restoredDir, 'storage'))).length).toBe(blobFiles.length);

    await source.stop();
    source = undefined;
    restored = await startWharf({ dataDir: restoredDir, env: { WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    for (const image of images) {
      const fetched = await getManifest(restored.url, `library/${image.repo}`, 'v1');
      expect(fetched.digest).toBe(image.digest);
      const parsed = JSON.parse(fetched.body.toString('utf8')) as ImageManifest;
      for (const descriptor of [parsed.config, ...parsed.layers]) {
        const bytes = await getBlob(restored.url, `library/${image.repo}`, descriptor.digest);
        expect(bytes.equals(await readLayoutBlob(image.layout, descriptor.digest))).toBe(true);
      }
      const pulled = path.join(work, `pulled-${image.repo.replace('/', '-')}`);
      await run(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          '--src-creds',
          `admin:${ADMIN_PASSWORD}`,
          `docker://${restored.host}/library/${image.repo}:v1`,
          `oci:${pulled}:v1`,
        ],
        { timeoutMs: 90_000 },
      );
    }
  }, 300_000);
});
