// End-to-end: `wharf certs` makes a CA and a server certificate; the chain verifies with openssl, Wharf serves TLS
// with the pair, and skopeo and podman push and pull through it with only the CA given (--cert-dir), no insecure
// flag; without the CA they refuse.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMultiLayerImage, requireTools, run } from '../helpers/oci-images.js';
import { freePort, WHARF_MAIN } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

let work = '';
beforeAll(async () => {
  await requireTools('openssl', 'skopeo', 'podman', 'umoci');
  // podman names an image pulled from `oci:DIR` after DIR, and image names must be lowercase: no mkdtemp here.
  work = path.join(tmpdir(), `wharf-e2e-certs-${randomBytes(6).toString('hex')}`);
  await mkdir(path.join(work, 'tmp'), { recursive: true });
});
afterAll(() => (work ? rm(work, { recursive: true, force: true }) : undefined));

function wharf(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WHARF_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function podman(...args: string[]): Promise<string> {
  const store = ['--root', path.join(work, 'storage'), '--runroot', path.join(work, 'run')];
  return run('podman', [...store, '--storage-driver', 'vfs', '--events-backend', 'file', ...args], {
    timeoutMs: 90_000,
  });
}

describe('wharf certs', () => {
  it('makes a chain that verifies and that skopeo and podman trust with only the CA', async () => {
    const out = path.join(work, 'certs');
    const made = await wharf('certs', '--out', out, '--san', 'localhost', '--san', '127.0.0.1', '--port', '5443');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('/etc/docker/certs.d/localhost:5443/ca.crt');
    expect(made.stdout).toContain('/etc/containers/certs.d/localhost:5443/ca.crt');
    expect(made.stdout).toContain('/etc/containerd/certs.d/localhost:5443/hosts.toml');
    expect(made.stdout).toContain(`certificate: ${path.join(out, 'server.crt')}`);
    expect((await stat(path.join(out, 'server.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(out, 'ca.key'))).mode & 0o777).toBe(0o600);
    await expect(
      run('openssl', ['verify', '-CAfile', path.join(out, 'ca.crt'), path.join(out, 'server.crt')]),
    ).resolves.toContain('OK');
    const sans = await run('openssl', [
      'x509',
      '-in',
      path.join(out, 'server.crt'),
      '-noout',
      '-ext',
      'subjectAltName',
    ]);
    expect(sans).toContain('DNS:localhost');
    expect(sans).toContain('IP Address:127.0.0.1');

    // Never replaced without --force; replaced with it.
    const before = await readFile(path.join(out, 'server.key'), 'utf8');
    const again = await wharf('certs', '--out', out, '--san', 'localhost');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists; pass --force');
    expect(await readFile(path.join(out, 'server.key'), 'utf8')).toBe(before);
    const bad = await wharf('certs', '--out', path.join(work, 'bad'), '--san', 'not a name');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('neither a DNS name nor an IP address');

    const port = await freePort();
    const child = spawn(process.execPath, [WHARF_MAIN, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
        WHARF_DATA_DIR: path.join(work, 'data'),
        WHARF_HTTP_TLS_CERTIFICATE: path.join(out, 'server.crt'),
        WHARF_HTTP_TLS_KEY: path.join(out, 'server.key'),
        WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
        WHARF_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const host = `localhost:${port}`;
      // The CA as clients take it: a directory holding ca.crt (what /etc/containers/certs.d/HOST:PORT/ is).
      const certDir = path.join(work, 'trust');
      await mkdir(certDir);
      await copyFile(path.join(out, 'ca.crt'), path.join(certDir, 'ca.crt'));
      for (let i = 0; ; i++) {
        const up = await run('skopeo', ['inspect', '--cert-dir', certDir, `docker://${host}/library/none:x`]).then(
          () => 'up',
          (err: Error) => err.message,
        );
        if (!/connection refused/.test(up) || i > 100) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const layout = path.join(work, 'layout');
      const built = await buildMultiLayerImage(layout, 'v1');
      const creds = `admin:${ADMIN_PASSWORD}`;
      await run(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--dest-cert-dir',
          certDir,
          '--dest-creds',
          creds,
          '--preserve-digests',
          `oci:${layout}:v1`,
          `docker://${host}/library/tls/app:v1`,
        ],
        { timeoutMs: 90_000 },
      );
      const pulled = path.join(work, 'pulled');
      await run(
        'skopeo',
        [
          'copy',
          '--quiet',
          '--src-cert-dir',
          certDir,
          '--preserve-digests',
          `docker://${host}/library/tls/app:v1`,
          `oci:${pulled}:v1`,
        ],
        { timeoutMs: 90_000 },
      );
      const index = JSON.parse(await readFile(path.join(pulled, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      expect(index.manifests[0]!.digest).toBe(built.manifestDigest);

      // Without the CA the same pull fails certificate verification (so the success above was verified TLS).
      const untrusted = await run('skopeo', [
        'inspect',
        '--cert-dir',
        path.join(work, 'tmp'),
        `docker://${host}/library/tls/app:v1`,
      ]).then(
        () => 'accepted',
        (err: Error) => err.message,
      );
      expect(untrusted).toMatch(/certificate|x509/i);

      await writeFile(
        path.join(work, 'storage.conf'),
        `[storage]\ndriver = "vfs"\ngraphroot = "${path.join(work, 'storage')}"\nrunroot = "${path.join(work, 'run')}"\n`,
      );
      const id = await podman('pull', '--quiet', '--cert-dir', certDir, `${host}/library/tls/app:v1`);
      const [image] = JSON.parse(await podman('image', 'inspect', id.trim())) as { Digest: string }[];
      expect(image!.Digest).toBe(built.manifestDigest);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).not.toMatch(/"level":(50|60)/);
  }, 240_000);
});
