import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectOciError,
  OCI_EMPTY,
  OCI_MANIFEST,
  pushBlob,
  pushImage,
  putManifest,
  sha256,
} from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const reg = useOciTestRegistry();

/** Follows Link headers from `url` and returns every page's items. */
async function allPages(url: string, key: 'tags' | 'repositories'): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await reg.app.inject({ method: 'GET', url: next });
    expect(res.statusCode, res.body).toBe(200);
    pages.push(res.json<Record<string, string[]>>()[key]!);
    const link = res.headers.link as string | undefined;
    next = link ? /^<([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
  }
  return pages;
}

describe('tags list', () => {
  const tags = ['b', 'a', 'A', '1.0', '1.0-rc', 'latest', '_x', 'Z'];
  beforeAll(async () => {
    const { body } = await pushImage(reg.app, 'list/tags', 'seed');
    for (const tag of tags) await putManifest(reg.app, 'list/tags', tag, body, OCI_MANIFEST);
  });

  it('lists every tag in lexical (byte) order', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/v2/list/tags/tags/list' });
    expect(res.json()).toEqual({ name: 'list/tags', tags: [...tags, 'seed'].sort() });
    expect(res.headers.link).toBeUndefined();
  });

  it('paginates with n and last and a Link header', async () => {
    const pages = await allPages('/v2/list/tags/tags/list?n=4', 'tags');
    expect(pages.map((p) => p.length)).toEqual([4, 4, 1]);
    expect(pages.flat()).toEqual([...tags, 'seed'].sort());
    const res = await reg.app.inject({ method: 'GET', url: '/v2/list/tags/tags/list?n=2&last=a' });
    expect(res.json<{ tags: string[] }>().tags).toEqual(['b', 'latest']);
    expect(res.headers.link).toBe('</v2/list/tags/tags/list?n=2&last=latest>; rel="next"');
  });

  it('answers n=0 with an empty list', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/v2/list/tags/tags/list?n=0' });
    expect(res.json<{ tags: string[] }>().tags).toEqual([]);
  });

  it('rejects a bad n', async () => {
    expectOciError(
      await reg.app.inject({ method: 'GET', url: '/v2/list/tags/tags/list?n=-1' }),
      400,
      'PAGINATION_NUMBER_INVALID',
    );
    expectOciError(
      await reg.app.inject({ method: 'GET', url: '/v2/list/tags/tags/list?n=abc' }),
      400,
      'PAGINATION_NUMBER_INVALID',
    );
  });
});

describe('catalog', () => {
  it('lists repositories sorted, paginated with Link', async () => {
    const names = ['cat/b', 'cat/a', 'cat/a/b', 'cat/a-b', 'cat/c'];
    for (const name of names) await pushImage(reg.app, name, 'v1', { layers: 0 });
    const all = (await allPages('/v2/_catalog?n=2', 'repositories')).flat();
    const ours = all.filter((n) => n.startsWith('cat/'));
    expect(ours).toEqual([...names].sort());
    expect(all).toEqual([...all].sort());
    const res = await reg.app.inject({ method: 'GET', url: '/v2/_catalog?n=1&last=cat/a' });
    expect(res.json()).toEqual({ repositories: ['cat/a-b'] });
  });
});

describe('referrers', () => {
  async function pushArtifact(
    name: string,
    subject: { mediaType: string; digest: string; size: number },
    artifactType: string,
    annotations?: Record<string, string>,
  ) {
    const config = await pushBlob(reg.app, name, Buffer.from('{}'), OCI_EMPTY);
    const layer = await pushBlob(
      reg.app,
      name,
      Buffer.from(`payload ${artifactType} ${Math.random()}`),
      'application/octet-stream',
    );
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config,
      layers: [layer],
      subject,
      ...(annotations ? { annotations } : {}),
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const res = await putManifest(reg.app, name, sha256(body), body, OCI_MANIFEST);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['oci-subject']).toBe(subject.digest);
    return { digest: sha256(body), size: body.length };
  }

  it('lists referrers with artifactType and annotations, and filters by artifactType', async () => {
    const image = await pushImage(reg.app, 'ref/app', 'v1');
    const sbom = await pushArtifact('ref/app', image.descriptor, 'application/spdx+json', { 'org.example': 'yes' });
    const sig = await pushArtifact('ref/app', image.descriptor, 'application/vnd.dev.cosign.artifact.sig.v1+json');
    const res = await reg.app.inject({ method: 'GET', url: `/v2/ref/app/referrers/${image.digest}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/vnd.oci.image.index.v1+json');
    // The specification: the Content-Type MUST be application/vnd.oci.image.index.v1+json, no parameter added.
    expect(res.headers['content-type']).toBe('application/vnd.oci.image.index.v1+json');
    const index = res.json<{
      schemaVersion: number;
      manifests: { digest: string; artifactType: string; annotations?: object; size: number; mediaType: string }[];
    }>();
    expect(index.schemaVersion).toBe(2);
    expect(index.manifests.map((m) => m.digest).sort()).toEqual([sbom.digest, sig.digest].sort());
    const sbomEntry = index.manifests.find((m) => m.digest === sbom.digest)!;
    expect(sbomEntry).toMatchObject({
      mediaType: OCI_MANIFEST,
      artifactType: 'application/spdx+json',
      size: sbom.size,
      annotations: { 'org.example': 'yes' },
    });
    const filtered = await reg.app.inject({
      method: 'GET',
      url: `/v2/ref/app/referrers/${image.digest}?artifactType=application/spdx%2Bjson`,
    });
    expect(filtered.headers['oci-filters-applied']).toBe('artifactType');
    expect(filtered.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([sbom.digest]);
  });

  it('lists a referrer pushed before its subject', async () => {
    const subject = { mediaType: OCI_MANIFEST, digest: sha256('not pushed yet'), size: 14 };
    const art = await pushArtifact('ref/early', subject, 'application/example');
    const res = await reg.app.inject({ method: 'GET', url: `/v2/ref/early/referrers/${subject.digest}` });
    expect(res.json<{ manifests: { digest: string }[] }>().manifests.map((m) => m.digest)).toEqual([art.digest]);
  });

  it('reports the config media type as artifactType of an image manifest without one', async () => {
    const image = await pushImage(reg.app, 'ref/cfg', 'v1');
    const config = await pushBlob(reg.app, 'ref/cfg', Buffer.from('{"sig":1}'), 'application/vnd.example.config');
    const body = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [], subject: image.descriptor }),
    );
    await putManifest(reg.app, 'ref/cfg', 'attached', body, OCI_MANIFEST);
    const res = await reg.app.inject({ method: 'GET', url: `/v2/ref/cfg/referrers/${image.digest}` });
    expect(res.json<{ manifests: { artifactType: string }[] }>().manifests[0]?.artifactType).toBe(
      'application/vnd.example.config',
    );
  });

  it('answers an empty index for a subject without referrers, and for an unknown repository', async () => {
    for (const url of [`/v2/ref/app/referrers/${sha256('none')}`, `/v2/ref/unknown/referrers/${sha256('none')}`]) {
      const res = await reg.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.json<{ manifests: unknown[] }>().manifests).toEqual([]);
    }
  });

  it('drops a deleted referrer from the list', async () => {
    const image = await pushImage(reg.app, 'ref/del', 'v1');
    const art = await pushArtifact('ref/del', image.descriptor, 'application/example');
    await reg.app.inject({ method: 'DELETE', url: `/v2/ref/del/manifests/${art.digest}` });
    const res = await reg.app.inject({ method: 'GET', url: `/v2/ref/del/referrers/${image.digest}` });
    expect(res.json<{ manifests: unknown[] }>().manifests).toEqual([]);
  });
});

describe('Content-Type of the JSON answers, as distribution sends them', () => {
  it('sends application/json without charset for tags, the catalog and errors; the base keeps distribution’s', async () => {
    await pushImage(reg.app, 'ctype/app', 'v1');
    const image = await pushImage(reg.app, 'ctype/app', 'v2');
    const cases: [string, string, number, string][] = [
      ['GET', '/v2/ctype/app/tags/list', 200, 'application/json'],
      ['GET', '/v2/ctype/app/tags/list?n=1', 200, 'application/json'],
      ['GET', '/v2/_catalog', 200, 'application/json'],
      ['GET', '/v2/_catalog?n=1', 200, 'application/json'],
      ['GET', `/v2/ctype/app/referrers/${image.digest}`, 200, 'application/vnd.oci.image.index.v1+json'],
      ['GET', `/v2/ctype/app/referrers/${image.digest}?artifactType=x`, 200, 'application/vnd.oci.image.index.v1+json'],
      ['GET', '/v2/ctype/none/tags/list', 404, 'application/json'],
      ['GET', '/v2/ctype/app/manifests/nope', 404, 'application/json'],
      ['HEAD', '/v2/ctype/app/manifests/nope', 404, 'application/json'],
      ['GET', '/v2/ctype/app/tags/list?n=x', 400, 'application/json'],
      ['DELETE', '/v2/_catalog', 405, 'application/json'],
      ['GET', '/v2/', 200, 'application/json; charset=utf-8'],
      ['HEAD', '/v2/', 200, 'application/json; charset=utf-8'],
    ];
    for (const [method, url, status, type] of cases) {
      const res = await reg.app.inject({ method: method as 'GET', url });
      expect(res.statusCode, `${method} ${url}`).toBe(status);
      expect(res.headers['content-type'], `${method} ${url}`).toBe(type);
      expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
      if (method === 'GET') expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    }
    const unauthenticated = await reg.wharf.app.inject({ method: 'GET', url: '/v2/' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['content-type']).toBe('application/json');
  });
});
