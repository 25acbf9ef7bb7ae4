import { describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { OCI_INDEX, pushImage, putManifest } from '../helpers/inject-client.js';
import { useOciTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

const DAY = 86_400_000;
const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));

/** Storage whose `stat` of `statGated` waits for `statGate` (a restore held just before it stores the manifest). */
let statGated: string | undefined;
let statGate: Promise<void> | undefined;
let statEntered: (() => void) | undefined;
/** While set, content deletions (GC's sweep) wait for it. */
let deleteGate: Promise<void> | undefined;
let deletionsStarted = 0;
function gatedStorage(root: string): BlobStore {
  const inner = createBlobStore({ driver: 'filesystem', rootDirectory: root });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'delete') {
        return async (path: string) => {
          deletionsStarted++;
          if (deleteGate) await deleteGate;
          return target.delete(path);
        };
      }
      if (prop === 'stat') {
        return async (path: string) => {
          if (statGated !== undefined && statGate && path.includes(statGated)) {
            statEntered?.();
            await statGate;
          }
          return target.stat(path);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const reg = useOciTestRegistry({}, { clock, storage: gatedStorage });

interface Entry {
  id: number;
  repository_name: string;
  tag: string | null;
  digest: string;
  media_type: string;
  kind: 'tag.deleted' | 'tag.moved' | 'artifact.deleted';
  operator: string | null;
  op_time: string;
  expire_time: string;
}

type Image = Awaited<ReturnType<typeof pushImage>>;

function historyPath(repo: string): string {
  const [project, ...rest] = repo.split('/');
  return `/projects/${project}/repositories/${encodeURIComponent(rest.join('/'))}/taghistory`;
}

async function history(r: TestRegistry, repo: string, query = ''): Promise<Entry[]> {
  const res = await api(r.app, 'GET', `${historyPath(repo)}${query}`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Entry[]>();
}

function restore(r: TestRegistry, repo: string, id: number) {
  return api(r.app, 'POST', `${historyPath(repo)}/${id}/restore`, ADMIN);
}

/** Asks for a GC run (window 0, deleting untagged artifacts) and drives rounds until it deletes content. */
async function startGc(r: TestRegistry): Promise<void> {
  const res = await api(r.app, 'POST', '/system/gc/schedule', ADMIN, {
    schedule: { type: 'Manual' },
    parameters: { delete_untagged: true, dry_run: false, workers: 1, time_window: 0 },
  });
  expect(res.statusCode, res.body).toBe(201);
  for (let round = 0; round < 50 && deletionsStarted === 0; round++) {
    await r.wharf.jobs.tick();
    for (let turn = 0; turn < 20 && deletionsStarted === 0; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  expect(deletionsStarted).toBeGreaterThan(0);
}

async function runGc(r: TestRegistry, parameters: Record<string, unknown> = {}): Promise<string> {
  const res = await api(r.app, 'POST', '/system/gc/schedule', ADMIN, {
    schedule: { type: 'Manual' },
    parameters: { delete_untagged: true, dry_run: false, workers: 1, time_window: 0, ...parameters },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = (res.headers.location as string).split('/').at(-1);
  // A round may run due system jobs first (its workers are few): drive rounds until the run has ended.
  for (let round = 0; round < 20; round++) {
    await r.wharf.jobs.tick();
    await r.wharf.jobs.idle();
    const status = (await api(r.app, 'GET', `/system/gc/${id}`, ADMIN)).json<{ job_status: string }>().job_status;
    if (status !== 'Pending' && status !== 'Running') break;
  }
  const log = await api(r.app, 'GET', `/system/gc/${id}/log`, ADMIN);
  expect(log.statusCode).toBe(200);
  return log.body;
}

async function blobOf(r: TestRegistry, repo: string, digest: string) {
  return r.app.inject({ method: 'GET', url: `/v2/${repo}/blobs/${digest}` });
}

/** Pulls `reference` and every blob of the image through /v2 and compares them byte for byte. */
async function expectPullable(r: TestRegistry, repo: string, reference: string, image: Image): Promise<void> {
  const manifest = await r.app.inject({ method: 'GET', url: `/v2/${repo}/manifests/${reference}` });
  expect(manifest.statusCode, manifest.body).toBe(200);
  expect(manifest.rawPayload.equals(image.body)).toBe(true);
  for (const blob of [image.manifest.config, ...image.manifest.layers]) {
    const res = await blobOf(r, repo, blob.digest);
    expect(res.statusCode, `${blob.digest}: ${res.body}`).toBe(200);
    expect(res.rawPayload.length).toBe(blob.size);
  }
}

describe('tag history and restore', () => {
  it('records a deleted tag and restores it, pullable byte for byte', async () => {
    const image = await pushImage(reg.app, 'th/app', 'v1');
    expect((await reg.app.inject({ method: 'DELETE', url: '/v2/th/app/manifests/v1' })).statusCode).toBe(202);
    expect((await reg.app.inject({ method: 'GET', url: '/v2/th/app/manifests/v1' })).statusCode).toBe(404);

    const entries = await history(reg, 'th/app');
    expect(entries).toEqual([
      {
        id: expect.any(Number) as number,
        repository_name: 'th/app',
        tag: 'v1',
        digest: image.digest,
        media_type: image.descriptor.mediaType,
        kind: 'tag.deleted',
        operator: 'admin',
        op_time: new Date(clock.now()).toISOString(),
        expire_time: new Date(clock.now() + 7 * DAY).toISOString(),
      },
    ]);
    const res = await restore(reg, 'th/app', entries[0]!.id);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Entry>().id).toBe(entries[0]!.id);
    await expectPullable(reg, 'th/app', 'v1', image);
    // Restoring again changes nothing.
    expect((await restore(reg, 'th/app', entries[0]!.id)).statusCode).toBe(200);
    expect(await history(reg, 'th/app')).toHaveLength(1);
  });

  it('records a tag pushed over and restores the old artifact; that move is recorded too', async () => {
    const old = await pushImage(reg.app, 'th/moved', 'latest');
    const newer = await pushImage(reg.app, 'th/moved', 'latest');
    const [moved] = await history(reg, 'th/moved');
    expect(moved).toMatchObject({ tag: 'latest', digest: old.digest, kind: 'tag.moved' });
    expect((await restore(reg, 'th/moved', moved!.id)).statusCode).toBe(200);
    await expectPullable(reg, 'th/moved', 'latest', old);
    const after = await history(reg, 'th/moved');
    expect(after.map((e) => [e.kind, e.digest])).toEqual([
      ['tag.moved', newer.digest],
      ['tag.moved', old.digest],
    ]);
    // q=tag=… filters; paging sets X-Total-Count and Link.
    const page = await api(reg.app, 'GET', `${historyPath('th/moved')}?q=tag%3Dlatest&page_size=1`, ADMIN);
    expect(page.headers['x-total-count']).toBe('2');
    expect(page.headers.link).toContain('rel="next"');
    expect(await history(reg, 'th/moved', '?q=tag%3Dother')).toEqual([]);
    expectHarborError(await api(reg.app, 'GET', `${historyPath('th/moved')}?q=digest%3Dx`, ADMIN), 400, 'BAD_REQUEST');
  });

  it('keeps a deleted artifact’s blobs through GC (dry run and real), restores it, and frees them once expired', async () => {
    const image = await pushImage(reg.app, 'th/deleted', 'v1');
    const deleted = await api(reg.app, 'DELETE', `/projects/th/repositories/deleted/artifacts/${image.digest}`, ADMIN);
    expect(deleted.statusCode).toBe(200);
    const [entry] = await history(reg, 'th/deleted');
    expect(entry).toMatchObject({ tag: 'v1', digest: image.digest, kind: 'artifact.deleted', operator: 'admin' });
    const bytes =
      image.body.length + image.manifest.config.size + image.manifest.layers.reduce((n, l) => n + l.size, 0);
    const until = new Date(clock.now() + 7 * DAY).toISOString();

    const dry = await runGc(reg, { dry_run: true });
    expect(dry).toMatch(/would keep \d+ blobs, \d+ bytes, for tag restore/);
    const log = await runGc(reg);
    expect(log).toMatch(new RegExp(`kept \\d+ blobs, \\d+ bytes, for tag restore \\(until ${until}`));
    const kept = /kept (\d+) blobs, (\d+) bytes/.exec(log)!;
    expect(Number(kept[1])).toBeGreaterThanOrEqual(4);
    expect(Number(kept[2])).toBeGreaterThanOrEqual(bytes);
    for (const blob of [image.manifest.config, ...image.manifest.layers]) {
      expect((await blobOf(reg, 'th/deleted', blob.digest)).statusCode).toBe(200);
    }

    await reg.wharf.events.relay.drain();
    const events: DomainEvent[] = [];
    reg.wharf.events.bus.subscribe(`restore-${Math.random()}`, ['artifact.pushed', 'tag.created'], (event) => {
      if (event.repository === 'th/deleted') events.push(event);
    });
    expect((await restore(reg, 'th/deleted', entry!.id)).statusCode).toBe(200);
    await reg.wharf.events.relay.drain();
    // Pushed again through the core's manifest path, then tagged: the events a push records, by the restorer.
    expect(events.map((e) => [e.type, e.by?.name])).toEqual([
      ['artifact.pushed', 'admin'],
      ['tag.created', 'admin'],
    ]);
    await expectPullable(reg, 'th/deleted', 'v1', image);
    const pushed = await api(reg.app, 'GET', `/projects/th/repositories/deleted/artifacts/v1`, ADMIN);
    expect(pushed.statusCode).toBe(200);

    // Deleted again, then the window passes: expired entries are not listed, GC frees the blobs, restore is 404.
    expect((await api(reg.app, 'DELETE', `/projects/th/repositories/deleted/artifacts/v1`, ADMIN)).statusCode).toBe(
      200,
    );
    const [again] = await history(reg, 'th/deleted');
    clock.advance(7 * DAY + 1);
    expect(await history(reg, 'th/deleted')).toEqual([]);
    const message = expectHarborError(await restore(reg, 'th/deleted', again!.id), 404, 'NOT_FOUND');
    expect(message).toContain('expired');
    expectHarborError(await restore(reg, 'th/deleted', 999_999), 404, 'NOT_FOUND');
    // GC (its tick also fires the due TAG_HISTORY_PURGE, which removes expired entries) frees the blobs.
    await runGc(reg);
    for (const blob of image.manifest.layers)
      expect((await blobOf(reg, 'th/deleted', blob.digest)).statusCode).toBe(404);
    expect(await reg.wharf.store.tagHistory.get(await repoId('th/deleted'), again!.id)).toBeUndefined();
  });

  it('restores a deleted index with its children (children first, then the tag)', async () => {
    const a = await pushImage(reg.app, 'th/multi', 'a');
    const b = await pushImage(reg.app, 'th/multi', 'b');
    for (const tag of ['a', 'b']) await reg.app.inject({ method: 'DELETE', url: `/v2/th/multi/manifests/${tag}` });
    const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [a.descriptor, b.descriptor] };
    const put = await putManifest(reg.app, 'th/multi', 'multi', index, OCI_INDEX);
    expect(put.statusCode).toBe(201);
    const digest = put.headers['docker-content-digest'] as string;
    const del = await api(reg.app, 'DELETE', `/projects/th/repositories/multi/artifacts/${digest}`, ADMIN);
    expect(del.statusCode).toBe(200);
    // The index and its untagged children went (a deep delete).
    expect((await reg.app.inject({ method: 'GET', url: `/v2/th/multi/manifests/${a.digest}` })).statusCode).toBe(404);
    await runGc(reg);
    const entry = (await history(reg, 'th/multi', '?q=tag%3Dmulti'))[0]!;
    expect(entry).toMatchObject({ kind: 'artifact.deleted', digest, media_type: OCI_INDEX });
    // The entry holds the index, its children and everything they reference.
    const held = await reg.wharf.store.tagHistory.holds(entry.id);
    for (const image of [a, b]) {
      for (const d of [image.digest, image.manifest.config.digest, ...image.manifest.layers.map((l) => l.digest)]) {
        expect(held).toContain(d);
      }
    }
    expect(held).toContain(digest);
    expect((await restore(reg, 'th/multi', entry.id)).statusCode).toBe(200);
    const pulled = await reg.app.inject({ method: 'GET', url: '/v2/th/multi/manifests/multi' });
    expect(pulled.statusCode).toBe(200);
    expect(pulled.headers['docker-content-digest']).toBe(digest);
    await expectPullable(reg, 'th/multi', a.digest, a);
    await expectPullable(reg, 'th/multi', b.digest, b);
  });

  it('goes through the policy chain: an immutable tag rule refuses to move the tag back (412)', async () => {
    await pushImage(reg.app, 'thimm/app', 'rel');
    const newer = await pushImage(reg.app, 'thimm/app', 'rel');
    const [moved] = await history(reg, 'thimm/app');
    const rule = await api(reg.app, 'POST', '/projects/thimm/immutabletagrules', ADMIN, {
      disabled: false,
      action: 'immutable',
      template: 'immutable_template',
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'rel' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const message = expectHarborError(await restore(reg, 'thimm/app', moved!.id), 412, 'PRECONDITION');
    expect(message).toContain('immutable');
    const current = await reg.app.inject({ method: 'HEAD', url: '/v2/thimm/app/manifests/rel' });
    expect(current.headers['docker-content-digest']).toBe(newer.digest);
  });

  it('a restore meeting GC in the middle of its sweep is told to try again (409), and leaves no tag behind', async () => {
    const image = await pushImage(reg.app, 'thsweep/app', 'v1');
    await api(reg.app, 'DELETE', `/projects/thsweep/repositories/app/artifacts/${image.digest}`, ADMIN);
    const [entry] = await history(reg, 'thsweep/app');
    let releaseRestore!: () => void;
    statGate = new Promise<void>((resolve) => (releaseRestore = resolve));
    const entered = new Promise<void>((resolve) => (statEntered = resolve));
    statGated = image.digest.split(':')[1];
    const restoring = restore(reg, 'thsweep/app', entry!.id);
    await entered;
    // The entry expires; GC marks what it held and starts deleting the content, held there.
    clock.advance(7 * DAY + 1);
    let releaseGc!: () => void;
    deleteGate = new Promise<void>((resolve) => (releaseGc = resolve));
    deletionsStarted = 0;
    await startGc(reg);
    statGate = undefined;
    statGated = undefined;
    releaseRestore();
    const res = await restoring;
    expect(expectHarborError(res, 409, 'CONFLICT')).toContain('garbage collection is deleting');
    deleteGate = undefined;
    releaseGc();
    await reg.wharf.jobs.idle();
    expect((await reg.app.inject({ method: 'GET', url: '/v2/thsweep/app/manifests/v1' })).statusCode).toBe(404);
    expect((await blobOf(reg, 'thsweep/app', image.manifest.layers[0]!.digest)).statusCode).toBe(404);
  });

  it('charges the quota again: a project without room refuses the restore (403), nothing is half restored', async () => {
    const image = await pushImage(reg.app, 'thquota/app', 'v1');
    await api(reg.app, 'DELETE', `/projects/thquota/repositories/app/artifacts/${image.digest}`, ADMIN);
    const [entry] = await history(reg, 'thquota/app');
    const project = await reg.wharf.store.projects.getByName('thquota');
    const quotas = await api(reg.app, 'GET', `/quotas?reference=project&reference_id=${project!.id}`, ADMIN);
    const [quota] = quotas.json<{ id: number; used: { storage: number } }[]>();
    // The layers still count (they stay linked); the manifest's own bytes were released and do not fit again.
    const limit = await api(reg.app, 'PUT', `/quotas/${quota!.id}`, ADMIN, { hard: { storage: quota!.used.storage } });
    expect(limit.statusCode, limit.body).toBe(200);
    const message = expectHarborError(await restore(reg, 'thquota/app', entry!.id), 403, 'DENIED');
    expect(message).toContain('Quota exceeded');
    expect((await reg.app.inject({ method: 'GET', url: '/v2/thquota/app/manifests/v1' })).statusCode).toBe(404);
    await api(reg.app, 'PUT', `/quotas/${quota!.id}`, ADMIN, { hard: { storage: -1 } });
    expect((await restore(reg, 'thquota/app', entry!.id)).statusCode).toBe(200);
    await expectPullable(reg, 'thquota/app', 'v1', image);
  });

  it('a restore racing GC never yields a tag with missing blobs: it fails clearly', async () => {
    const image = await pushImage(reg.app, 'thrace/app', 'v1');
    await api(reg.app, 'DELETE', `/projects/thrace/repositories/app/artifacts/${image.digest}`, ADMIN);
    const [entry] = await history(reg, 'thrace/app');
    // The restore passes its expiry check, then waits just before storing the manifest…
    let release!: () => void;
    statGate = new Promise<void>((resolve) => (release = resolve));
    const entered = new Promise<void>((resolve) => (statEntered = resolve));
    statGated = image.digest.split(':')[1];
    const restoring = restore(reg, 'thrace/app', entry!.id);
    await entered;
    // …while the entry expires and GC collects what it held.
    clock.advance(7 * DAY + 1);
    await runGc(reg);
    expect((await blobOf(reg, 'thrace/app', image.manifest.layers[0]!.digest)).statusCode).toBe(404);
    statGate = undefined;
    release();
    const res = await restoring;
    const message = expectHarborError(res, 412, 'PRECONDITION');
    expect(message).toContain('no longer stored');
    // No tag, no artifact over missing content.
    expect((await reg.app.inject({ method: 'GET', url: '/v2/thrace/app/manifests/v1' })).statusCode).toBe(404);
    statGated = undefined;
  });
});

async function repoId(name: string): Promise<number> {
  return (await reg.wharf.store.repositories.get(name))!.id;
}

const off = useOciTestRegistry({ WHARF_TAGS_RESTOREWINDOW: '0' }, { clock });

describe('tag history turned off (tags.restoreWindow 0)', () => {
  it('records nothing, and GC frees a deleted artifact’s blobs as before', async () => {
    const image = await pushImage(off.app, 'thoff/app', 'v1');
    await pushImage(off.app, 'thoff/app', 'v1');
    await off.app.inject({ method: 'DELETE', url: '/v2/thoff/app/manifests/v1' });
    await api(off.app, 'DELETE', `/projects/thoff/repositories/app/artifacts/${image.digest}`, ADMIN);
    expect(await history(off, 'thoff/app')).toEqual([]);
    const log = await runGc(off);
    expect(log).not.toContain('tag restore');
    for (const blob of image.manifest.layers)
      expect((await blobOf(off, 'thoff/app', blob.digest)).statusCode).toBe(404);
  });
});
