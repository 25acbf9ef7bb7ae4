import { describe, expect, it } from 'vitest';
import { expectOciError, pushImage, sha256 } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

const digest = sha256('x');

describe('repository names', () => {
  it.each(['UPPER/case', 'a//b', 'a/', '-a', 'a_-b', 'a..b', `${'a'.repeat(256)}`, 'a/B'])(
    'rejects %s with NAME_INVALID on every endpoint',
    async (name) => {
      for (const [method, url] of [
        ['GET', `/v2/${name}/tags/list`],
        ['GET', `/v2/${name}/manifests/latest`],
        ['HEAD', `/v2/${name}/blobs/${digest}`],
        ['POST', `/v2/${name}/blobs/uploads/`],
        ['GET', `/v2/${name}/referrers/${digest}`],
      ] as const) {
        const res = await reg.app.inject({ method, url });
        expect(res.statusCode, `${method} ${url}`).toBe(400);
        if (method !== 'HEAD') expect(res.json<{ errors: { code: string }[] }>().errors[0]?.code).toBe('NAME_INVALID');
      }
    },
  );

  it('accepts multi-segment names with separators of the grammar', async () => {
    for (const name of ['a/b/c', 'a.b/c_d/e__f', 'x-y--z/0/1', 'library/ubuntu']) {
      await pushImage(reg.app, name, 'v1');
      const res = await reg.app.inject({ method: 'GET', url: `/v2/${name}/tags/list` });
      expect(res.json()).toEqual({ name, tags: ['v1'] });
    }
  });

  it('handles repository names containing endpoint words', async () => {
    const name = 'manifests/blobs/tags';
    const { digest: d } = await pushImage(reg.app, name, 'latest');
    const res = await reg.app.inject({ method: 'GET', url: `/v2/${name}/manifests/latest` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['docker-content-digest']).toBe(d);
  });
});

describe('digests and references', () => {
  it.each([
    'sha256:short',
    'sha256:' + 'G'.repeat(64),
    'md5:d41d8cd98f00b204e9800998ecf8427e',
    'sha256:' + 'A'.repeat(64),
    'nocolon',
    'sha512:' + 'a'.repeat(64),
  ])('rejects blob digest %s with DIGEST_INVALID', async (bad) => {
    expectOciError(await reg.app.inject({ method: 'GET', url: `/v2/a/b/blobs/${bad}` }), 400, 'DIGEST_INVALID');
    expectOciError(await reg.app.inject({ method: 'DELETE', url: `/v2/a/b/blobs/${bad}` }), 400, 'DIGEST_INVALID');
    expectOciError(await reg.app.inject({ method: 'GET', url: `/v2/a/b/referrers/${bad}` }), 400, 'DIGEST_INVALID');
  });

  it('rejects a malformed digest reference of a manifest', async () => {
    expectOciError(await reg.app.inject({ method: 'GET', url: '/v2/a/manifests/sha256:123' }), 400, 'DIGEST_INVALID');
  });

  it('rejects an invalid tag with TAG_INVALID on push, never a 500', async () => {
    for (const tag of ['.hidden', '-dash', 'a'.repeat(129), 'has%20space', '%zz', '%C3%A9', 'a%00b']) {
      const res = await reg.app.inject({
        method: 'PUT',
        url: `/v2/a/manifests/${tag}`,
        payload: '{}',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
      expectOciError(res, 400, 'TAG_INVALID');
      expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
    }
  });

  it('answers a read or delete of a reference that is neither tag nor digest with 404 MANIFEST_UNKNOWN', async () => {
    // The conformance suite's "GET nonexistent manifest should return 404" uses such a reference.
    for (const tag of ['.INVALID_MANIFEST_NAME', '-dash', 'a'.repeat(129), 'has%20space', '%zz', '%C3%A9', 'a%00b']) {
      for (const method of ['GET', 'HEAD', 'DELETE'] as const) {
        const res = await reg.app.inject({ method, url: `/v2/a/manifests/${tag}` });
        expect(res.statusCode, `${method} ${tag}`).toBe(404);
        expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
        expect(res.headers['content-type']).toBe('application/json');
        if (method !== 'HEAD') expectOciError(res, 404, 'MANIFEST_UNKNOWN');
      }
    }
  });

  it('answers unknown names with NAME_UNKNOWN / MANIFEST_UNKNOWN / BLOB_UNKNOWN', async () => {
    expectOciError(await reg.app.inject({ method: 'GET', url: '/v2/never/pushed/tags/list' }), 404, 'NAME_UNKNOWN');
    expectOciError(await reg.app.inject({ method: 'GET', url: '/v2/never/manifests/latest' }), 404, 'MANIFEST_UNKNOWN');
    expectOciError(await reg.app.inject({ method: 'GET', url: `/v2/never/blobs/${digest}` }), 404, 'BLOB_UNKNOWN');
  });
});
