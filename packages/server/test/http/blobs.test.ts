import { describe, expect, it } from 'vitest';
import { BaseBlobStore } from '../../src/adapters/blob/base-blob-store.js';
import { FilesystemBlobStore } from '../../src/adapters/blob/filesystem-blob-store.js';
import { expectOciError, pushBlob, randomBlob, sha512 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

/** A filesystem store that also offers download URLs, as an object store's pre-signed URLs. */
class UrlOfferingStore extends FilesystemBlobStore {
  redirectUrl(path: string, opts: { expiresInSeconds: number }): Promise<string | undefined> {
    return Promise.resolve(`https://objects.example/${path}?expires=${opts.expiresInSeconds}`);
  }
}
const withUrls = (root: string) => new BaseBlobStore(new UrlOfferingStore(root));
const redirecting = useOciTestRegistry({ WHARF_STORAGE_REDIRECT: 'true' }, { storage: withUrls });
const notRedirecting = useOciTestRegistry({}, { storage: withUrls });
const filesystemRedirecting = useOciTestRegistry({ WHARF_STORAGE_REDIRECT: 'true' });

describe('download redirects (storage.redirect)', () => {
  it('redirects GET with 307 to the backend’s URL, and answers HEAD itself', async () => {
    const content = randomBlob(1000);
    const { digest } = await pushBlob(redirecting.app, 'blobs/redirect', content);
    const get = await redirecting.app.inject({ method: 'GET', url: `/v2/blobs/redirect/blobs/${digest}` });
    expect(get.statusCode).toBe(307);
    const hex = digest.slice('sha256:'.length);
    expect(get.headers.location).toBe(
      `https://objects.example/blobs/sha256/${hex.slice(0, 2)}/${hex}/data?expires=1200`,
    );
    expect(get.headers['docker-content-digest']).toBe(digest);
    expect(get.rawPayload.length).toBe(0);
    const ranged = await redirecting.app.inject({
      method: 'GET',
      url: `/v2/blobs/redirect/blobs/${digest}`,
      headers: { range: 'bytes=0-9' },
    });
    expect(ranged.statusCode).toBe(307);
    const head = await redirecting.app.inject({ method: 'HEAD', url: `/v2/blobs/redirect/blobs/${digest}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe('1000');
    expectOciError(
      await redirecting.app.inject({ method: 'GET', url: `/v2/blobs/redirect/blobs/${sha512('absent')}` }),
      404,
      'BLOB_UNKNOWN',
    );
  });

  it('streams the content itself when the setting is off, even if the backend offers URLs', async () => {
    const content = randomBlob(1000);
    const { digest } = await pushBlob(notRedirecting.app, 'blobs/redirect', content);
    const get = await notRedirecting.app.inject({ method: 'GET', url: `/v2/blobs/redirect/blobs/${digest}` });
    expect(get.statusCode).toBe(200);
    expect(get.rawPayload.equals(content)).toBe(true);
  });

  it('streams from the filesystem store, which has no URLs, with the setting on', async () => {
    const content = randomBlob(1000);
    const { digest } = await pushBlob(filesystemRedirecting.app, 'blobs/fs', content);
    const get = await filesystemRedirecting.app.inject({ method: 'GET', url: `/v2/blobs/fs/blobs/${digest}` });
    expect(get.statusCode).toBe(200);
    expect(get.rawPayload.equals(content)).toBe(true);
  });
});

describe('GET and HEAD blobs', () => {
  it('serves content with length, digest and type', async () => {
    const content = randomBlob(100_000);
    const { digest } = await pushBlob(reg.app, 'blobs/get', content);
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/blobs/get/blobs/${digest}` });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe('100000');
    expect(head.headers['docker-content-digest']).toBe(digest);
    expect(head.body).toBe('');
    const get = await reg.app.inject({ method: 'GET', url: `/v2/blobs/get/blobs/${digest}` });
    expect(get.statusCode).toBe(200);
    expect(get.headers['content-type']).toBe('application/octet-stream');
    expect(get.rawPayload.equals(content)).toBe(true);
  });

  it('serves byte ranges with 206 and Content-Range', async () => {
    const content = randomBlob(1000);
    const { digest } = await pushBlob(reg.app, 'blobs/range', content);
    const url = `/v2/blobs/range/blobs/${digest}`;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=900-', 900, 999],
      ['bytes=-10', 990, 999],
      ['bytes=500-5000', 500, 999],
    ];
    for (const [range, start, end] of cases) {
      const res = await reg.app.inject({ method: 'GET', url, headers: { range } });
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(content.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers an unsatisfiable range with 416', async () => {
    const { digest } = await pushBlob(reg.app, 'blobs/range416', randomBlob(10));
    const res = await reg.app.inject({
      method: 'GET',
      url: `/v2/blobs/range416/blobs/${digest}`,
      headers: { range: 'bytes=10-20' },
    });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */10');
  });

  it('does not serve a blob through a repository that does not link it', async () => {
    const { digest } = await pushBlob(reg.app, 'blobs/owner', randomBlob(10));
    expectOciError(
      await reg.app.inject({ method: 'GET', url: `/v2/blobs/other/blobs/${digest}` }),
      404,
      'BLOB_UNKNOWN',
    );
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/blobs/other/blobs/${digest}` });
    expect(head.statusCode).toBe(404);
  });

  it('stores sha512 blobs', async () => {
    const content = randomBlob(4096);
    const digest = sha512(content);
    const res = await reg.app.inject({
      method: 'POST',
      url: `/v2/blobs/sha512/blobs/uploads/?digest=${digest}`,
      payload: content,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['docker-content-digest']).toBe(digest);
    const get = await reg.app.inject({ method: 'GET', url: `/v2/blobs/sha512/blobs/${digest}` });
    expect(get.rawPayload.equals(content)).toBe(true);
  });
});

describe('DELETE blobs', () => {
  it('unlinks the blob from the repository: 202, then 404', async () => {
    const { digest } = await pushBlob(reg.app, 'blobs/del', randomBlob(10));
    await pushBlob(reg.app, 'blobs/keep', randomBlob(10));
    const del = await reg.app.inject({ method: 'DELETE', url: `/v2/blobs/del/blobs/${digest}` });
    expect(del.statusCode).toBe(202);
    expectOciError(await reg.app.inject({ method: 'GET', url: `/v2/blobs/del/blobs/${digest}` }), 404, 'BLOB_UNKNOWN');
    expectOciError(
      await reg.app.inject({ method: 'DELETE', url: `/v2/blobs/del/blobs/${digest}` }),
      404,
      'BLOB_UNKNOWN',
    );
  });

  it('leaves other repositories linking the same content untouched', async () => {
    const content = randomBlob(10);
    const { digest } = await pushBlob(reg.app, 'blobs/shared1', content);
    await pushBlob(reg.app, 'blobs/shared2', content);
    await reg.app.inject({ method: 'DELETE', url: `/v2/blobs/shared1/blobs/${digest}` });
    const res = await reg.app.inject({ method: 'GET', url: `/v2/blobs/shared2/blobs/${digest}` });
    expect(res.rawPayload.equals(content)).toBe(true);
  });
});
