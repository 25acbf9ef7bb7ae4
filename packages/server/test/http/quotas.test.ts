import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../src/adapters/db/postgres-test-database.js';
import { loadConfig } from '../../src/config/index.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { createWharf, type Wharf } from '../../src/main.js';
import { recountQuotas } from '../../src/services/quotas/quotas.js';
import { ADMIN, api, basic } from '../helpers/api-client.js';
import { pushBlobAs, pushImage, putManifestAs } from '../helpers/artifact-content.js';
import { OCI_LAYER, OCI_MANIFEST, sha256 } from '../helpers/inject-client.js';
import { ADMIN_PASSWORD, TEST_DATABASE, useTestRegistry } from '../helpers/test-registry.js';

const AUTH = { authorization: basic(ADMIN) };
const reg = useTestRegistry({ WHARF_QUOTA_WARNINGPERCENT: '80' });

async function createProject(app: FastifyInstance, name: string, storageLimit: number): Promise<number> {
  const res = await api(app, 'POST', '/projects', ADMIN, { project_name: name, storage_limit: storageLimit });
  expect(res.statusCode, res.body).toBe(201);
  return (await reg.wharf.store.projects.getByName(name))!.id;
}

async function quotaOf(project: string): Promise<{ id: number; hard: number; used: number }> {
  const id = (await reg.wharf.store.projects.getByName(project))!.id;
  const quota = await reg.wharf.store.quotas.ofProject(id);
  return { id: quota!.id, hard: quota!.hard, used: quota!.used };
}

async function setLimit(project: string, hard: number): Promise<void> {
  const { id } = await quotaOf(project);
  const res = await api(reg.app, 'PUT', `/quotas/${id}`, ADMIN, { hard: { storage: hard } });
  expect(res.statusCode, res.body).toBe(200);
}

function upload(app: FastifyInstance, repository: string, content: Buffer): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/?digest=${sha256(content)}`,
    payload: content,
    headers: { ...AUTH, 'content-type': 'application/octet-stream' },
  });
}

function expectDenied(res: LightMyRequestResponse): string {
  expect(res.statusCode, res.body).toBe(403);
  const body = res.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors[0]?.code).toBe('DENIED');
  return body.errors[0]!.message;
}

/** The recorded events of `types` that `change` caused, once the relay delivered them. */
async function eventsOf(
  wharf: Wharf,
  types: readonly ('quota.warning' | 'quota.exceeded')[],
  change: () => Promise<unknown>,
): Promise<DomainEvent[]> {
  await wharf.events.relay.drain();
  const seen: DomainEvent[] = [];
  const name = `quota-test-${Math.random()}`;
  wharf.events.bus.subscribe(name, types, (event) => {
    seen.push(event);
  });
  await change();
  await wharf.events.relay.drain();
  return seen;
}

describe('project quotas on /v2', () => {
  it('counts the manifest, config and layers of a push within the limit', async () => {
    await createProject(reg.app, 'qa', 1_000_000);
    const image = await pushImage(reg.app, 'qa/app', 'v1');
    expect(await quotaOf('qa')).toMatchObject({ hard: 1_000_000, used: image.totalSize });
    // Uploading a blob the repository holds adds nothing; nor does pushing the same manifest under another tag.
    expect((await upload(reg.app, 'qa/app', Buffer.from('{}'))).statusCode).toBe(201);
    const before = (await quotaOf('qa')).used;
    expect((await upload(reg.app, 'qa/app', Buffer.from('{}'))).statusCode).toBe(201);
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: image.config, layers: image.layers };
    await putManifestAs(reg.app, 'qa/app', 'v2', manifest, OCI_MANIFEST);
    expect((await quotaOf('qa')).used).toBe(before);
  });

  it('counts a blob shared by repositories of one project once, and once in each project', async () => {
    await createProject(reg.app, 'qshare', -1);
    await createProject(reg.app, 'qother', -1);
    const image = await pushImage(reg.app, 'qshare/one', 'v1');
    // The same layers and config: mounted into a second repository, uploaded again into a third.
    for (const blob of [image.config, ...image.layers]) {
      const mount = await reg.app.inject({
        method: 'POST',
        url: `/v2/qshare/two/blobs/uploads/?mount=${blob.digest}&from=qshare/one`,
        headers: AUTH,
      });
      expect(mount.statusCode, mount.body).toBe(201);
    }
    const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config: image.config, layers: image.layers };
    await putManifestAs(reg.app, 'qshare/two', 'v1', manifest, OCI_MANIFEST);
    const layer = randomBytes(700);
    await pushBlobAs(reg.app, 'qshare/one', layer, OCI_LAYER);
    await pushBlobAs(reg.app, 'qshare/three', layer, OCI_LAYER);
    expect((await quotaOf('qshare')).used).toBe(image.totalSize + 700);
    // Another project counts it on its own.
    await pushBlobAs(reg.app, 'qother/x', layer, OCI_LAYER);
    expect((await quotaOf('qother')).used).toBe(700);
  });

  it('refuses an upload and a manifest over the limit with 403 DENIED and Harbor’s message, recording quota.exceeded', async () => {
    await createProject(reg.app, 'qfull', 2000);
    const first = randomBytes(1500);
    expect((await upload(reg.app, 'qfull/app', first)).statusCode).toBe(201);
    const second = randomBytes(600);
    let refused: LightMyRequestResponse | undefined;
    const events = await eventsOf(reg.wharf, ['quota.exceeded'], async () => {
      refused = await upload(reg.app, 'qfull/app', second);
    });
    expect(expectDenied(refused!)).toBe(
      'Quota exceeded when processing the request of adding 600 B of storage resource, which when updated to ' +
        'current usage of 1.5 KiB will exceed the configured upper limit of 2.0 KiB.',
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'quota.exceeded',
      project: 'qfull',
      repository: 'qfull/app',
      digest: sha256(second),
      used: 1500,
      requested: 600,
      hard: 2000,
      by: { kind: 'user', name: 'admin' },
    });
    // Nothing was linked: the blob is unknown to the repository, and usage is unchanged.
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/qfull/app/blobs/${sha256(second)}`, headers: AUTH });
    expect(head.statusCode).toBe(404);
    expect((await quotaOf('qfull')).used).toBe(1500);
    // A manifest whose own bytes pass the limit is refused the same way.
    const small = await pushBlobAs(reg.app, 'qfull/app', randomBytes(400), OCI_LAYER);
    const config = await pushBlobAs(
      reg.app,
      'qfull/app',
      Buffer.from('{}'),
      'application/vnd.oci.image.config.v1+json',
    );
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [small] }),
    );
    const put = await reg.app.inject({
      method: 'PUT',
      url: '/v2/qfull/app/manifests/v1',
      payload: manifest,
      headers: { ...AUTH, 'content-type': OCI_MANIFEST },
    });
    expect(expectDenied(put)).toMatch(/^Quota exceeded when processing the request of adding \d+ B of storage/);
    expect((await quotaOf('qfull')).used).toBe(1902);
    // Raising the limit lets it through.
    await setLimit('qfull', 10_000);
    const again = await reg.app.inject({
      method: 'PUT',
      url: '/v2/qfull/app/manifests/v1',
      payload: manifest,
      headers: { ...AUTH, 'content-type': OCI_MANIFEST },
    });
    expect(again.statusCode, again.body).toBe(201);
    expect((await quotaOf('qfull')).used).toBe(1902 + manifest.length);
  });

  it('releases bytes on artifact, blob and repository deletes, as the recount counts them', async () => {
    await createProject(reg.app, 'qdel', -1);
    const kept = await pushImage(reg.app, 'qdel/kept', 'v1');
    const gone = await pushImage(reg.app, 'qdel/gone', 'v1');
    const sharedLayer = kept.layers[0]!;
    const mount = await reg.app.inject({
      method: 'POST',
      url: `/v2/qdel/gone/blobs/uploads/?mount=${sharedLayer.digest}&from=qdel/kept`,
      headers: AUTH,
    });
    expect(mount.statusCode).toBe(201);
    expect((await quotaOf('qdel')).used).toBe(kept.totalSize + gone.totalSize);
    // Deleting an artifact releases its manifest at once; its layers and config stay linked to the repository (and
    // counted) until the repository or the blob link goes.
    const del = await reg.app.inject({
      method: 'DELETE',
      url: `/v2/qdel/gone/manifests/${gone.digest}`,
      headers: AUTH,
    });
    expect(del.statusCode).toBe(202);
    const afterArtifact = kept.totalSize + gone.totalSize - gone.descriptor.size;
    expect((await quotaOf('qdel')).used).toBe(afterArtifact);
    expect(await recountQuotas(reg.wharf.store)).toEqual([]);
    // Deleting a blob link: the layer only this repository holds stops counting; the shared one does not.
    const own = gone.layers[0]!;
    for (const digest of [own.digest, sharedLayer.digest]) {
      const res = await reg.app.inject({ method: 'DELETE', url: `/v2/qdel/gone/blobs/${digest}`, headers: AUTH });
      expect(res.statusCode, res.body).toBe(202);
    }
    expect((await quotaOf('qdel')).used).toBe(afterArtifact - own.size);
    // Deleting the repository releases what only it held.
    const repo = await api(reg.app, 'DELETE', '/projects/qdel/repositories/gone', ADMIN);
    expect(repo.statusCode, repo.body).toBe(200);
    expect((await quotaOf('qdel')).used).toBe(kept.totalSize);
    // Deleting the last artifact through the API: its manifest goes; layers stay with the repository.
    const art = await api(reg.app, 'DELETE', `/projects/qdel/repositories/kept/artifacts/${kept.digest}`, ADMIN);
    expect(art.statusCode, art.body).toBe(200);
    expect((await quotaOf('qdel')).used).toBe(kept.totalSize - kept.descriptor.size);
    expect(await recountQuotas(reg.wharf.store)).toEqual([]);
  });

  it('the recount repairs a tampered usage and reports it', async () => {
    const id = await createProject(reg.app, 'qcount', -1);
    const image = await pushImage(reg.app, 'qcount/app', 'v1');
    // Tamper: count a digest the project does not hold.
    await reg.wharf.store.transaction((tx) => tx.quotas.reserve('qcount', sha256('phantom'), 12_345));
    expect((await quotaOf('qcount')).used).toBe(image.totalSize + 12_345);
    const repairs = await recountQuotas(reg.wharf.store);
    expect(repairs).toEqual([
      { projectId: id, projectName: 'qcount', before: image.totalSize + 12_345, after: image.totalSize },
    ]);
    expect((await quotaOf('qcount')).used).toBe(image.totalSize);
    expect(await recountQuotas(reg.wharf.store)).toEqual([]);
  });

  it('records quota.warning once when usage crosses the warning level upwards, again after falling below', async () => {
    await createProject(reg.app, 'qwarn', 10_000);
    const warnings = async (change: () => Promise<unknown>) =>
      (await eventsOf(reg.wharf, ['quota.warning'], change)).map((e) => e as DomainEvent & { used: number });
    expect(await warnings(() => pushBlobAs(reg.app, 'qwarn/app', randomBytes(7_000), OCI_LAYER))).toEqual([]);
    const crossing = randomBytes(1_500);
    const lastCrossing = sha256(crossing);
    const crossed = await warnings(() => pushBlobAs(reg.app, 'qwarn/app', crossing, OCI_LAYER));
    expect(crossed).toEqual([
      expect.objectContaining({
        type: 'quota.warning',
        project: 'qwarn',
        repository: 'qwarn/app',
        used: 8_500,
        hard: 10_000,
        warningPercent: 80,
      }),
    ]);
    // Above the level already: no second warning.
    const third = randomBytes(1_000);
    expect(await warnings(() => pushBlobAs(reg.app, 'qwarn/app', third, OCI_LAYER))).toEqual([]);
    // Below it again (two blob links deleted: 7 000 bytes), then across once more.
    for (const digest of [sha256(third), lastCrossing]) {
      const res = await reg.app.inject({ method: 'DELETE', url: `/v2/qwarn/app/blobs/${digest}`, headers: AUTH });
      expect(res.statusCode, res.body).toBe(202);
    }
    expect((await quotaOf('qwarn')).used).toBe(7_000);
    const again = await warnings(() => pushBlobAs(reg.app, 'qwarn/app', randomBytes(2_000), OCI_LAYER));
    expect(again.map((e) => e.used)).toEqual([9_000]);
  });
});

describe(`concurrent pushes on ${TEST_DATABASE}`, () => {
  it('never pass the limit together: each within it, the excess refused', async () => {
    await createProject(reg.app, 'qrace', 3_500);
    const blobs = Array.from({ length: 8 }, () => randomBytes(1_000));
    const results = await Promise.all(blobs.map((blob, i) => upload(reg.app, `qrace/r${i % 3}`, blob)));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 201, 201, 403, 403, 403, 403, 403]);
    expect((await quotaOf('qrace')).used).toBe(3_000);
    expect(await recountQuotas(reg.wharf.store)).toEqual([]);
  });
});

// On PostgreSQL two Wharf instances ("processes") share one database; on SQLite (one process) both are one instance.
describe(`${TEST_DATABASE === 'postgres' ? 'two instances' : 'one instance'} on one ${TEST_DATABASE} database`, () => {
  it('share the limit: concurrent pushes through every instance never pass it', async () => {
    const database = TEST_DATABASE === 'postgres' ? await createTestDatabase() : undefined;
    const dataDir = await mkdtemp(path.join(tmpdir(), 'wharf-quota-'));
    const config = loadConfig({
      env: {
        WHARF_DATA_DIR: dataDir,
        WHARF_LOG_LEVEL: 'silent',
        WHARF_HTTP_ACCESSLOG: 'false',
        WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ...(database && { WHARF_DATABASE_DRIVER: 'postgres', WHARF_DATABASE_URL: database.url }),
      },
    });
    const first = await createWharf(config);
    const second = database ? await createWharf(config) : first;
    try {
      const res = await api(first.app, 'POST', '/projects', ADMIN, { project_name: 'qnodes', storage_limit: 5_500 });
      expect(res.statusCode, res.body).toBe(201);
      const blobs = Array.from({ length: 12 }, () => randomBytes(1_000));
      const results = await Promise.all(
        blobs.map((blob, i) => upload(i % 2 === 0 ? first.app : second.app, `qnodes/r${i % 4}`, blob)),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(5);
      expect(results.filter((r) => r.statusCode === 403)).toHaveLength(7);
      const project = await first.store.projects.getByName('qnodes');
      expect((await first.store.quotas.ofProject(project!.id))?.used).toBe(5_000);
      expect(await recountQuotas(first.store)).toEqual([]);
    } finally {
      await first.close();
      if (second !== first) await second.close();
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
