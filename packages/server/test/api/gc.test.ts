import { describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import { hashPassword } from '../../src/lib/password-hash.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, createUser, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { pushImage } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const HOUR = 3_600_000;
const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));

/** Storage whose deletions wait for `gate` while it is set (a GC run held in the middle of its sweep). */
let gate: Promise<void> | undefined;
let deletionsStarted = 0;
function gatedStorage(root: string): BlobStore {
  const inner = createBlobStore({ driver: 'filesystem', rootDirectory: root });
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'delete') {
        return async (path: string) => {
          deletionsStarted++;
          if (gate) await gate;
          return target.delete(path);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

// Tag history (tags.restoreWindow) would keep deleted artifacts' blobs: these tests are of GC alone (tag-history.test.ts).
const reg = useOciTestRegistry({ WHARF_TAGS_RESTOREWINDOW: '0' }, { clock, storage: gatedStorage });

interface GcHistory {
  id: number;
  job_name: string;
  job_kind: string;
  job_parameters: string;
  job_status: string;
  schedule: { type: string; cron?: string; next_scheduled_time?: string };
}

const RUN = { delete_untagged: true, dry_run: false, workers: 2, time_window: 0 };

/** POST /system/gc/schedule Manual; returns the run's id from Location. */
async function runNow(parameters: Record<string, unknown> = RUN, as: Credentials = ADMIN): Promise<number> {
  const res = await api(reg.app, 'POST', '/system/gc/schedule', as, { schedule: { type: 'Manual' }, parameters });
  expect(res.statusCode, res.body).toBe(201);
  const location = res.headers.location as string;
  expect(location).toMatch(/^\/api\/v2\.0\/system\/gc\/\d+$/);
  return Number(location.split('/').at(-1));
}

async function drive(): Promise<void> {
  await reg.wharf.jobs.tick();
  await reg.wharf.jobs.idle();
}

async function gcOf(id: number): Promise<GcHistory> {
  const res = await api(reg.app, 'GET', `/system/gc/${id}`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<GcHistory>();
}

async function blobStatus(repo: string, digest: string): Promise<number> {
  return (await reg.app.inject({ method: 'GET', url: `/v2/${repo}/blobs/${digest}` })).statusCode;
}

describe('garbage collection through /system/gc', () => {
  it('runs on request: deletes untagged artifacts and their blobs, logs the bytes freed, keeps tagged images', async () => {
    const kept = await pushImage(reg.app, 'gcapi/app', 'keep');
    const doomed = await pushImage(reg.app, 'gcapi/app', 'doomed');
    // The tag goes; the artifact stays, untagged, until GC deletes untagged artifacts.
    expect((await reg.app.inject({ method: 'DELETE', url: '/v2/gcapi/app/manifests/doomed' })).statusCode).toBe(202);
    const freed =
      doomed.body.length + doomed.manifest.config.size + doomed.manifest.layers.reduce((n, l) => n + l.size, 0);
    clock.advance(HOUR);

    const id = await runNow();
    expect(await gcOf(id)).toMatchObject({ job_status: 'Pending', job_kind: 'MANUAL', job_name: 'GARBAGE_COLLECTION' });
    await drive();
    const done = await gcOf(id);
    expect(done.job_status).toBe('Success');
    expect(JSON.parse(done.job_parameters)).toMatchObject({
      ...RUN,
      purged_artifacts: 1,
      purged_blobs: 4,
      freed_space: freed,
    });
    const log = await api(reg.app, 'GET', `/system/gc/${id}/log`, ADMIN);
    expect(log.statusCode).toBe(200);
    expect(log.headers['content-type']).toMatch(/^text\/plain/);
    expect(log.body).toContain(`freed ${freed} bytes`);
    expect(log.body).toContain(`deleted untagged artifact gcapi/app@${doomed.digest}`);

    for (const layer of doomed.manifest.layers) expect(await blobStatus('gcapi/app', layer.digest)).toBe(404);
    const pulled = await reg.app.inject({ method: 'GET', url: '/v2/gcapi/app/manifests/keep' });
    expect(pulled.statusCode).toBe(200);
    for (const layer of kept.manifest.layers) expect(await blobStatus('gcapi/app', layer.digest)).toBe(200);

    const history = await api(reg.app, 'GET', '/system/gc?page=1&page_size=10', ADMIN);
    expect(history.statusCode).toBe(200);
    expect(history.headers['x-total-count']).toBe('1');
    expect(history.json<GcHistory[]>().map((h) => h.id)).toEqual([id]);
  });

  it('a dry run frees nothing but says what it would', async () => {
    const image = await pushImage(reg.app, 'gcapi/dry', 'v1');
    expect(
      (await reg.app.inject({ method: 'DELETE', url: `/v2/gcapi/dry/manifests/${image.digest}` })).statusCode,
    ).toBe(202);
    clock.advance(HOUR);
    const id = await runNow({ ...RUN, dry_run: true });
    await drive();
    const done = await gcOf(id);
    expect(done.job_status).toBe('Success');
    const attrs = JSON.parse(done.job_parameters) as Record<string, unknown>;
    expect(attrs).toMatchObject({ dry_run: true, purged_blobs: 4 });
    expect(attrs.freed_space).toBeGreaterThan(0);
    const log = (await api(reg.app, 'GET', `/system/gc/${id}/log`, ADMIN)).body;
    expect(log).toContain(`dry run: would free ${String(attrs.freed_space)} bytes`);
    for (const layer of image.manifest.layers) expect(await blobStatus('gcapi/dry', layer.digest)).toBe(200);
    // The history lists the newest first.
    const history = await api(reg.app, 'GET', '/system/gc?page_size=1', ADMIN);
    expect(history.json<GcHistory[]>().map((h) => h.id)).toEqual([id]);
    expect(history.headers['x-total-count']).toBe('2');
    expect(history.headers.link).toContain('rel="next"');
  });

  it('refuses bad parameters and a second run while one is pending (409); a stop ends a running GC Stopped', async () => {
    expectHarborError(
      await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, {
        schedule: { type: 'Manual' },
        parameters: { workers: 6 },
      }),
      400,
      'BAD_REQUEST',
    );
    expectHarborError(
      await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'Sometimes' } }),
      400,
      'BAD_REQUEST',
    );
    const image = await pushImage(reg.app, 'gcapi/stop', 'v1');
    await reg.app.inject({ method: 'DELETE', url: `/v2/gcapi/stop/manifests/${image.digest}` });
    clock.advance(HOUR);
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    deletionsStarted = 0;
    const id = await runNow();
    expectHarborError(
      await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'Manual' }, parameters: RUN }),
      409,
      'CONFLICT',
    );
    await reg.wharf.jobs.tick();
    while (deletionsStarted === 0) await new Promise((resolve) => setImmediate(resolve));
    expect((await gcOf(id)).job_status).toBe('Running');
    expect((await api(reg.app, 'PUT', `/system/gc/${id}`, ADMIN)).statusCode).toBe(200);
    await drive(); // the renewal sees the stop and aborts the run
    expect((await gcOf(id)).job_status).toBe('Stopped');
    gate = undefined;
    release();
    expectHarborError(await api(reg.app, 'GET', '/system/gc/999999', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'PUT', '/system/gc/999999', ADMIN), 404, 'NOT_FOUND');
    // A later run finishes what the stopped one had marked.
    const next = await runNow();
    await drive();
    expect((await gcOf(next)).job_status).toBe('Success');
    for (const layer of image.manifest.layers) expect(await blobStatus('gcapi/stop', layer.digest)).toBe(404);
  });

  it('schedules GC by cron; the schedule fires at the clock’s time; None removes it', async () => {
    expect((await api(reg.app, 'GET', '/system/gc/schedule', ADMIN)).json()).toEqual({});
    expectHarborError(
      await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'Custom' } }),
      400,
      'BAD_REQUEST',
    );
    const created = await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, {
      schedule: { type: 'Daily' },
      parameters: { delete_untagged: false, dry_run: true, workers: 1 },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers.location).toBeUndefined();
    const updated = await api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, {
      schedule: { type: 'Custom', cron: '0 30 4 * * *' },
      parameters: { delete_untagged: false, dry_run: true, workers: 1 },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    const schedule = (await api(reg.app, 'GET', '/system/gc/schedule', ADMIN)).json<GcHistory>();
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    const next = Date.parse(`${day}T04:30:00Z`) + (new Date(clock.now()).getUTCHours() >= 4 ? 24 * HOUR : 0);
    expect(schedule.schedule).toEqual({
      type: 'Custom',
      cron: '0 30 4 * * *',
      next_scheduled_time: new Date(next).toISOString(),
    });
    expect(JSON.parse(schedule.job_parameters)).toMatchObject({ dry_run: true, workers: 1, time_window: 2 });

    const before = (await api(reg.app, 'GET', '/system/gc', ADMIN)).headers['x-total-count'];
    clock.advance(next - 1000 - clock.now());
    await drive();
    expect((await api(reg.app, 'GET', '/system/gc', ADMIN)).headers['x-total-count']).toBe(before);
    clock.advance(next - clock.now());
    await drive();
    const [latest] = (await api(reg.app, 'GET', '/system/gc', ADMIN)).json<GcHistory[]>();
    expect(latest).toMatchObject({ job_kind: 'SCHEDULE', job_status: 'Success', schedule: { type: 'Schedule' } });
    expect(JSON.parse(latest!.job_parameters)).toMatchObject({ dry_run: true, time_window: 2 });

    const none = await api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, { schedule: { type: 'None' } });
    expect(none.statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/system/gc/schedule', ADMIN)).json()).toEqual({});
  });
});

describe('who may use /system/gc', () => {
  const systemRobot = async (name: string, access: Array<{ resource: string; action: string }>) => {
    const secret = `Secret-${name}-0`;
    await reg.wharf.store.robots.create({
      name: `robot$${name}`,
      level: 'system',
      projectId: null,
      permissions: [{ kind: 'system', namespace: '/', access }],
      secretHash: await hashPassword(secret),
      disabled: false,
      durationDays: null,
      expiresAt: null,
    });
    return { username: `robot$${name}`, password: secret };
  };

  it('system administrators only (and robots granted garbage-collection): anonymous 401, others 403', async () => {
    const user = (await createUser(reg.app, 'gc-user')).credentials;
    const unrelated = await systemRobot('gc-monitor', [{ resource: 'jobservice-monitor', action: 'list' }]);
    const granted = await systemRobot(
      'gc-robot',
      ['list', 'read', 'create', 'update', 'stop'].map((action) => ({ resource: 'garbage-collection', action })),
    );
    const id = await runNow({ ...RUN, dry_run: true });
    await drive();
    const manual = { schedule: { type: 'Manual' }, parameters: { dry_run: true } };
    const none = { schedule: { type: 'None' } };
    const rows: Array<[method: 'GET' | 'PUT' | 'POST', path: string, body: unknown, ok: number]> = [
      ['GET', '/system/gc', undefined, 200],
      ['GET', `/system/gc/${id}`, undefined, 200],
      ['GET', `/system/gc/${id}/log`, undefined, 200],
      ['PUT', `/system/gc/${id}`, undefined, 200],
      ['GET', '/system/gc/schedule', undefined, 200],
      ['PUT', '/system/gc/schedule', none, 200],
      ['POST', '/system/gc/schedule', manual, 201],
    ];
    // Callers without the permission learn nothing about a bad body.
    expect((await api(reg.app, 'POST', '/system/gc/schedule', undefined, { schedule: 1 })).statusCode).toBe(401);
    expect((await api(reg.app, 'PUT', '/system/gc/schedule', user, { schedule: 1 })).statusCode).toBe(403);
    for (const [method, path, body, ok] of rows) {
      const label = `${method} ${path}`;
      expect((await api(reg.app, method, path, undefined, body)).statusCode, `${label} anonymous`).toBe(401);
      expect((await api(reg.app, method, path, user, body)).statusCode, `${label} user`).toBe(403);
      expect((await api(reg.app, method, path, unrelated, body)).statusCode, `${label} robot`).toBe(403);
      expect((await api(reg.app, method, path, ADMIN, body)).statusCode, `${label} admin`).toBe(ok);
      await drive(); // the admin's Manual run ends before the robot's
      expect((await api(reg.app, method, path, granted, body)).statusCode, `${label} granted robot`).toBe(ok);
      await drive();
    }
  });
});
