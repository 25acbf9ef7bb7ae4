import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, WHARF_MAIN } from '../helpers/registry-process.js';

const run = promisify(execFile);

async function makeCertificate(dir: string, cn: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    path.join(dir, 'tls.key'),
    '-out',
    path.join(dir, 'tls.crt'),
  ]);
}

/** GET over HTTPS without verifying the self-signed certificate; returns status and the served certificate. */
function get(
  port: number,
  urlPath: string,
): Promise<{ status: number; fingerprint: string; apiVersion: string; challenge: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, rejectUnauthorized: false, agent: false }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          fingerprint: cert.fingerprint256,
          apiVersion: String(res.headers['docker-distribution-api-version']),
          challenge: String(res.headers['www-authenticate']),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-tls-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('HTTPS', () => {
  it('serves HTTPS with the configured certificate and reloads it on SIGHUP', async () => {
    await makeCertificate(dir, 'first.wharf.test');
    const port = await freePort();
    const child = spawn(process.execPath, [WHARF_MAIN, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        WHARF_HTTP_ADDR: `127.0.0.1:${port}`,
        WHARF_DATA_DIR: path.join(dir, 'data'),
        WHARF_HTTP_TLS_CERTIFICATE: path.join(dir, 'tls.crt'),
        WHARF_HTTP_TLS_KEY: path.join(dir, 'tls.key'),
        WHARF_LOG_LEVEL: 'info',
        // Two workers: each serves TLS, and the primary's SIGHUP reaches both.
        WHARF_HTTP_WORKERS: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      let first: Awaited<ReturnType<typeof get>> | undefined;
      for (let i = 0; i < 300 && !(first && output.includes('wharf listening')); i++) {
        first = await get(port, '/v2/').catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(first, output).toBeDefined();
      // Anonymous: the challenge sends clients to the token service over HTTPS too.
      expect(first!.status).toBe(401);
      expect(first!.challenge).toContain(`realm="https://127.0.0.1:${port}/service/token"`);
      expect(first!.apiVersion).toBe('registry/2.0');
      const firstCert = new X509Certificate(await readFile(path.join(dir, 'tls.crt')));
      expect(first!.fingerprint).toBe(firstCert.fingerprint256);

      await makeCertificate(dir, 'second.wharf.test');
      const secondCert = new X509Certificate(await readFile(path.join(dir, 'tls.crt')));
      child.kill('SIGHUP');
      let after = first!;
      for (let i = 0; i < 50 && after.fingerprint !== secondCert.fingerprint256; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await get(port, '/v2/');
      }
      expect(after.fingerprint).toBe(secondCert.fingerprint256);
      // Connections go round-robin to the workers: each of the next ones shows the new certificate.
      for (let i = 0; i < 4; i++) expect((await get(port, '/v2/')).fingerprint).toBe(secondCert.fingerprint256);
      for (let i = 0; i < 50 && output.split('TLS certificate reloaded').length < 3; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(output.split('TLS certificate reloaded')).toHaveLength(3); // once in each worker
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
