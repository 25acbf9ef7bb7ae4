import { describe, expect, it } from 'vitest';
import { expectOciError, pushBlob, randomBlob, sha256 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

async function startSession(name: string): Promise<string> {
  const res = await reg.app.inject({ method: 'POST', url: `/v2/${name}/blobs/uploads/` });
  expect(res.statusCode, res.body).toBe(202);
  expect(res.headers['docker-upload-uuid']).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers.range).toBe('0-0');
  return res.headers.location as string;
}

async function getBlob(name: string, digest: string): Promise<Buffer> {
  const res = await reg.app.inject({ method: 'GET', url: `/v2/${name}/blobs/${digest}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.rawPayload;
}

describe('monolithic uploads', () => {
  it('POST ?digest= stores the blob in one request', async () => {
    const content = randomBlob(5000);
    const digest = sha256(content);
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/up/mono/blobs/uploads/?digest=${digest}`,
      payload: content,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/up/mono/blobs/${digest}`);
    expect(res.headers['docker-content-digest']).toBe(digest);
    expect((await getBlob('up/mono', digest)).equals(content)).toBe(true);
  });

  it('POST then PUT with the whole body', async () => {
    const content = randomBlob(3000);
    const digest = sha256(content);
    const loc = await startSession('up/postput');
    const res = await reg.app.inject({ method: 'PUT', url: `${loc}?digest=${digest}`, payload: content });
    expect(res.statusCode, res.body).toBe(201);
    expect((await getBlob('up/postput', digest)).equals(content)).toBe(true);
  });

  it('rejects content that does not match the digest, and stores nothing', async () => {
    const content = randomBlob(100);
    const wrong = sha256('something else');
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/up/wrong/blobs/uploads/?digest=${wrong}`,
      payload: content,
    });
    expectOciError(res, 400, 'DIGEST_INVALID');
    expect((await reg.app.inject({ method: 'HEAD', url: `/v2/up/wrong/blobs/${wrong}` })).statusCode).toBe(404);
    expectOciError(await reg.app.inject({ method: 'GET', url: `/v2/up/wrong/blobs/${wrong}` }), 404, 'BLOB_UNKNOWN');
  });

  it('stores an empty blob', async () => {
    const digest = sha256('');
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/up/empty/blobs/uploads/?digest=${digest}`,
      payload: '',
    });
    expect(res.statusCode).toBe(201);
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/up/empty/blobs/${digest}` });
    expect(head.headers['content-length']).toBe('0');
  });

  it('rejects a malformed digest with DIGEST_INVALID', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: '/v2/up/bad/blobs/uploads/?digest=sha256:zz',
      payload: 'x',
    });
    expectOciError(res, 400, 'DIGEST_INVALID');
  });

  it('is idempotent when two uploads of the same content race', async () => {
    const content = randomBlob(200_000);
    const digest = sha256(content);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        reg.app.inject({ method: 'POST', url: `/v2/up/race/blobs/uploads/?digest=${digest}`, payload: content }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201));
    expect((await getBlob('up/race', digest)).equals(content)).toBe(true);
  });
});

describe('chunked uploads', () => {
  it('PATCH chunks with Content-Range then PUT', async () => {
    const content = randomBlob(300_000);
    const digest = sha256(content);
    let loc = await startSession('up/chunked');
    const size = 100_000;
    for (let start = 0; start < content.length; start += size) {
      const chunk = content.subarray(start, start + size);
      const res = await reg.app.inject({
        method: 'PATCH',
        url: loc,
        payload: chunk,
        headers: {
          'content-range': `${start}-${start + chunk.length - 1}`,
          'content-type': 'application/octet-stream',
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.headers.range).toBe(`0-${start + chunk.length - 1}`);
      loc = res.headers.location as string;
    }
    const status = await reg.app.inject({ method: 'GET', url: loc });
    expect(status.statusCode).toBe(204);
    expect(status.headers.range).toBe(`0-${content.length - 1}`);
    const put = await reg.app.inject({ method: 'PUT', url: `${loc}?digest=${digest}` });
    expect(put.statusCode, put.body).toBe(201);
    expect((await getBlob('up/chunked', digest)).equals(content)).toBe(true);
  });

  it('streamed PATCH without Content-Range, and a final chunk in the PUT', async () => {
    const content = randomBlob(50_000);
    const digest = sha256(content);
    const loc = await startSession('up/streamed');
    const patch = await reg.app.inject({ method: 'PATCH', url: loc, payload: content.subarray(0, 30_000) });
    expect(patch.statusCode).toBe(202);
    const put = await reg.app.inject({
      method: 'PUT',
      url: `${loc}?digest=${digest}`,
      payload: content.subarray(30_000),
      headers: { 'content-range': `30000-${content.length - 1}` },
    });
    expect(put.statusCode, put.body).toBe(201);
    expect((await getBlob('up/streamed', digest)).equals(content)).toBe(true);
  });

  it('answers an out-of-order chunk with 416 and the current Range', async () => {
    const loc = await startSession('up/order');
    await reg.app.inject({ method: 'PATCH', url: loc, payload: randomBlob(10), headers: { 'content-range': '0-9' } });
    const skip = await reg.app.inject({
      method: 'PATCH',
      url: loc,
      payload: randomBlob(10),
      headers: { 'content-range': '20-29' },
    });
    expect(skip.statusCode).toBe(416);
    expect(skip.headers.range).toBe('0-9');
    const overlap = await reg.app.inject({
      method: 'PATCH',
      url: loc,
      payload: randomBlob(5),
      headers: { 'content-range': '5-9' },
    });
    expect(overlap.statusCode).toBe(416);
    const status = await reg.app.inject({ method: 'GET', url: loc });
    expect(status.headers.range).toBe('0-9');
  });

  it('answers a Content-Range that disagrees with Content-Length with 416', async () => {
    const loc = await startSession('up/mismatch');
    const res = await reg.app.inject({
      method: 'PATCH',
      url: loc,
      payload: randomBlob(10),
      headers: { 'content-range': '0-99' },
    });
    expect(res.statusCode).toBe(416);
  });

  it('rejects a finished upload whose digest does not match, and discards the session', async () => {
    const loc = await startSession('up/baddigest');
    await reg.app.inject({ method: 'PATCH', url: loc, payload: randomBlob(10) });
    const put = await reg.app.inject({ method: 'PUT', url: `${loc}?digest=${sha256('nope')}` });
    expectOciError(put, 400, 'DIGEST_INVALID');
    expectOciError(await reg.app.inject({ method: 'GET', url: loc }), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('requires the digest parameter to finish', async () => {
    const loc = await startSession('up/nodigest');
    expectOciError(await reg.app.inject({ method: 'PUT', url: loc }), 400, 'DIGEST_INVALID');
  });

  it('cancels with DELETE, after which the session is unknown', async () => {
    const loc = await startSession('up/cancel');
    const del = await reg.app.inject({ method: 'DELETE', url: loc });
    expect(del.statusCode).toBe(204);
    expectOciError(await reg.app.inject({ method: 'GET', url: loc }), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectOciError(await reg.app.inject({ method: 'PATCH', url: loc, payload: 'x' }), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectOciError(await reg.app.inject({ method: 'DELETE', url: loc }), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('answers unknown and foreign session ids with BLOB_UPLOAD_UNKNOWN', async () => {
    expectOciError(
      await reg.app.inject({ method: 'GET', url: '/v2/up/x/blobs/uploads/not-a-uuid' }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
    const loc = await startSession('up/owner');
    const id = loc.split('/').pop()!;
    expectOciError(
      await reg.app.inject({ method: 'GET', url: `/v2/up/thief/blobs/uploads/${id}` }),
      404,
      'BLOB_UPLOAD_UNKNOWN',
    );
  });

  it('serialises concurrent PATCHes of one session: one wins, the other gets 416', async () => {
    const loc = await startSession('up/concurrent');
    const [a, b] = await Promise.all([
      reg.app.inject({ method: 'PATCH', url: loc, payload: randomBlob(1000), headers: { 'content-range': '0-999' } }),
      reg.app.inject({ method: 'PATCH', url: loc, payload: randomBlob(1000), headers: { 'content-range': '0-999' } }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([202, 416]);
  });
});

describe('upload sessions across restarts and purging', () => {
  it('purges sessions untouched for longer than the configured age', async () => {
    const loc = await startSession('up/purge');
    await reg.app.inject({ method: 'PATCH', url: loc, payload: randomBlob(10) });
    const purged = await reg.wharf.registry.uploads.purgeStale(new Date(Date.now() + 1000));
    expect(purged).toBeGreaterThanOrEqual(1);
    expectOciError(await reg.app.inject({ method: 'GET', url: loc }), 404, 'BLOB_UPLOAD_UNKNOWN');
  });
});

describe('cross-repository mount', () => {
  it('mounts a blob from a repository that has it: 201', async () => {
    const content = randomBlob(100);
    const { digest } = await pushBlob(reg.app, 'mount/source', content);
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/mount/target/blobs/uploads/?mount=${digest}&from=mount/source`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/mount/target/blobs/${digest}`);
    expect((await getBlob('mount/target', digest)).equals(content)).toBe(true);
  });

  it('opens a session instead when the source lacks the blob: 202', async () => {
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/mount/target2/blobs/uploads/?mount=${sha256('absent')}&from=mount/source`,
    });
    expect(res.statusCode).toBe(202);
    expect(res.headers.location).toMatch(/^\/v2\/mount\/target2\/blobs\/uploads\/[0-9a-f-]{36}$/);
  });

  it('opens a session when from is invalid or missing', async () => {
    const { digest } = await pushBlob(reg.app, 'mount/src3', randomBlob(10));
    for (const query of [`mount=${digest}&from=INVALID`, `mount=${digest}`]) {
      const res = await reg.app.inject({ method: 'POST', url: `/v2/mount/target3/blobs/uploads/?${query}` });
      expect(res.statusCode, query).toBe(202);
    }
  });
});

describe('purging races', () => {
  it('keeps a session that a chunk in flight refreshes after the purge listed it as stale', async () => {
    const loc = await startSession('up/purgerace');
    const id = loc.split('/').pop()!;
    const cutoff = new Date(Date.now() + 30);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reading!: () => void;
    const read = new Promise<void>((resolve) => (reading = resolve));
    const chunks = (async function* () {
      yield randomBlob(10);
      // The PATCH holds the session and has consumed its first chunk.
      reading();
      await gate;
      // Still running while the purge lists the session and queues for it (a real concurrent condition).
      await new Promise((resolve) => setTimeout(resolve, 60));
      yield randomBlob(10);
    })();
    const patch = reg.wharf.registry.uploads.append('up/purgerace', id, chunks);
    await read;
    // Past the cut-off, the session (last touched when it started) is stale; the purge lists it and then
    // waits for the PATCH, which refreshes the session when it ends.
    const purge = reg.wharf.registry.uploads.purgeStale(cutoff);
    release();
    expect((await patch).size).toBe(20);
    await purge;
    const status = await reg.app.inject({ method: 'GET', url: loc });
    expect(status.statusCode).toBe(204);
    expect(status.headers.range).toBe('0-19');
  });
});
