import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, basic, expectHarborError } from '../helpers/api-client.js';
import {
  pushBlobAs,
  pushImage,
  pushIndex,
  pushReferrer,
  putManifestAs,
  SBOM_TYPE,
  twice,
  type PushedImage,
} from '../helpers/artifact-content.js';
import { OCI_CONFIG, OCI_LAYER, OCI_MANIFEST, type Descriptor } from '../helpers/inject-client.js';
import { run } from '../helpers/oci-images.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const HELM_CONTENT = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const COSIGN = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const NOTATION = 'application/vnd.cncf.notary.signature';
const HARBOR_SBOM = 'application/vnd.goharbor.harbor.sbom.v1';

const base = (repository: string) => `/projects/add/repositories/${twice(repository)}/artifacts`;
const addition = (repository: string, reference: string, name: string) =>
  `${base(repository)}/${reference}/additions/${name}`;

const HISTORY = [
  { created: '2024-05-01T09:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /', comment: 'base' },
  { created: '2024-05-01T09:30:00Z', created_by: '/bin/sh -c #(nop) CMD ["/bin/sh"]', empty_layer: true },
  { created: '2024-05-01T10:00:00Z', created_by: 'RUN make', author: 'Ops', unknown_field: 'dropped' },
];

const VALUES = 'replicaCount: 2\nimage:\n  repository: nginx\n  tag: "1.27"\n';
const README = '# Demo chart\n\nInstalls *nginx*.\n';

let scratch: string;
let image: PushedImage;
let chartDigest: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'wharf-additions-'));
  await reg.wharf.store.projects.create({ name: 'add', public: false });
  image = await pushImageWithHistory('add/app', 'v1', HISTORY);
  chartDigest = await pushChart('add/charts', '0.1.0', {
    'demo/Chart.yaml':
      'apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n' +
      '  - name: redis\n    version: "~17.0.0"\n    repository: https://charts.example.com\n' +
      '    condition: redis.enabled\n    tags: [cache]\n' +
      '  - name: common\n    version: 2.x.x\n    repository: "@bitnami"\n    alias: lib\n',
    'demo/values.yaml': VALUES,
    'demo/README.md': README,
    'demo/templates/deployment.yaml': 'kind: Deployment\n',
    'demo/charts/redis/values.yaml': 'sub: chart\n',
    'demo/charts/redis/README.md': '# not this one\n',
  });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** An OCI image whose config has `history`, pushed through /v2. */
async function pushImageWithHistory(repository: string, tag: string, history: object[]): Promise<PushedImage> {
  const configJson = {
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: [] },
    history,
    nonce: randomBytes(8).toString('hex'),
  };
  const config = await pushBlobAs(reg.app, repository, Buffer.from(JSON.stringify(configJson)), OCI_CONFIG);
  const layer = await pushBlobAs(reg.app, repository, randomBytes(256), OCI_LAYER);
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  const descriptor = await putManifestAs(reg.app, repository, tag, manifest, OCI_MANIFEST);
  return { digest: descriptor.digest, descriptor, config, layers: [layer], totalSize: 0 };
}

/** A .tgz of `files` (paths relative to the archive root) made by the system's tar, as `helm package` makes one. */
async function chartArchive(files: Record<string, string>, format = 'gnu'): Promise<Buffer> {
  const root = await mkdtemp(join(scratch, 'chart-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const top = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
  const out = join(root, '..', `${randomBytes(4).toString('hex')}.tgz`);
  await run('tar', ['-czf', out, `--format=${format}`, '-C', root, ...top]);
  return readFile(out);
}

/** A Helm chart as an OCI artifact (what `helm push` sends): Helm config, one chart content layer. */
async function pushChart(repository: string, tag: string, files: Record<string, string>, layerBytes?: Buffer) {
  const chartYaml = files[Object.keys(files).find((p) => p.endsWith('/Chart.yaml')) ?? ''] ?? '';
  const config = await pushBlobAs(
    reg.app,
    repository,
    Buffer.from(JSON.stringify({ name: /name: (\S+)/.exec(chartYaml)?.[1] ?? 'x', version: tag })),
    HELM_CONFIG,
  );
  const layer: Descriptor = await pushBlobAs(
    reg.app,
    repository,
    layerBytes ?? (await chartArchive(files)),
    HELM_CONTENT,
  );
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] };
  return (await putManifestAs(reg.app, repository, tag, manifest, OCI_MANIFEST)).digest;
}

describe('addition_links', () => {
  it("names where each of an artifact's additions is read, and the links answer", async () => {
    const links = async (repository: string, reference: string) => {
      const res = await api(reg.app, 'GET', `${base(repository)}/${reference}`, ADMIN);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ addition_links?: Record<string, { href: string; absolute: boolean }> }>().addition_links;
    };
    expect(await links('app', 'v1')).toEqual({
      build_history: {
        href: `/api/v2.0/projects/add/repositories/app/artifacts/${image.digest}/additions/build_history`,
        absolute: false,
      },
    });
    const chart = await links('charts', '0.1.0');
    expect(Object.keys(chart ?? {})).toEqual(['values.yaml', 'readme.md', 'dependencies']);
    for (const link of Object.values(chart ?? {})) {
      const res = await reg.app.inject({ method: 'GET', url: link.href, headers: { authorization: basic(ADMIN) } });
      expect(res.statusCode, `${link.href}: ${res.body}`).toBe(200);
    }
    // A repository below the project is named with its slashes encoded twice, as Harbor writes it.
    const nested = await pushImage(reg.app, 'add/team/tool', 'v1');
    expect((await links('team/tool', 'v1'))?.build_history?.href).toBe(
      `/api/v2.0/projects/add/repositories/team%252Ftool/artifacts/${nested.digest}/additions/build_history`,
    );
    const index = await pushIndex(reg.app, 'add/app', 'linked-index');
    expect(await links('app', index.digest)).toBeUndefined();
  });
});

describe('GET .../artifacts/{reference}/additions/build_history', () => {
  it("answers the image config's history in Harbor's shape, by tag and by digest", async () => {
    const res = await api(reg.app, 'GET', addition('app', 'v1', 'build_history'), ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual([
      { created: '2024-05-01T09:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in /', comment: 'base' },
      { created: '2024-05-01T09:30:00Z', created_by: '/bin/sh -c #(nop) CMD ["/bin/sh"]', empty_layer: true },
      { created: '2024-05-01T10:00:00Z', created_by: 'RUN make', author: 'Ops' },
    ]);
    const byDigest = await api(reg.app, 'GET', addition('app', image.digest, 'build_history'), ADMIN);
    expect(byDigest.json()).toEqual(res.json());
    // Harbor upper-cases the name before looking it up.
    const upper = await api(reg.app, 'GET', addition('app', 'v1', 'BUILD_HISTORY'), ADMIN);
    expect(upper.statusCode, upper.body).toBe(200);
    expect(upper.json()).toEqual(res.json());
  });

  it('answers an empty list for an image without history', async () => {
    await pushImage(reg.app, 'add/app', 'plain');
    const res = await api(reg.app, 'GET', addition('app', 'plain', 'build_history'), ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([]);
  });

  it("refuses additions an artifact's type does not have with 400, as Harbor does", async () => {
    const chartOnly = expectHarborError(
      await api(reg.app, 'GET', addition('app', 'v1', 'values.yaml'), ADMIN),
      400,
      'BAD_REQUEST',
    );
    expect(chartOnly).toContain("addition values.yaml isn't supported for IMAGE");
    await pushIndex(reg.app, 'add/app', 'multi');
    expectHarborError(await api(reg.app, 'GET', addition('app', 'multi', 'build_history'), ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', addition('app', 'v1', 'sbom'), ADMIN), 400, 'BAD_REQUEST');
    const unknown = expectHarborError(
      await api(reg.app, 'GET', addition('app', 'v1', 'nonsense'), ADMIN),
      400,
      'BAD_REQUEST',
    );
    expect(unknown).toContain("addition nonsense isn't supported");
  });

  it('answers 404 for an artifact or repository that does not exist, and hides private projects', async () => {
    expectHarborError(await api(reg.app, 'GET', addition('app', 'missing', 'build_history'), ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', addition('nope', 'v1', 'build_history'), ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', addition('app', 'v1', 'build_history')), 401, 'UNAUTHORIZED');
  });
});

describe('GET .../artifacts/{reference}/additions for Helm charts', () => {
  it("answers the chart's values.yaml as text/plain and README.md as text/markdown", async () => {
    const values = await api(reg.app, 'GET', addition('charts', '0.1.0', 'values.yaml'), ADMIN);
    expect(values.statusCode, values.body).toBe(200);
    expect(values.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(values.headers['x-content-type-options']).toBe('nosniff');
    expect(values.body).toBe(VALUES);
    const readme = await api(reg.app, 'GET', addition('charts', chartDigest, 'readme.md'), ADMIN);
    expect(readme.statusCode, readme.body).toBe(200);
    expect(readme.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(readme.body).toBe(README);
  });

  it("answers an apiVersion v2 chart's dependencies from Chart.yaml in Helm's JSON form", async () => {
    const res = await api(reg.app, 'GET', addition('charts', '0.1.0', 'dependencies'), ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual([
      {
        name: 'redis',
        version: '~17.0.0',
        repository: 'https://charts.example.com',
        condition: 'redis.enabled',
        tags: ['cache'],
      },
      { name: 'common', version: '2.x.x', repository: '@bitnami', alias: 'lib' },
    ]);
  });

  it('reads an apiVersion v1 chart’s requirements.yaml; a chart without README.md answers 404', async () => {
    await pushChart(
      'add/charts',
      'legacy',
      {
        'old/Chart.yaml': 'apiVersion: v1\nname: old\nversion: 1.0.0\n',
        'old/requirements.yaml': 'dependencies:\n  - name: mysql\n    version: 1.6.9\n    repository: "@stable"\n',
        'old/values.yaml': 'a: 1\n',
      },
      await chartArchive(
        {
          'old/Chart.yaml': 'apiVersion: v1\nname: old\nversion: 1.0.0\n',
          'old/requirements.yaml': 'dependencies:\n  - name: mysql\n    version: 1.6.9\n    repository: "@stable"\n',
          'old/values.yaml': 'a: 1\n',
          // A path longer than ustar's 100 characters: a pax header in this archive.
          [`old/templates/${'x'.repeat(120)}.yaml`]: 'kind: ConfigMap\n',
        },
        'pax',
      ),
    );
    const deps = await api(reg.app, 'GET', addition('charts', 'legacy', 'dependencies'), ADMIN);
    expect(deps.statusCode, deps.body).toBe(200);
    expect(deps.json()).toEqual([{ name: 'mysql', version: '1.6.9', repository: '@stable' }]);
    const values = await api(reg.app, 'GET', addition('charts', 'legacy', 'values.yaml'), ADMIN);
    expect(values.body).toBe('a: 1\n');
    const readme = expectHarborError(
      await api(reg.app, 'GET', addition('charts', 'legacy', 'readme.md'), ADMIN),
      404,
      'NOT_FOUND',
    );
    expect(readme).toContain('README.md');
  });

  it('refuses build_history for a chart, and a chart archive that is not a gzip tar with a clear 400', async () => {
    expectHarborError(
      await api(reg.app, 'GET', addition('charts', '0.1.0', 'build_history'), ADMIN),
      400,
      'BAD_REQUEST',
    );
    await pushChart('add/charts', 'broken', { 'b/Chart.yaml': 'name: b\n' }, Buffer.from('not a gzip stream at all'));
    const message = expectHarborError(
      await api(reg.app, 'GET', addition('charts', 'broken', 'values.yaml'), ADMIN),
      400,
      'BAD_REQUEST',
    );
    expect(message).toContain('cannot be read');
  });
});

interface Accessory {
  id: number;
  artifact_id: number;
  subject_artifact_id: number;
  subject_artifact_digest: string;
  subject_artifact_repo: string;
  size: number;
  digest: string;
  type: string;
  icon: string;
  creation_time: string;
}

describe('GET .../artifacts/{reference}/accessories', () => {
  let subject: PushedImage;
  const pushed: Record<string, { digest: string; totalSize: number }> = {};
  beforeAll(async () => {
    subject = await pushImage(reg.app, 'add/signed', 'v1');
    pushed.cosign = await pushReferrer(reg.app, 'add/signed', subject.descriptor, COSIGN);
    pushed.notation = await pushReferrer(reg.app, 'add/signed', subject.descriptor, NOTATION);
    pushed.harborSbom = await pushReferrer(reg.app, 'add/signed', subject.descriptor, HARBOR_SBOM);
    pushed.other = await pushReferrer(reg.app, 'add/signed', subject.descriptor, SBOM_TYPE);
  });

  async function list(query = '') {
    const res = await api(reg.app, 'GET', `${base('signed')}/v1/accessories${query}`, ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  }

  it("lists the artifact's accessories with Harbor's fields and types", async () => {
    const res = await list();
    expect(res.headers['x-total-count']).toBe('4');
    const items = res.json<Accessory[]>();
    const subjectId = (await api(reg.app, 'GET', `${base('signed')}/v1`, ADMIN)).json<{ id: number }>().id;
    const byType = Object.fromEntries(items.map((a) => [a.type, a]));
    expect(Object.keys(byType).sort()).toEqual([
      'harbor.sbom',
      'signature.cosign',
      'signature.notation',
      'subject.accessory',
    ]);
    const cosign = byType['signature.cosign']!;
    expect(cosign).toEqual({
      id: cosign.artifact_id,
      artifact_id: expect.any(Number) as number,
      subject_artifact_id: subjectId,
      subject_artifact_digest: subject.digest,
      subject_artifact_repo: 'add/signed',
      size: pushed.cosign!.totalSize,
      digest: pushed.cosign!.digest,
      type: 'signature.cosign',
      icon: '',
      creation_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
    });
    expect(byType['subject.accessory']!.digest).toBe(pushed.other!.digest);
    // The same list by digest; an artifact without accessories has none.
    expect((await api(reg.app, 'GET', `${base('signed')}/${subject.digest}/accessories`, ADMIN)).json()).toEqual(items);
    const none = await api(reg.app, 'GET', `${base('signed')}/${pushed.cosign!.digest}/accessories`, ADMIN);
    expect(none.statusCode).toBe(200);
    expect(none.json()).toEqual([]);
    expect(none.headers['x-total-count']).toBe('0');
  });

  it('filters by type and digest with q', async () => {
    const types = async (q: string) =>
      (await list(`?q=${encodeURIComponent(q)}`))
        .json<Accessory[]>()
        .map((a) => a.type)
        .sort();
    expect(await types('type=signature.cosign')).toEqual(['signature.cosign']);
    expect(await types('type={signature.cosign signature.notation}')).toEqual([
      'signature.cosign',
      'signature.notation',
    ]);
    expect(await types('type=~sbom')).toEqual(['harbor.sbom']);
    expect(await types('type=subject.accessory')).toEqual(['subject.accessory']);
    expect(await types(`digest=${pushed.notation!.digest}`)).toEqual(['signature.notation']);
    expect(await types('type=signature.cosign,digest=sha256:0000')).toEqual([]);
    const res = await list(`?q=${encodeURIComponent('type=signature.cosign')}`);
    expect(res.headers['x-total-count']).toBe('1');
  });

  it('pages and sorts', async () => {
    const all = (await list('?sort=digest')).json<Accessory[]>().map((a) => a.digest);
    expect(all).toEqual([...all].sort());
    expect((await list('?sort=-digest')).json<Accessory[]>().map((a) => a.digest)).toEqual([...all].reverse());
    const first = await list('?sort=digest&page=1&page_size=3');
    expect(first.json<Accessory[]>().map((a) => a.digest)).toEqual(all.slice(0, 3));
    expect(first.headers['x-total-count']).toBe('4');
    expect(first.headers.link).toContain('rel="next"');
    const second = await list('?sort=digest&page=2&page_size=3');
    expect(second.json<Accessory[]>().map((a) => a.digest)).toEqual(all.slice(3));
    expect(second.headers.link).toContain('rel="prev"');
  });

  it('refuses unknown q and sort keys, and hides private projects', async () => {
    const path = `${base('signed')}/v1/accessories`;
    expectHarborError(await api(reg.app, 'GET', `${path}?q=size%3D1`, ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', `${path}?sort=size`, ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', path), 401, 'UNAUTHORIZED');
    expectHarborError(await api(reg.app, 'GET', `${base('signed')}/v9/accessories`, ADMIN), 404, 'NOT_FOUND');
  });
});
