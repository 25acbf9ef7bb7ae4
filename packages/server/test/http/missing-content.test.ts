import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  expectOciError,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  putManifest,
  randomBlob,
} from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

// Every warning the registry logs, as parsed JSON lines.
const warnings: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) warnings.push(JSON.parse(line) as never);
    done();
  },
});
const reg = useOciTestRegistry({}, { log: pino({ level: 'warn' }, sink) });

beforeEach(() => {
  warnings.length = 0;
});

/** Where the filesystem store keeps a digest's content (storage-layout.md). */
function contentFile(digest: string): string {
  const [algorithm, hex] = digest.split(':') as [string, string];
  return path.join(reg.dataDir, 'storage', 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
}

async function loseContent(digest: string): Promise<string> {
  const file = contentFile(digest);
  await rm(file); // fails if the layout is not what the test expects
  return file;
}

function expectWarned(digest: string): void {
  const warning = warnings.find((w) => w.digest === digest);
  expect(warning, JSON.stringify(warnings)).toMatchObject({
    level: 40,
    msg: 'content missing from storage',
    path: expect.stringMatching(new RegExp(`^blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data$`)) as string,
  });
}

describe('a blob recorded in the database whose file is gone', () => {
  it('answers GET and HEAD with 404 BLOB_UNKNOWN, with and without a range, and logs a warning', async () => {
    const { digest } = await pushBlob(reg.app, 'lost/blob', randomBlob(100));
    await loseContent(digest);
    const url = `/v2/lost/blob/blobs/${digest}`;
    expectOciError(await reg.app.inject({ method: 'GET', url }), 404, 'BLOB_UNKNOWN');
    expectOciError(await reg.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-9' } }), 404, 'BLOB_UNKNOWN');
    // Lost content is found before the range is judged: 404, not 416.
    expectOciError(await reg.app.inject({ method: 'GET', url, headers: { range: 'bytes=500-' } }), 404, 'BLOB_UNKNOWN');
    // A GET learns of the loss when it opens the content, before any of the blob's headers is set.
    const get = await reg.app.inject({ method: 'GET', url });
    expect(get.headers['docker-content-digest']).toBeUndefined();
    expect(get.headers['content-length']).toBe(String(get.rawPayload.length));
    const head = await reg.app.inject({ method: 'HEAD', url });
    expect(head.statusCode).toBe(404);
    expect(head.headers['docker-content-digest']).toBeUndefined();
    expect(head.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expectWarned(digest);
  });

  it('comes back when the blob is pushed again', async () => {
    const content = randomBlob(64);
    const { digest } = await pushBlob(reg.app, 'lost/heal', content);
    await loseContent(digest);
    await pushBlob(reg.app, 'lost/heal', content);
    const get = await reg.app.inject({ method: 'GET', url: `/v2/lost/heal/blobs/${digest}` });
    expect(get.statusCode).toBe(200);
    expect(get.rawPayload.equals(content)).toBe(true);
  });

  it('cannot be mounted: the mount falls back to an upload session (202), as in distribution, and is logged', async () => {
    const content = randomBlob(64);
    const { digest } = await pushBlob(reg.app, 'lost/source', content);
    await loseContent(digest);
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/lost/target/blobs/uploads/?mount=${digest}&from=lost/source`,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.location).toMatch(/^\/v2\/lost\/target\/blobs\/uploads\/[0-9a-f-]{36}$/);
    expectWarned(digest);
    // The client uploads it instead, which also puts the content back for the source.
    const put = await reg.app.inject({
      method: 'PUT',
      url: `${res.headers.location as string}?digest=${digest}`,
      payload: content,
    });
    expect(put.statusCode, put.body).toBe(201);
    for (const name of ['lost/target', 'lost/source']) {
      const get = await reg.app.inject({ method: 'GET', url: `/v2/${name}/blobs/${digest}` });
      expect(get.rawPayload.equals(content), name).toBe(true);
    }
  });
});

describe('a manifest whose content file is gone', () => {
  it('answers GET and HEAD by tag and digest with 404 MANIFEST_UNKNOWN, and logs a warning', async () => {
    // A registry started afresh, so the manifest is not in the content cache: push with one, read with another.
    const { digest } = await pushImage(reg.app, 'lost/manifest', 'v1');
    await loseContent(digest);
    await reg.reopen();
    for (const reference of ['v1', digest]) {
      const url = `/v2/lost/manifest/manifests/${reference}`;
      expectOciError(await reg.app.inject({ method: 'GET', url }), 404, 'MANIFEST_UNKNOWN');
      const head = await reg.app.inject({ method: 'HEAD', url });
      expect(head.statusCode, reference).toBe(404);
      expect(head.headers['docker-content-digest']).toBeUndefined();
    }
    expectWarned(digest);
  });

  it('comes back when the manifest is pushed again', async () => {
    const { digest, body } = await pushImage(reg.app, 'lost/repush', 'v1');
    await loseContent(digest);
    await reg.reopen();
    expect((await putManifest(reg.app, 'lost/repush', 'v1', body, OCI_MANIFEST)).statusCode).toBe(201);
    const get = await reg.app.inject({ method: 'GET', url: '/v2/lost/repush/manifests/v1' });
    expect(get.statusCode).toBe(200);
    expect(get.rawPayload.equals(body)).toBe(true);
  });
});
