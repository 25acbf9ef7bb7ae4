import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, basic, expectHarborError } from '../helpers/api-client.js';
import {
  pullManifest,
  pushBlobAs,
  pushImage,
  pushIndex,
  pushReferrer,
  putManifestAs,
  SBOM_TYPE,
  twice,
  type PushedImage,
  type PushedIndex,
} from '../helpers/artifact-content.js';
import {
  DOCKER_MANIFEST,
  OCI_CONFIG,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
} from '../helpers/inject-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const AS_ADMIN = { authorization: basic(ADMIN) };

const reg = useTestRegistry();

interface Tag {
  id: number;
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

interface Artifact {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type: string;
  project_id: number;
  repository_id: number;
  repository_name: string;
  digest: string;
  size: number;
  icon: string;
  push_time: string;
  pull_time: string;
  extra_attrs: Record<string, unknown>;
  annotations: Record<string, string>;
  references: { parent_id: number; child_id: number; child_digest: string; platform: Record<string, string> }[];
  tags?: Tag[];
  labels?: unknown[];
  accessories?: Record<string, unknown>[];
}

const NEVER = '0001-01-01T00:00:00.000Z';
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const base = (repository: string) => `/projects/art/repositories/${twice(repository)}/artifacts`;

let projectId: number;
let image: PushedImage;
let index: PushedIndex;
let sbom: { digest: string; totalSize: number };
beforeAll(async () => {
  projectId = (await reg.wharf.store.projects.create({ name: 'art', public: false })).id;
  image = await pushImage(reg.app, 'art/app', 'v1', {
    labels: { maintainer: 'Ops <ops@example.com>' },
    annotations: { 'org.opencontainers.image.title': 'app' },
  });
  await putManifestAs(
    reg.app,
    'art/app',
    'latest',
    JSON.parse(await manifestText('art/app', image.digest)) as object,
    OCI_MANIFEST,
  );
  index = await pushIndex(reg.app, 'art/app', 'multi');
  sbom = await pushReferrer(reg.app, 'art/app', image.descriptor);
});

async function manifestText(repository: string, reference: string): Promise<string> {
  return (await pullManifest(reg.app, repository, reference)).body;
}

async function getArtifact(repository: string, reference: string, query = ''): Promise<Artifact> {
  const res = await api(reg.app, 'GET', `${base(repository)}/${reference}${query}`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Artifact>();
}

async function listDigests(repository: string, query = ''): Promise<string[]> {
  const res = await api(reg.app, 'GET', `${base(repository)}${query}`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Artifact[]>().map((a) => a.digest);
}

describe('GET .../artifacts/{reference}', () => {
  it('describes an image the way Harbor does, by tag and by digest', async () => {
    const byTag = await getArtifact('app', 'v1');
    expect(await getArtifact('app', image.digest)).toEqual(byTag);
    const repositoryId = (await reg.wharf.store.repositories.get('art/app'))!.id;
    expect(byTag).toEqual({
      id: expect.any(Number) as number,
      type: 'IMAGE',
      media_type: OCI_CONFIG,
      manifest_media_type: OCI_MANIFEST,
      artifact_type: OCI_CONFIG,
      project_id: projectId,
      repository_id: repositoryId,
      repository_name: 'art/app',
      digest: image.digest,
      size: image.totalSize,
      icon: '',
      push_time: expect.stringMatching(ISO) as string,
      pull_time: expect.any(String) as string,
      extra_attrs: {
        architecture: 'amd64',
        os: 'linux',
        created: '2024-05-01T10:00:00Z',
        author: 'Ops <ops@example.com>',
        config: { Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'], Labels: { maintainer: 'Ops <ops@example.com>' } },
      },
      addition_links: {
        build_history: {
          href: `/api/v2.0/projects/art/repositories/app/artifacts/${image.digest}/additions/build_history`,
          absolute: false,
        },
      },
      annotations: { 'org.opencontainers.image.title': 'app' },
      references: [],
      tags: expect.any(Array) as Tag[],
    });
    expect(byTag.tags?.map((t) => t.name).sort()).toEqual(['latest', 'v1']);
    expect(byTag.tags?.[0]).toEqual({
      id: expect.any(Number) as number,
      repository_id: repositoryId,
      artifact_id: byTag.id,
      name: expect.any(String) as string,
      push_time: expect.stringMatching(ISO) as string,
      pull_time: expect.any(String) as string,
      immutable: false,
    });
  });

  it('takes the author from the config over the maintainer label', async () => {
    const pushed = await pushImage(reg.app, 'art/authored', 'v1', { author: 'Ann', labels: { maintainer: 'Bob' } });
    expect((await getArtifact('authored', pushed.digest)).extra_attrs.author).toBe('Ann');
  });

  it('describes an index with its children, their platforms, and the size of everything', async () => {
    const artifact = await getArtifact('app', 'multi');
    const [amd64, arm64] = index.children;
    expect(artifact).toMatchObject({
      type: 'IMAGE',
      media_type: OCI_INDEX,
      manifest_media_type: OCI_INDEX,
      digest: index.digest,
      size: index.totalSize,
      extra_attrs: {},
      annotations: { 'org.opencontainers.image.title': 'multi' },
    });
    const children = await Promise.all([amd64!, arm64!].map((c) => getArtifact('app', c.digest)));
    expect(artifact.references).toEqual([
      {
        parent_id: artifact.id,
        child_id: children[0]!.id,
        child_digest: amd64!.digest,
        platform: { architecture: 'amd64', os: 'linux' },
      },
      {
        parent_id: artifact.id,
        child_id: children[1]!.id,
        child_digest: arm64!.digest,
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8' },
      },
    ]);
    expect(children[1]!.extra_attrs).toMatchObject({ architecture: 'arm64', variant: 'v8', os: 'linux' });
    expect(children[1]!.tags).toEqual([]);
  });

  it('describes an artifact with a subject: its artifactType, the empty config, no extra attributes', async () => {
    expect(await getArtifact('app', sbom.digest)).toMatchObject({
      type: 'UNKNOWN',
      media_type: OCI_EMPTY,
      manifest_media_type: OCI_MANIFEST,
      artifact_type: SBOM_TYPE,
      size: sbom.totalSize,
      extra_attrs: {},
      tags: [],
    });
  });

  it("names other artifacts by their config's media type: charts, vendor types, Docker images", async () => {
    const helmConfig = { name: 'mychart', version: '1.2.3', apiVersion: 'v2' };
    const cases = [
      { config: 'application/vnd.cncf.helm.config.v1+json', body: helmConfig, type: 'CHART', attrs: helmConfig },
      {
        config: 'application/vnd.acme.rocket.config.v2+json',
        body: { fuel: 'lox' },
        type: 'ROCKET',
        attrs: { fuel: 'lox' },
      },
      { config: 'application/x-whatever', body: { a: 1 }, type: 'UNKNOWN', attrs: {} },
    ];
    for (const [i, c] of cases.entries()) {
      const config = await pushBlobAs(reg.app, 'art/typed', Buffer.from(JSON.stringify(c.body)), c.config);
      const layer = await pushBlobAs(reg.app, 'art/typed', Buffer.from(`layer ${i}`), OCI_LAYER);
      const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
      await putManifestAs(reg.app, 'art/typed', `t${i}`, manifest, OCI_MANIFEST);
      expect(await getArtifact('typed', `t${i}`)).toMatchObject({
        type: c.type,
        media_type: c.config,
        extra_attrs: c.attrs,
      });
    }
    const dockerConfig = await pushBlobAs(
      reg.app,
      'art/typed',
      Buffer.from(JSON.stringify({ architecture: 's390x', os: 'linux', config: {} })),
      'application/vnd.docker.container.image.v1+json',
    );
    const docker = { schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: dockerConfig, layers: [] };
    await putManifestAs(reg.app, 'art/typed', 'docker', docker, DOCKER_MANIFEST);
    expect(await getArtifact('typed', 'docker')).toMatchObject({
      type: 'IMAGE',
      manifest_media_type: DOCKER_MANIFEST,
      media_type: 'application/vnd.docker.container.image.v1+json',
      extra_attrs: { architecture: 's390x', os: 'linux', author: '', config: {} },
    });
  });

  it('lists accessories with with_accessory=true, and labels with with_label=true; with_tag=false drops tags', async () => {
    const artifact = await getArtifact('app', 'v1', '?with_accessory=true&with_label=true&with_tag=false');
    expect(artifact.tags).toBeUndefined();
    expect(artifact.labels).toEqual([]);
    expect(artifact.accessories).toEqual([
      {
        id: expect.any(Number) as number,
        artifact_id: expect.any(Number) as number,
        subject_artifact_id: artifact.id,
        subject_artifact_digest: image.digest,
        subject_artifact_repo: 'art/app',
        size: sbom.totalSize,
        digest: sbom.digest,
        type: 'subject.accessory',
        icon: '',
        creation_time: expect.stringMatching(ISO) as string,
      },
    ]);
  });

  it('answers 404 for unknown artifacts and repositories, 400 for malformed references and flags', async () => {
    expectHarborError(await api(reg.app, 'GET', `${base('app')}/nope`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', `${base('app')}/sha256:${'0'.repeat(64)}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', `${base('ghost')}/v1`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', `${base('app')}/sha256:short`, ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', `${base('app')}/v1?with_tag=maybe`, ADMIN), 400, 'BAD_REQUEST');
  });
});

describe('GET .../artifacts', () => {
  it('lists tagged artifacts and those no index contains, newest push first, without accessories', async () => {
    expect(await listDigests('app')).toEqual([index.digest, image.digest]);
    const res = await api(reg.app, 'GET', base('app'), ADMIN);
    expect(res.headers['x-total-count']).toBe('2');
    expect(res.json<Artifact[]>()[0]?.tags?.map((t) => t.name)).toEqual(['multi']);
  });

  it('shows a child of an index once it is tagged', async () => {
    const child = await pushIndex(reg.app, 'art/tagged-child', 'multi');
    expect(await listDigests('tagged-child')).toEqual([child.digest]);
    await putManifestAs(
      reg.app,
      'art/tagged-child',
      'amd64',
      JSON.parse(await manifestText('art/tagged-child', child.children[0]!.digest)) as object,
      OCI_MANIFEST,
    );
    expect(await listDigests('tagged-child', '?sort=push_time')).toEqual([child.children[0]!.digest, child.digest]);
  });

  it('filters by tags (tagged, untagged, exact, fuzzy), digest, media type and type', async () => {
    const untagged = await pushImage(reg.app, 'art/app', undefined);
    const q = (query: string) => listDigests('app', `?q=${encodeURIComponent(query)}`);
    expect(await q('tags=*')).toEqual([index.digest, image.digest]);
    expect(await q('tags=nil')).toEqual([untagged.digest]);
    expect(await q('tags=latest')).toEqual([image.digest]);
    expect(await q('tags=~ULT')).toEqual([index.digest]);
    expect(await q('tags={v1 multi}')).toEqual([index.digest, image.digest]);
    expect(await q(`digest=${image.digest}`)).toEqual([image.digest]);
    expect(await q(`media_type=${OCI_INDEX}`)).toEqual([index.digest]);
    expect(await q('media_type=~image.config')).toEqual([untagged.digest, image.digest]);
    expect(await q('type=IMAGE')).toEqual([untagged.digest, index.digest, image.digest]);
    expect(await q('type=CHART')).toEqual([]);
    expect(await q('type=IMAGE,tags=nil')).toEqual([untagged.digest]);
    const deleted = await reg.app.inject({
      method: 'DELETE',
      url: `/v2/art/app/manifests/${untagged.digest}`,
      headers: AS_ADMIN,
    });
    expect(deleted.statusCode, deleted.body).toBe(202);
  });

  it('sorts and pages', async () => {
    expect(await listDigests('app', '?sort=push_time')).toEqual([image.digest, index.digest]);
    const sorted = [image.digest, index.digest].sort();
    expect(await listDigests('app', '?sort=digest')).toEqual(sorted);
    const page = await api(reg.app, 'GET', `${base('app')}?page=2&page_size=1&sort=digest`, ADMIN);
    expect(page.json<Artifact[]>().map((a) => a.digest)).toEqual([sorted[1]]);
    expect(page.headers['x-total-count']).toBe('2');
    expect(page.headers.link).toMatch(/rel="prev"$/);
  });

  it('rejects unsupported query keys and list kinds, and unknown sort keys, with 400', async () => {
    for (const query of [
      'q=labels%3D(1%202)',
      'q=tags%3D(a%20b)',
      'q=digest%3D%5Ba~b%5D',
      'sort=size',
      'with_label=yes',
    ]) {
      expectHarborError(await api(reg.app, 'GET', `${base('app')}?${query}`, ADMIN), 400, 'BAD_REQUEST');
    }
  });

  it('accepts the flags of features still to come', async () => {
    const query = '?with_scan_overview=true&with_signature=true&with_immutable_status=true&with_sbom_overview=false';
    expect(await listDigests('app', query)).toEqual([index.digest, image.digest]);
  });
});

describe('pull times', () => {
  it('records the first pull of a manifest and a tag each minute, after the response', async () => {
    const pushed = await pushImage(reg.app, 'art/pulled', 'v1');
    expect((await getArtifact('pulled', 'v1')).pull_time).toBe(NEVER);
    const before = Date.now();
    expect((await pullManifest(reg.app, 'art/pulled', 'v1')).statusCode).toBe(200);
    await reg.wharf.pulls.flush();
    const first = await getArtifact('pulled', 'v1');
    expect(Date.parse(first.pull_time)).toBeGreaterThanOrEqual(before);
    expect(first.tags?.[0]?.pull_time).toBe(first.pull_time);
    // Within the minute, further pulls do not move the recorded times; a pull by digest leaves tags alone.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await pullManifest(reg.app, 'art/pulled', pushed.digest)).statusCode).toBe(200);
    expect((await pullManifest(reg.app, 'art/pulled', 'v1')).statusCode).toBe(200);
    await reg.wharf.pulls.flush();
    const second = await getArtifact('pulled', 'v1');
    expect(second.pull_time).toBe(first.pull_time);
    expect(second.tags?.[0]?.pull_time).toBe(first.pull_time);
    const repository = await api(reg.app, 'GET', '/projects/art/repositories/pulled', ADMIN);
    expect(repository.json<{ pull_count: number }>().pull_count).toBe(3);
  });
});

describe('DELETE .../artifacts/{reference}', () => {
  it('deletes the manifest and all its tags, by tag or digest; /v2 agrees', async () => {
    const pushed = await pushImage(reg.app, 'art/del', 'one');
    await putManifestAs(
      reg.app,
      'art/del',
      'two',
      JSON.parse(await manifestText('art/del', pushed.digest)) as object,
      OCI_MANIFEST,
    );
    const res = await api(reg.app, 'DELETE', `${base('del')}/two`, ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect((await pullManifest(reg.app, 'art/del', pushed.digest)).statusCode).toBe(404);
    expect((await pullManifest(reg.app, 'art/del', 'one')).statusCode).toBe(404);
    const tags = await reg.app.inject({ method: 'GET', url: '/v2/art/del/tags/list', headers: AS_ADMIN });
    expect(tags.json<{ tags: string[] }>().tags).toEqual([]);
    expectHarborError(await api(reg.app, 'DELETE', `${base('del')}/${pushed.digest}`, ADMIN), 404, 'NOT_FOUND');
  });

  it("deletes an index with its untagged children, keeps tagged ones; refuses to delete an index's child", async () => {
    const pushed = await pushIndex(reg.app, 'art/deep', 'multi');
    const [amd64, arm64] = pushed.children;
    await putManifestAs(
      reg.app,
      'art/deep',
      'arm',
      JSON.parse(await manifestText('art/deep', arm64!.digest)) as object,
      OCI_MANIFEST,
    );
    expectHarborError(await api(reg.app, 'DELETE', `${base('deep')}/${amd64!.digest}`, ADMIN), 409, 'CONFLICT');
    expect((await api(reg.app, 'DELETE', `${base('deep')}/multi`, ADMIN)).statusCode).toBe(200);
    expect((await pullManifest(reg.app, 'art/deep', pushed.digest)).statusCode).toBe(404);
    expect((await pullManifest(reg.app, 'art/deep', amd64!.digest)).statusCode).toBe(404);
    expect((await pullManifest(reg.app, 'art/deep', arm64!.digest)).statusCode).toBe(200);
    expect(await listDigests('deep')).toEqual([arm64!.digest]);
  });

  it('deletes the accessories of the artifact with it', async () => {
    const subject = await pushImage(reg.app, 'art/signed', 'v1');
    const referrer = await pushReferrer(reg.app, 'art/signed', subject.descriptor);
    expect((await api(reg.app, 'DELETE', `${base('signed')}/v1`, ADMIN)).statusCode).toBe(200);
    expect((await pullManifest(reg.app, 'art/signed', referrer.digest)).statusCode).toBe(404);
    const referrers = await reg.app.inject({
      method: 'GET',
      url: `/v2/art/signed/referrers/${subject.digest}`,
      headers: AS_ADMIN,
    });
    expect(referrers.json<{ manifests: unknown[] }>().manifests).toEqual([]);
  });

  it('answers 404 for unknown artifacts', async () => {
    expectHarborError(await api(reg.app, 'DELETE', `${base('app')}/nope`, ADMIN), 404, 'NOT_FOUND');
  });
});

describe('tags of an artifact', () => {
  it('lists them with paging, a name filter and sorting', async () => {
    const pushed = await pushImage(reg.app, 'art/tags', 'b');
    for (const name of ['a', 'c']) {
      expect((await api(reg.app, 'POST', `${base('tags')}/${pushed.digest}/tags`, ADMIN, { name })).statusCode).toBe(
        201,
      );
    }
    const list = async (query: string) => {
      const res = await api(reg.app, 'GET', `${base('tags')}/b/tags${query}`, ADMIN);
      expect(res.statusCode, res.body).toBe(200);
      return res;
    };
    expect((await list('?sort=name')).json<Tag[]>().map((t) => t.name)).toEqual(['a', 'b', 'c']);
    expect((await list('?sort=-name')).json<Tag[]>().map((t) => t.name)).toEqual(['c', 'b', 'a']);
    expect((await list('')).json<Tag[]>().map((t) => t.name)).toEqual(['c', 'a', 'b']);
    expect((await list('?q=name%3Dc')).json<Tag[]>().map((t) => t.name)).toEqual(['c']);
    const page = await list('?sort=name&page=1&page_size=2');
    expect(page.json<Tag[]>().map((t) => t.name)).toEqual(['a', 'b']);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.headers.link).toMatch(/rel="next"$/);
    const [tag] = (await list('?q=name%3Da')).json<Tag[]>();
    expect(tag).toMatchObject({ name: 'a', pull_time: NEVER, immutable: false });
    expectHarborError(await api(reg.app, 'GET', `${base('tags')}/b/tags?sort=size`, ADMIN), 400, 'BAD_REQUEST');
  });

  it('creates a tag that /v2 serves, answering 201 (without a Location, like Harbor)', async () => {
    const pushed = await pushImage(reg.app, 'art/team/tool', 'v1');
    const res = await api(reg.app, 'POST', `${base('team/tool')}/v1/tags`, ADMIN, { name: 'stable' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBeUndefined();
    const pulled = await pullManifest(reg.app, 'art/team/tool', 'stable');
    expect(pulled.headers['docker-content-digest']).toBe(pushed.digest);
    const tags = await reg.app.inject({ method: 'GET', url: '/v2/art/team/tool/tags/list', headers: AS_ADMIN });
    expect(tags.json<{ tags: string[] }>().tags).toEqual(['stable', 'v1']);
  });

  it('refuses a tag the repository already has (even on another artifact): 409, nothing moves', async () => {
    const first = await pushImage(reg.app, 'art/clash', 'taken');
    const second = await pushImage(reg.app, 'art/clash', 'other');
    for (const reference of [first.digest, second.digest]) {
      const res = await api(reg.app, 'POST', `${base('clash')}/${reference}/tags`, ADMIN, { name: 'taken' });
      expectHarborError(res, 409, 'CONFLICT');
    }
    expect((await pullManifest(reg.app, 'art/clash', 'taken')).headers['docker-content-digest']).toBe(first.digest);
  });

  it('refuses malformed tag names and bodies with 400, unknown artifacts with 404', async () => {
    for (const body of [
      {},
      { name: '' },
      { name: '-bad' },
      { name: 'x'.repeat(129) },
      { name: 'a:b' },
      { name: 7 },
      ['v'],
    ]) {
      expectHarborError(await api(reg.app, 'POST', `${base('app')}/v1/tags`, ADMIN, body), 400, 'BAD_REQUEST');
    }
    expectHarborError(await api(reg.app, 'POST', `${base('app')}/nope/tags`, ADMIN, { name: 'x' }), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', `${base('app')}/nope/tags`, ADMIN), 404, 'NOT_FOUND');
  });

  it('deletes a tag of the artifact; the artifact and its other tags stay', async () => {
    const pushed = await pushImage(reg.app, 'art/untag', 'keep');
    await api(reg.app, 'POST', `${base('untag')}/keep/tags`, ADMIN, { name: 'drop' });
    const other = await pushImage(reg.app, 'art/untag', 'elsewhere');
    expectHarborError(await api(reg.app, 'DELETE', `${base('untag')}/keep/tags/elsewhere`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'DELETE', `${base('untag')}/keep/tags/ghost`, ADMIN), 404, 'NOT_FOUND');
    const res = await api(reg.app, 'DELETE', `${base('untag')}/${pushed.digest}/tags/drop`, ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect((await pullManifest(reg.app, 'art/untag', 'drop')).statusCode).toBe(404);
    expect((await pullManifest(reg.app, 'art/untag', 'keep')).headers['docker-content-digest']).toBe(pushed.digest);
    expect((await pullManifest(reg.app, 'art/untag', 'elsewhere')).headers['docker-content-digest']).toBe(other.digest);
  });
});
