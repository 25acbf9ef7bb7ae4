import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest, ADMIN_AUTH } from '../helpers/oci-client.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startWharf();
});
afterAll(() => reg.stop());

/** Sends headers and `sent` bytes of a body that claims to be longer, then cuts the connection. */
function abortMidBody(method: string, path: string, headers: Record<string, string>, sent: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${reg.url}${path}`, { method, headers: { ...ADMIN_AUTH, ...headers } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(sent, () => setTimeout(() => req.destroy(), 100));
  });
}

async function startSession(repo: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { headers: ADMIN_AUTH, method: 'POST' });
  expect(res.status).toBe(202);
  return new URL(res.headers.get('location')!, reg.url).pathname;
}

describe('clients that break off an upload', () => {
  it('keeps the received prefix of an aborted PATCH, and the upload resumes from it', async () => {
    const data = randomBytes(3 * 1024 * 1024);
    const path = await startSession('library/broken/patch');
    await abortMidBody(
      'PATCH',
      path,
      { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      data.subarray(0, 1024 * 1024),
    );
    const status = await fetch(`${reg.url}${path}`, { headers: ADMIN_AUTH });
    expect(status.status).toBe(204);
    const received = Number(/^0-(\d+)$/.exec(status.headers.get('range')!)![1]) + 1;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(1024 * 1024);
    const digest = sha256Digest(data);
    const put = await fetch(`${reg.url}${path}?digest=${digest}`, {
      method: 'PUT',
      body: data.subarray(received),
      headers: { ...ADMIN_AUTH, 'content-range': `${received}-${data.length - 1}` },
    });
    expect(put.status, await put.text()).toBe(201);
    const blob = Buffer.from(
      await (await fetch(`${reg.url}/v2/library/broken/patch/blobs/${digest}`, { headers: ADMIN_AUTH })).arrayBuffer(),
    );
    expect(blob.equals(data)).toBe(true);
  });

  it('stores nothing for an aborted monolithic upload, and the server stays healthy', async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const digest = sha256Digest(data);
    await abortMidBody(
      'POST',
      `/v2/library/broken/mono/blobs/uploads/?digest=${digest}`,
      { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      data.subarray(0, 512 * 1024),
    );
    expect(
      (await fetch(`${reg.url}/v2/library/broken/mono/blobs/${digest}`, { headers: ADMIN_AUTH, method: 'HEAD' }))
        .status,
    ).toBe(404);
    const retry = await fetch(`${reg.url}/v2/library/broken/mono/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: ADMIN_AUTH,
      body: data,
    });
    expect(retry.status).toBe(201);
    expect(
      (await fetch(`${reg.url}/v2/library/broken/mono/blobs/${digest}`, { headers: ADMIN_AUTH, method: 'HEAD' }))
        .status,
    ).toBe(200);
  });

  it('stores nothing for an aborted manifest PUT', async () => {
    await abortMidBody(
      'PUT',
      '/v2/library/broken/manifest/manifests/latest',
      { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '4000' },
      Buffer.from('{"schemaVersion":2,'),
    );
    const res = await fetch(`${reg.url}/v2/library/broken/manifest/manifests/latest`, { headers: ADMIN_AUTH });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('MANIFEST_UNKNOWN');
    expect((await fetch(`${reg.url}/v2/`, { headers: ADMIN_AUTH })).status).toBe(200);
  });
});
