import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Digest, ADMIN_AUTH } from '../helpers/oci-client.js';
import { releaseWharfData, startWharf, type RunningRegistry } from '../helpers/registry-process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-lifecycle-'));
});
afterAll(async () => {
  await releaseWharfData(dataDir);
  await rm(dataDir, { recursive: true, force: true });
});

async function startSession(reg: RunningRegistry, repo: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { headers: ADMIN_AUTH, method: 'POST' });
  expect(res.status).toBe(202);
  return new URL(res.headers.get('location')!, reg.url).toString();
}

/** A request body that trickles out `pieces` chunks of `size` bytes, `delayMs` apart. */
function slowBody(data: Buffer, pieces: number, delayMs: number): ReadableStream<Uint8Array> {
  const size = Math.ceil(data.length / pieces);
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i >= pieces) return controller.close();
      await new Promise((r) => setTimeout(r, delayMs));
      controller.enqueue(data.subarray(i * size, (i + 1) * size));
      i++;
    },
  });
}

describe('server lifecycle', () => {
  it('finishes an in-flight upload on SIGTERM, then exits; the session resumes after a restart', async () => {
    const data = randomBytes(4 * 1024 * 1024);
    let reg = await startWharf({ dataDir, env: { WHARF_LOG_LEVEL: 'info' } });
    const loc = await startSession(reg, 'library/life/upload');
    const first = data.subarray(0, 3 * 1024 * 1024);
    const patch = fetch(loc, {
      method: 'PATCH',
      body: slowBody(first, 12, 50),
      headers: { ...ADMIN_AUTH, 'content-type': 'application/octet-stream' },
      duplex: 'half',
    });
    await new Promise((r) => setTimeout(r, 200));
    process.kill(reg.pid, 'SIGTERM');
    const res = await patch;
    expect(res.status).toBe(202);
    expect(res.headers.get('range')).toBe(`0-${first.length - 1}`);
    await reg.stop();
    expect(reg.output().stdout).toContain('"signal":"SIGTERM"');

    reg = await startWharf({ dataDir });
    try {
      const status = await fetch(loc.replace(/^http:\/\/[^/]+/, reg.url), { headers: ADMIN_AUTH });
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);
      const digest = sha256Digest(data);
      const put = await fetch(`${loc.replace(/^http:\/\/[^/]+/, reg.url)}?digest=${digest}`, {
        method: 'PUT',
        body: data.subarray(first.length),
        headers: { ...ADMIN_AUTH, 'content-range': `${first.length}-${data.length - 1}` },
      });
      expect(put.status, await put.text()).toBe(201);
      const blob = Buffer.from(
        await (await fetch(`${reg.url}/v2/library/life/upload/blobs/${digest}`, { headers: ADMIN_AUTH })).arrayBuffer(),
      );
      expect(blob.equals(data)).toBe(true);
    } finally {
      await reg.stop();
    }
  });

  it('writes one access-log line per request when enabled, none when disabled', async () => {
    const on = await startWharf({ env: { WHARF_LOG_LEVEL: 'info', WHARF_HTTP_ACCESSLOG: 'true' } });
    await (await fetch(`${on.url}/v2/_catalog`, { headers: { ...ADMIN_AUTH, 'x-request-id': 'trace-me-1' } })).text();
    await on.stop();
    const line = on
      .output()
      .stdout.split('\n')
      .find((l) => l.includes('trace-me-1'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({
      msg: 'access',
      method: 'GET',
      url: '/v2/_catalog',
      status: 200,
      reqId: 'trace-me-1',
    });

    const off = await startWharf({ env: { WHARF_LOG_LEVEL: 'info', WHARF_HTTP_ACCESSLOG: 'false' } });
    await (await fetch(`${off.url}/v2/_catalog`, { headers: { ...ADMIN_AUTH, 'x-request-id': 'trace-me-2' } })).text();
    await off.stop();
    expect(off.output().stdout).not.toContain('trace-me-2');
    expect(off.output().stdout).toContain('wharf listening');
  });

  it('purges abandoned upload sessions after the configured age', async () => {
    const reg = await startWharf({ env: { WHARF_UPLOADS_PURGEAFTER: '1s', WHARF_UPLOADS_PURGEINTERVAL: '1s' } });
    try {
      const loc = await startSession(reg, 'library/life/purge');
      await fetch(loc, { headers: ADMIN_AUTH, method: 'PATCH', body: randomBytes(100) });
      const deadline = Date.now() + 15_000;
      let status = 204;
      while (status !== 404 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        status = (await fetch(loc, { headers: ADMIN_AUTH })).status;
      }
      expect(status).toBe(404);
    } finally {
      await reg.stop();
    }
  });
});
