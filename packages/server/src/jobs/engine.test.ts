import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../adapters/db/index.js';
import { createTestDatabase } from '../adapters/db/postgres-test-database.js';
import { ManualClock, systemClock, type Clock } from '../ports/clock.js';
import type { JobRecords } from '../ports/jobs.js';
import type { SecurityContext } from '../services/authenticator.js';
import { JobEngine, SCHEDULER_QUEUE, type JobEngineOptions, type JobType } from './engine.js';
import { scheduleSystemJobs } from './system-jobs.js';

const log = pino({ level: 'silent' });
const CLAIM_TTL = 30_000;
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function sqliteRecords(): Promise<JobRecords> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-engine-'));
  const database = openDatabase({ driver: 'sqlite', path: join(dir, 'wharf.db'), synchronous: 'normal' });
  await database.store.migrate();
  cleanup.push(async () => {
    await database.store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return database.jobs();
}

/** Two pools on one new PostgreSQL database: two nodes' records. */
async function postgresRecords(): Promise<[JobRecords, JobRecords]> {
  const database = await createTestDatabase();
  const open = () => openDatabase({ driver: 'postgres', url: database.url, poolSize: 4 });
  const [one, two] = [open(), open()];
  cleanup.push(() => database.drop());
  cleanup.push(async () => {
    await one.store.close();
    await two.store.close();
  });
  await one.store.migrate();
  return [one.jobs(), two.jobs()];
}

function engine(records: JobRecords, clock: Clock, node = 'node-a', opts: Partial<JobEngineOptions> = {}): JobEngine {
  const created = new JobEngine({
    records,
    clock,
    log,
    node,
    workers: 4,
    claimTtlMs: CLAIM_TTL,
    pollIntervalMs: 1000,
    logMaxBytes: 64 * 1024,
    ...opts,
  });
  cleanup.push(() => created.close());
  return created;
}

/** A job that waits until released (ignoring its signal when told to). */
function gated(name: string, opts: Partial<JobType> & { ignoreSignal?: boolean } = {}) {
  const started: number[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const type: JobType = {
    name,
    ...opts,
    run: async ({ task, signal }) => {
      started.push(task.id);
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        if (!opts.ignoreSignal) signal.addEventListener('abort', () => reject(signal.reason as Error));
      });
    },
  };
  return { type, started, release: () => release() };
}

describe('the job engine', () => {
  it('runs a task to Success as the system, with a task log', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const jobs = engine(await sqliteRecords(), clock);
    let security: SecurityContext | undefined;
    jobs.register<{ n: number }>({
      name: 'GARBAGE_COLLECTION',
      run: (ctx) => {
        security = ctx.security;
        ctx.log.info(`collecting ${ctx.params.n}`);
        return Promise.resolve({ deleted: ctx.params.n });
      },
    });
    const execution = await jobs.enqueue({ vendorType: 'GARBAGE_COLLECTION', params: { n: 3 } });
    expect(execution).toMatchObject({ status: 'Pending', trigger: 'MANUAL', vendorId: -1 });
    await jobs.tick();
    await jobs.idle();
    expect(await jobs.executions.get(execution.id)).toMatchObject({ status: 'Success', endTime: clock.now() });
    const [task] = await jobs.tasks.list(execution.id);
    expect(task).toMatchObject({ status: 'Success', runCount: 1, startTime: clock.now(), endTime: clock.now() });
    expect(security).toMatchObject({ kind: 'system', subject: { kind: 'system', job: 'GARBAGE_COLLECTION' } });
    const text = await jobs.log(task!.id);
    expect(text).toContain('2026-01-01T00:00:00.000Z [INFO] collecting 3\n');
    expect(text).toContain('done: {"deleted":3}');
    await expect(jobs.enqueue({ vendorType: 'NOPE' })).rejects.toThrow('unknown job type NOPE');
  });

  it('retries a failing task with exponential backoff, then marks it Error', async () => {
    const clock = new ManualClock();
    const jobs = engine(await sqliteRecords(), clock);
    let runs = 0;
    jobs.register({
      name: 'REPLICATION',
      maxRetries: 2,
      backoff: { baseMs: 1000, maxMs: 60_000 },
      run: () => {
        runs++;
        return Promise.reject(new Error(`attempt ${runs} failed`));
      },
    });
    const execution = await jobs.enqueue({ vendorType: 'REPLICATION' });
    const round = async () => {
      await jobs.tick();
      await jobs.idle();
    };
    await round();
    expect(runs).toBe(1);
    const [task] = await jobs.tasks.list(execution.id);
    expect(task).toMatchObject({
      status: 'Pending',
      availableAt: clock.now() + 1000,
      statusMessage: 'attempt 1 failed',
    });
    expect((await jobs.executions.get(execution.id))?.status).toBe('Pending');
    clock.advance(999);
    await round();
    expect(runs).toBe(1);
    clock.advance(1);
    await round();
    expect(runs).toBe(2);
    clock.advance(1999);
    await round();
    expect(runs).toBe(2);
    clock.advance(1);
    await round();
    expect(runs).toBe(3);
    clock.advance(60_000);
    await round();
    expect(runs).toBe(3);
    expect(await jobs.tasks.get(task!.id)).toMatchObject({
      status: 'Error',
      runCount: 3,
      statusMessage: 'attempt 3 failed',
    });
    expect((await jobs.executions.get(execution.id))?.status).toBe('Error');
    expect(await jobs.log(task!.id)).toContain('retry 2 of 2 in 2000 ms');
  });

  it('aborts a task that runs past its time-out and marks it Error', async () => {
    const clock = new ManualClock();
    const jobs = engine(await sqliteRecords(), clock);
    const job = gated('SCAN', { timeoutMs: 5000 });
    jobs.register(job.type);
    const execution = await jobs.enqueue({ vendorType: 'SCAN' });
    await jobs.tick();
    expect(job.started).toHaveLength(1);
    clock.advance(4999);
    await jobs.tick();
    expect((await jobs.tasks.list(execution.id))[0]?.status).toBe('Running');
    clock.advance(1);
    await jobs.tick();
    await jobs.idle();
    expect(await jobs.tasks.list(execution.id)).toMatchObject([
      { status: 'Error', statusMessage: 'timed out after 5000 ms' },
    ]);
    expect((await jobs.executions.get(execution.id))?.status).toBe('Error');
  });

  it('stops pending tasks at once and running ones within a round, even a job ignoring its signal', async () => {
    const clock = new ManualClock();
    const jobs = engine(await sqliteRecords(), clock, 'node-a', { workers: 2 });
    const polite = gated('PURGE_AUDIT_LOG');
    const stubborn = gated('RETENTION', { ignoreSignal: true });
    jobs.register(polite.type);
    jobs.register(stubborn.type);
    const first = await jobs.enqueue({ vendorType: 'PURGE_AUDIT_LOG', tasks: [1, 2] });
    const second = await jobs.enqueue({ vendorType: 'RETENTION', tasks: [1] });
    await jobs.tick();
    expect(polite.started).toHaveLength(1);
    expect(stubborn.started).toHaveLength(1);
    await jobs.stop(first.id);
    await jobs.stop(second.id);
    expect((await jobs.tasks.list(first.id)).map((t) => t.status)).toEqual(['Running', 'Stopped']);
    await jobs.tick();
    await jobs.idle();
    expect((await jobs.tasks.list(first.id)).map((t) => t.status)).toEqual(['Stopped', 'Stopped']);
    expect((await jobs.tasks.list(second.id)).map((t) => t.status)).toEqual(['Stopped']);
    expect((await jobs.executions.get(first.id))?.status).toBe('Stopped');
    expect((await jobs.executions.get(second.id))?.status).toBe('Stopped');
    await expect(jobs.stop(999_999)).rejects.toThrow('not found');
    stubborn.release();
  });

  it('holds a type to its concurrency across engines', async () => {
    const clock = new ManualClock();
    const records = await sqliteRecords();
    const one = engine(records, clock, 'node-a');
    const two = engine(records, clock, 'node-b');
    const a = gated('SCAN_ALL', { concurrency: 2 });
    const b = gated('SCAN_ALL', { concurrency: 2 });
    one.register(a.type);
    two.register(b.type);
    const execution = await one.enqueue({ vendorType: 'SCAN_ALL', tasks: [1, 2, 3, 4, 5] });
    await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()]);
    expect(a.started.length + b.started.length).toBe(2);
    a.release();
    b.release();
    await Promise.all([one.idle(), two.idle()]);
    await Promise.all([one.tick(), two.tick()]);
    await Promise.all([one.idle(), two.idle()]);
    await Promise.all([one.tick(), two.tick()]);
    await Promise.all([one.idle(), two.idle()]);
    expect(a.started.length + b.started.length).toBe(5);
    expect((await one.executions.get(execution.id))?.status).toBe('Success');
  });

  it('pauses and resumes a queue, lists queues, and stops all pending tasks', async () => {
    const clock = new ManualClock();
    const jobs = engine(await sqliteRecords(), clock);
    let runs = 0;
    jobs.register({ name: 'GARBAGE_COLLECTION', run: () => Promise.resolve(runs++) });
    await jobs.tick();
    await jobs.queues.act('GARBAGE_COLLECTION', 'pause');
    const execution = await jobs.enqueue({ vendorType: 'GARBAGE_COLLECTION' });
    clock.advance(3000);
    await jobs.tick();
    await jobs.idle();
    expect(runs).toBe(0);
    expect(await jobs.queues.list()).toEqual([
      { jobType: 'GARBAGE_COLLECTION', count: 1, latency: 3, paused: true },
      { jobType: SCHEDULER_QUEUE, count: 0, latency: 0, paused: false },
    ]);
    await jobs.queues.act('all', 'resume');
    await jobs.tick();
    await jobs.idle();
    expect(runs).toBe(1);
    expect((await jobs.executions.get(execution.id))?.status).toBe('Success');
    await jobs.queues.act('all', 'pause');
    const stopped = await jobs.enqueue({ vendorType: 'GARBAGE_COLLECTION' });
    expect(await jobs.queues.schedulerPaused()).toBe(true);
    await jobs.queues.act('GARBAGE_COLLECTION', 'stop');
    expect((await jobs.executions.get(stopped.id))?.status).toBe('Stopped');
    await expect(jobs.queues.act('UNKNOWN', 'pause')).rejects.toThrow('job type UNKNOWN not found');
  });

  it('fires a six-field cron schedule at its times, once, with trigger SCHEDULE', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:03:20Z'));
    const jobs = engine(await sqliteRecords(), clock);
    const seen: unknown[] = [];
    jobs.register({ name: 'GARBAGE_COLLECTION', run: ({ params }) => Promise.resolve(seen.push(params)) });
    const schedule = await jobs.schedules.upsert({
      vendorType: 'GARBAGE_COLLECTION',
      cron: '30 */10 * * * *',
      params: { delete_untagged: true },
    });
    expect(schedule.nextRun).toBe(Date.parse('2026-01-01T00:10:30Z'));
    await expect(jobs.schedules.upsert({ vendorType: 'GARBAGE_COLLECTION', cron: '*/5 * * * *' })).rejects.toThrow(
      'invalid cron',
    );
    const round = async () => {
      await jobs.tick();
      await jobs.idle();
    };
    clock.advance(Date.parse('2026-01-01T00:10:29Z') - clock.now());
    await round();
    expect(seen).toHaveLength(0);
    clock.advance(1000);
    await round();
    await round();
    expect(seen).toEqual([{ delete_untagged: true }]);
    const runs = await jobs.executions.list({ vendorType: 'GARBAGE_COLLECTION' });
    expect(runs.items.map((e) => [e.trigger, e.status])).toEqual([['SCHEDULE', 'Success']]);
    expect((await jobs.schedules.get('GARBAGE_COLLECTION'))?.nextRun).toBe(Date.parse('2026-01-01T00:20:30Z'));
    clock.advance(Date.parse('2026-01-01T00:20:30Z') - clock.now());
    await jobs.queues.act(SCHEDULER_QUEUE, 'pause');
    await round();
    expect(seen).toHaveLength(1);
    await jobs.queues.act(SCHEDULER_QUEUE, 'resume');
    await round();
    expect(seen).toHaveLength(2);
    expect(await jobs.schedules.delete('GARBAGE_COLLECTION')).toBe(true);
  });

  it('schedules system jobs every interval, keeping the schedule across restarts', async () => {
    const clock = new ManualClock();
    const records = await sqliteRecords();
    const jobs = engine(records, clock);
    let runs = 0;
    const type: JobType = { name: 'UPLOAD_PURGE', run: () => Promise.resolve(runs++) };
    await scheduleSystemJobs(jobs, [{ type, intervalSeconds: 3600 }]);
    const first = await jobs.schedules.get('UPLOAD_PURGE');
    expect(first).toMatchObject({ cron: '@every 3600s', nextRun: clock.now() + 3_600_000 });
    clock.advance(1_800_000);
    // Another node (or a restart) schedules the same job: the next run stays.
    await scheduleSystemJobs(engine(records, clock, 'node-b'), [{ type, intervalSeconds: 3600 }]);
    expect((await jobs.schedules.get('UPLOAD_PURGE'))?.nextRun).toBe(first!.nextRun);
    clock.advance(1_800_000);
    await jobs.tick();
    await jobs.idle();
    expect(runs).toBe(1);
    await scheduleSystemJobs(engine(records, clock, 'node-c'), [{ type, intervalSeconds: 0 }]);
    expect(await jobs.schedules.get('UPLOAD_PURGE')).toBeUndefined();
  });

  it('takes over a task whose node died once its claim expires; the old node lets go', async () => {
    const clock = new ManualClock();
    const records = await sqliteRecords();
    const dead = engine(records, clock, 'node-dead');
    const alive = engine(records, clock, 'node-alive');
    const stuck = gated('GARBAGE_COLLECTION');
    let ran = 0;
    dead.register(stuck.type);
    alive.register({ name: 'GARBAGE_COLLECTION', run: () => Promise.resolve(ran++) });
    const execution = await dead.enqueue({ vendorType: 'GARBAGE_COLLECTION' });
    await dead.tick();
    expect(stuck.started).toHaveLength(1);
    expect(await dead.workers('node-dead')).toMatchObject([{ jobName: 'GARBAGE_COLLECTION' }, {}, {}, {}]);
    clock.advance(CLAIM_TTL - 1);
    await alive.tick();
    expect(ran).toBe(0);
    clock.advance(1);
    await alive.tick();
    await alive.idle();
    expect(ran).toBe(1);
    expect(await alive.tasks.list(execution.id)).toMatchObject([{ status: 'Success', runCount: 2 }]);
    // The first node comes back: its renewal fails, its run ends without touching the records.
    await dead.tick();
    await dead.idle();
    expect((await alive.executions.get(execution.id))?.status).toBe('Success');
  });

  it('releases running tasks on close, so another node takes them at once', async () => {
    const clock = new ManualClock();
    const records = await sqliteRecords();
    const leaving = engine(records, clock, 'node-leaving');
    const staying = engine(records, clock, 'node-staying');
    const job = gated('GARBAGE_COLLECTION');
    let ran = 0;
    leaving.register(job.type);
    staying.register({ name: 'GARBAGE_COLLECTION', run: () => Promise.resolve(ran++) });
    const execution = await leaving.enqueue({ vendorType: 'GARBAGE_COLLECTION' });
    await leaving.tick();
    expect((await leaving.pools()).map((p) => p.id)).toEqual(['node-leaving']);
    await leaving.close();
    expect(await staying.tasks.list(execution.id)).toMatchObject([{ status: 'Pending', runCount: 0 }]);
    expect(await staying.pools()).toEqual([]);
    await staying.tick();
    await staying.idle();
    expect(ran).toBe(1);
    expect((await staying.executions.get(execution.id))?.status).toBe('Success');
  });
});

describe('two job engines on one PostgreSQL database', () => {
  it('run 50 tasks, each exactly once', async () => {
    const [first, second] = await postgresRecords();
    const runs = new Map<number, string[]>();
    const type = (node: string): JobType => ({
      name: 'REPLICATION',
      concurrency: 6,
      run: async ({ task }) => {
        runs.set(task.id, [...(runs.get(task.id) ?? []), node]);
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    const options = { pollIntervalMs: 10, workers: 4 };
    const one = engine(first, systemClock, 'node-one', options);
    const two = engine(second, systemClock, 'node-two', options);
    one.register(type('node-one'));
    two.register(type('node-two'));
    const executions = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        one.enqueue({ vendorType: 'REPLICATION', tasks: [1, 2, 3, 4, 5], vendorId: i }),
      ),
    );
    one.start();
    two.start();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const statuses = await Promise.all(executions.map(async (e) => (await one.executions.get(e.id))?.status));
      if (statuses.every((s) => s === 'Success')) break;
      if (Date.now() > deadline) {
        const tasks = (await Promise.all(executions.map((e) => one.tasks.list(e.id)))).flat();
        throw new Error(
          `not done: ${statuses.join(',')} ${JSON.stringify(tasks.filter((t) => t.status !== 'Success'))} ${runs.size}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(runs.size).toBe(50);
    expect([...runs.values()].filter((nodes) => nodes.length !== 1)).toEqual([]);
    const tasks = (await Promise.all(executions.map((e) => one.tasks.list(e.id)))).flat();
    expect(tasks.every((t) => t.status === 'Success' && t.runCount === 1)).toBe(true);
  });
});
