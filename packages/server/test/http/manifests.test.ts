import { describe, expect, it } from 'vitest';
import {
  DOCKER_LIST,
  DOCKER_MANIFEST,
  expectOciError,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  putManifest,
  randomBlob,
  sha256,
} from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

describe('PUT and GET manifests', () => {
  it('stores an OCI image manifest by tag and serves it by tag and digest, byte for byte', async () => {
    const { body, digest } = await pushImage(reg.app, 'man/oci', 'v1');
    for (const ref of ['v1', digest]) {
      const res = await reg.app.inject({
        method: 'GET',
        url: `/v2/man/oci/manifests/${ref}`,
        headers: { accept: OCI_MANIFEST },
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(OCI_MANIFEST);
      expect(res.headers['docker-content-digest']).toBe(digest);
      expect(res.rawPayload.equals(body)).toBe(true);
      const head = await reg.app.inject({ method: 'HEAD', url: `/v2/man/oci/manifests/${ref}` });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(body.length));
      expect(head.headers['docker-content-digest']).toBe(digest);
      expect(head.body).toBe('');
    }
  });

  it('answers PUT with 201, Location and Docker-Content-Digest', async () => {
    const config = await pushBlob(reg.app, 'man/put', Buffer.from('{}'), OCI_CONFIG);
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }));
    const res = await putManifest(reg.app, 'man/put', 'latest', body, OCI_MANIFEST);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/man/put/manifests/${sha256(body)}`);
    expect(res.headers['docker-content-digest']).toBe(sha256(body));
  });

  it('stores by digest and verifies the digest', async () => {
    const config = await pushBlob(reg.app, 'man/bydigest', Buffer.from('{"a":1}'), OCI_CONFIG);
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }));
    expectOciError(
      await putManifest(reg.app, 'man/bydigest', sha256('other'), body, OCI_MANIFEST),
      400,
      'DIGEST_INVALID',
    );
    const ok = await putManifest(reg.app, 'man/bydigest', sha256(body), body, OCI_MANIFEST);
    expect(ok.statusCode).toBe(201);
    const tags = await reg.app.inject({ method: 'GET', url: '/v2/man/bydigest/tags/list' });
    expect(tags.json()).toEqual({ name: 'man/bydigest', tags: [] });
  });

  it('stores Docker schema 2 manifests and manifest lists', async () => {
    const config = await pushBlob(
      reg.app,
      'man/docker',
      Buffer.from('{"os":"linux"}'),
      'application/vnd.docker.container.image.v1+json',
    );
    const layer = await pushBlob(
      reg.app,
      'man/docker',
      randomBlob(100),
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    );
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [layer] }),
    );
    expect((await putManifest(reg.app, 'man/docker', 'amd64', manifest, DOCKER_MANIFEST)).statusCode).toBe(201);
    const list = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [
          {
            mediaType: DOCKER_MANIFEST,
            digest: sha256(manifest),
            size: manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    expect((await putManifest(reg.app, 'man/docker', 'latest', list, DOCKER_LIST)).statusCode).toBe(201);
    const res = await reg.app.inject({
      method: 'GET',
      url: '/v2/man/docker/manifests/latest',
      headers: { accept: DOCKER_LIST },
    });
    expect(res.headers['content-type']).toBe(DOCKER_LIST);
    expect(res.rawPayload.equals(list)).toBe(true);
  });

  it('stores an OCI image index whose children exist', async () => {
    const a = await pushImage(reg.app, 'man/index', 'a');
    const b = await pushImage(reg.app, 'man/index', 'b');
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { ...a.descriptor, platform: { os: 'linux', architecture: 'amd64' } },
        { ...b.descriptor, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    };
    const res = await putManifest(reg.app, 'man/index', 'multi', index, OCI_INDEX);
    expect(res.statusCode, res.body).toBe(201);
  });

  it('moves a tag when it is pushed again', async () => {
    await pushImage(reg.app, 'man/move', 'latest');
    const second = await pushImage(reg.app, 'man/move', 'latest');
    const res = await reg.app.inject({ method: 'HEAD', url: '/v2/man/move/manifests/latest' });
    expect(res.headers['docker-content-digest']).toBe(second.digest);
  });
});

describe('manifest validation', () => {
  const cases: [string, string | object, string][] = [
    ['not JSON', '{nope', OCI_MANIFEST],
    ['a JSON array', '[]', OCI_MANIFEST],
    [
      'schemaVersion 1',
      { schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] },
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
    ],
    ['no config', { schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }, OCI_MANIFEST],
    [
      'a bad digest in a layer',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: 'sha256:1', size: 1 },
        layers: [],
      },
      OCI_MANIFEST,
    ],
    [
      'a negative size',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: OCI_CONFIG, digest: sha256('x'), size: -1 },
        layers: [],
      },
      OCI_MANIFEST,
    ],
    [
      'a mediaType that contradicts Content-Type',
      { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] },
      OCI_MANIFEST,
    ],
    ['an unknown media type', { schemaVersion: 2, mediaType: 'text/plain' }, 'text/plain'],
    [
      'a manifest list entry without platform',
      {
        schemaVersion: 2,
        mediaType: DOCKER_LIST,
        manifests: [{ mediaType: DOCKER_MANIFEST, digest: sha256('x'), size: 1 }],
      },
      DOCKER_LIST,
    ],
  ];
  it.each(cases)('rejects %s with MANIFEST_INVALID', async (_label, body, type) => {
    const payload = typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    expectOciError(await putManifest(reg.app, 'man/invalid', 'latest', payload, type), 400, 'MANIFEST_INVALID');
  });

  it('rejects a manifest whose blobs the repository lacks with MANIFEST_BLOB_UNKNOWN', async () => {
    const config = { mediaType: OCI_CONFIG, digest: sha256('missing config'), size: 14 };
    const res = await putManifest(
      reg.app,
      'man/missing',
      'latest',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] },
      OCI_MANIFEST,
    );
    expectOciError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
    expectOciError(
      await reg.app.inject({ method: 'GET', url: '/v2/man/missing/manifests/latest' }),
      404,
      'MANIFEST_UNKNOWN',
    );
  });

  it('rejects a manifest whose blob lives only in another repository', async () => {
    const config = await pushBlob(reg.app, 'man/elsewhere', Buffer.from('{}'), OCI_CONFIG);
    const res = await putManifest(
      reg.app,
      'man/here',
      'latest',
      { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] },
      OCI_MANIFEST,
    );
    expectOciError(res, 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  it('rejects an index whose child manifest is missing with MANIFEST_BLOB_UNKNOWN', async () => {
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [{ mediaType: OCI_MANIFEST, digest: sha256('child'), size: 5 }],
    };
    expectOciError(
      await putManifest(reg.app, 'man/badindex', 'latest', index, OCI_INDEX),
      400,
      'MANIFEST_BLOB_UNKNOWN',
    );
  });

  it('accepts non-distributable layers that are not in the registry', async () => {
    const config = await pushBlob(
      reg.app,
      'man/foreign',
      Buffer.from('{}'),
      'application/vnd.docker.container.image.v1+json',
    );
    const foreign = {
      mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
      digest: sha256('win'),
      size: 3,
      urls: ['https://example.invalid/layer'],
    };
    const res = await putManifest(
      reg.app,
      'man/foreign',
      'latest',
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config, layers: [foreign] },
      DOCKER_MANIFEST,
    );
    expect(res.statusCode, res.body).toBe(201);
  });

  it('rejects a manifest over the size limit', async () => {
    const huge = Buffer.alloc(4 * 1024 * 1024 + 1, 32);
    const res = await putManifest(reg.app, 'man/huge', 'latest', huge, OCI_MANIFEST);
    expectOciError(res, 413, 'SIZE_INVALID');
  });

  it('rejects an invalid tag on PUT', async () => {
    expectOciError(await putManifest(reg.app, 'man/tag', '-bad', {}, OCI_MANIFEST), 400, 'TAG_INVALID');
  });
});

describe('content negotiation', () => {
  it('answers MANIFEST_UNKNOWN when Accept excludes the stored type, and serves it for */* or no Accept', async () => {
    await pushImage(reg.app, 'man/accept', 'v1');
    const url = '/v2/man/accept/manifests/v1';
    expectOciError(
      await reg.app.inject({ method: 'GET', url, headers: { accept: DOCKER_MANIFEST } }),
      404,
      'MANIFEST_UNKNOWN',
    );
    for (const accept of [`${DOCKER_MANIFEST}, ${OCI_MANIFEST}`, '*/*', `${OCI_MANIFEST};q=0.9`]) {
      expect((await reg.app.inject({ method: 'GET', url, headers: { accept } })).statusCode, accept).toBe(200);
    }
    expect((await reg.app.inject({ method: 'GET', url })).statusCode).toBe(200);
  });
});

describe('DELETE manifests and tags', () => {
  it('deletes a tag only: the manifest stays reachable by digest', async () => {
    const { digest } = await pushImage(reg.app, 'man/deltag', 'v1');
    const res = await reg.app.inject({ method: 'DELETE', url: '/v2/man/deltag/manifests/v1' });
    expect(res.statusCode).toBe(202);
    expectOciError(
      await reg.app.inject({ method: 'GET', url: '/v2/man/deltag/manifests/v1' }),
      404,
      'MANIFEST_UNKNOWN',
    );
    expect((await reg.app.inject({ method: 'GET', url: `/v2/man/deltag/manifests/${digest}` })).statusCode).toBe(200);
  });

  it('deletes a manifest by digest with all its tags', async () => {
    const { digest } = await pushImage(reg.app, 'man/delman', 'v1');
    await reg.app.inject({
      method: 'PUT',
      url: `/v2/man/delman/manifests/v2`,
      payload: (await reg.app.inject({ method: 'GET', url: `/v2/man/delman/manifests/${digest}` })).rawPayload,
      headers: { 'content-type': OCI_MANIFEST },
    });
    const res = await reg.app.inject({ method: 'DELETE', url: `/v2/man/delman/manifests/${digest}` });
    expect(res.statusCode).toBe(202);
    for (const ref of ['v1', 'v2', digest]) {
      expectOciError(
        await reg.app.inject({ method: 'GET', url: `/v2/man/delman/manifests/${ref}` }),
        404,
        'MANIFEST_UNKNOWN',
      );
    }
    expect((await reg.app.inject({ method: 'GET', url: '/v2/man/delman/tags/list' })).json()).toEqual({
      name: 'man/delman',
      tags: [],
    });
  });

  it('answers a delete of something absent with MANIFEST_UNKNOWN', async () => {
    expectOciError(
      await reg.app.inject({ method: 'DELETE', url: '/v2/man/none/manifests/v1' }),
      404,
      'MANIFEST_UNKNOWN',
    );
    expectOciError(
      await reg.app.inject({ method: 'DELETE', url: `/v2/man/none/manifests/${sha256('x')}` }),
      404,
      'MANIFEST_UNKNOWN',
    );
  });
});
