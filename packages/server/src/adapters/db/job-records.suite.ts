import { afterEach, describe, expect, it } from 'vitest';
import type { JobRecords } from '../../ports/jobs.js';
import { boundLog, executionStatusOf, LOG_TRUNCATED_MARKER } from './job-rows.js';

export interface JobRecordsFixture {
  readonly records: JobRecords;
  /** The same database through another connection (another node). */
  readonly other: JobRecords;
  dispose(): Promise<void>;
}

const T0 = 1_800_000_000_000;
const TTL = 60_000;

/** The job records' behaviour, run by the SQLite and PostgreSQL test files. */
export function describeJobRecords(label: string, open: () => Promise<JobRecordsFixture>): void {
  describe(label, () => {
    let fixture: JobRecordsFixture;
    const cleanup: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const step of cleanup.splice(0)) await step();
    });
    const setup = async () => {
      fixture = await open();
      cleanup.push(() => fixture.dispose());
      await fixture.records.ensureQueues(['GC', 'SCAN'], T0);
      return fixture;
    };

    it('creates an execution with pending tasks, and one without tasks as Success', async () => {
      const { records } = await setup();
      const execution = await records.createExecution(
        {
          vendorType: 'GC',
          vendorId: -1,
          trigger: 'MANUAL',
          extraAttrs: { dry_run: true },
          tasks: [{ a: 1 }, { a: 2 }],
        },
        T0,
      );
      expect(execution).toMatchObject({ vendorType: 'GC', vendorId: -1, status: 'Pending', trigger: 'MANUAL' });
      expect(execution.extraAttrs).toEqual({ dry_run: true });
      const tasks = await records.listTasks(execution.id);
      expect(tasks.map((t) => [t.status, t.params, t.runCount])).toEqual([
        ['Pending', { a: 1 }, 0],
        ['Pending', { a: 2 }, 0],
      ]);
      const empty = await records.createExecution(
        { vendorType: 'GC', vendorId: 7, trigger: 'EVENT', extraAttrs: {}, tasks: [] },
        T0,
      );
      expect(empty).toMatchObject({ status: 'Success', endTime: T0 });
      const page = await records.listExecutions({ vendorType: 'GC', page: 1, pageSize: 1 });
      expect(page.total).toBe(2);
      expect(page.items.map((e) => e.id)).toEqual([empty.id]);
      expect((await records.listExecutions({ vendorType: 'GC', vendorId: 7, page: 1, pageSize: 10 })).total).toBe(1);
    });

    it("merges a job's result into its execution's extra attributes, concurrent merges keeping each other's keys", async () => {
      const { records } = await setup();
      const execution = await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: { dry_run: false, workers: 2 }, tasks: [{}] },
        T0,
      );
      const merged = await Promise.all([
        records.mergeExtraAttrs(execution.id, { freed_space: 10, workers: 3 }, T0 + 5),
        records.mergeExtraAttrs(execution.id, { purged_blobs: 2 }, T0 + 5),
      ]);
      expect(merged).toEqual([true, true]);
      expect(await records.getExecution(execution.id)).toMatchObject({
        extraAttrs: { dry_run: false, workers: 3, freed_space: 10, purged_blobs: 2 },
        updateTime: T0 + 5,
      });
      expect(await records.mergeExtraAttrs(execution.id + 1000, { x: 1 }, T0)).toBe(false);
    });

    it('claims a task once, derives the execution status, and finishes under the claim only', async () => {
      const { records, other } = await setup();
      const execution = await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1, 2] },
        T0,
      );
      const first = await records.claim({ vendorType: 'GC', holder: 'a', now: T0, until: T0 + TTL });
      expect(first).toMatchObject({ status: 'Running', holder: 'a', runCount: 1, startTime: T0 });
      expect((await records.getExecution(execution.id))?.status).toBe('Running');
      const second = await other.claim({ vendorType: 'GC', holder: 'b', now: T0, until: T0 + TTL });
      expect(second?.id).not.toBe(first?.id);
      expect(await other.claim({ vendorType: 'GC', holder: 'b', now: T0, until: T0 + TTL })).toBeUndefined();
      expect(await other.finish(first!.id, 'b', 'Success', T0 + 1)).toBe(false);
      expect(await records.finish(first!.id, 'a', 'Success', T0 + 1)).toBe(true);
      expect((await records.getExecution(execution.id))?.status).toBe('Running');
      expect(await other.finish(second!.id, 'b', 'Error', T0 + 2, 'boom')).toBe(true);
      const ended = await records.getExecution(execution.id);
      expect(ended).toMatchObject({ status: 'Error', endTime: T0 + 2 });
      expect(await records.getTask(second!.id)).toMatchObject({ status: 'Error', statusMessage: 'boom', holder: null });
    });

    it('refuses claims of a paused queue and past the concurrency limit', async () => {
      const { records, other } = await setup();
      await records.createExecution(
        { vendorType: 'SCAN', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1, 2, 3] },
        T0,
      );
      await records.setPaused(['SCAN'], true, T0);
      expect(await records.isPaused('SCAN')).toBe(true);
      expect(await records.claim({ vendorType: 'SCAN', holder: 'a', now: T0, until: T0 + TTL })).toBeUndefined();
      await records.setPaused(['SCAN'], false, T0);
      const claim = (records: JobRecords, holder: string) =>
        records.claim({ vendorType: 'SCAN', holder, now: T0, until: T0 + TTL, concurrency: 2 });
      const claimed = await Promise.all([
        claim(records, 'a'),
        claim(other, 'b'),
        claim(records, 'a'),
        claim(other, 'b'),
      ]);
      expect(claimed.filter(Boolean)).toHaveLength(2);
      const queues = await records.listQueues(['SCAN', 'GC']);
      expect(queues).toEqual([
        { jobType: 'SCAN', paused: false, count: 1, oldestAvailableAt: T0 },
        { jobType: 'GC', paused: false, count: 0, oldestAvailableAt: null },
      ]);
    });

    it('takes over a task whose claim expired; the old holder can neither renew nor finish it', async () => {
      const { records, other } = await setup();
      await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1] },
        T0,
      );
      const task = await records.claim({ vendorType: 'GC', holder: 'a', now: T0, until: T0 + TTL });
      expect(await records.renew(task!.id, 'a', T0 + 10, T0 + 10 + TTL)).toEqual({ stopRequested: false });
      expect(await other.claim({ vendorType: 'GC', holder: 'b', now: T0 + TTL, until: T0 + 2 * TTL })).toBeUndefined();
      const taken = await other.claim({ vendorType: 'GC', holder: 'b', now: T0 + 10 + TTL, until: T0 + 3 * TTL });
      expect(taken).toMatchObject({ id: task!.id, holder: 'b', runCount: 2 });
      expect(await records.renew(task!.id, 'a', T0 + 11 + TTL, T0 + 3 * TTL)).toBeUndefined();
      expect(await records.finish(task!.id, 'a', 'Success', T0 + 11 + TTL)).toBe(false);
    });

    it('stops pending tasks at once and asks running ones; abandoned ones end Stopped', async () => {
      const { records } = await setup();
      const execution = await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1, 2] },
        T0,
      );
      const running = await records.claim({ vendorType: 'GC', holder: 'a', now: T0, until: T0 + TTL });
      expect(await records.stopExecution(execution.id, T0 + 1)).toBe(true);
      expect(await records.stopExecution(999_999, T0 + 1)).toBe(false);
      const tasks = await records.listTasks(execution.id);
      expect(tasks.map((t) => t.status)).toEqual(['Running', 'Stopped']);
      expect(await records.renew(running!.id, 'a', T0 + 2, T0 + 2 + TTL)).toEqual({ stopRequested: true });
      expect((await records.getExecution(execution.id))?.status).toBe('Running');
      expect(await records.stopAbandoned(T0 + 3)).toBe(0);
      expect(await records.stopAbandoned(T0 + 2 + TTL)).toBe(1);
      expect(await records.getExecution(execution.id)).toMatchObject({ status: 'Stopped', endTime: T0 + 2 + TTL });
    });

    it('requeues a task with a delay, and a stop asked meanwhile wins', async () => {
      const { records } = await setup();
      const execution = await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1] },
        T0,
      );
      const task = await records.claim({ vendorType: 'GC', holder: 'a', now: T0, until: T0 + TTL });
      expect(await records.requeue(task!.id, 'a', { availableAt: T0 + 5000, now: T0, message: 'try again' })).toBe(
        true,
      );
      expect(await records.getTask(task!.id)).toMatchObject({ status: 'Pending', availableAt: T0 + 5000, runCount: 1 });
      expect(await records.claim({ vendorType: 'GC', holder: 'a', now: T0 + 4999, until: T0 + TTL })).toBeUndefined();
      const again = await records.claim({ vendorType: 'GC', holder: 'a', now: T0 + 5000, until: T0 + TTL });
      expect(again?.runCount).toBe(2);
      await records.stopExecution(execution.id, T0 + 5001);
      expect(await records.requeue(task!.id, 'a', { availableAt: T0 + 9000, now: T0 + 5002, uncount: true })).toBe(
        true,
      );
      expect(await records.getTask(task!.id)).toMatchObject({ status: 'Stopped', runCount: 1 });
      expect((await records.getExecution(execution.id))?.status).toBe('Stopped');
      expect(await records.stopPending(undefined, T0)).toBe(0);
    });

    it('keeps the newest bytes of a task log behind a marker', async () => {
      const { records } = await setup();
      const execution = await records.createExecution(
        { vendorType: 'GC', vendorId: -1, trigger: 'MANUAL', extraAttrs: {}, tasks: [1] },
        T0,
      );
      const [task] = await records.listTasks(execution.id);
      for (let i = 0; i < 50; i++) await records.appendLog(task!.id, `line ${i} ${'x'.repeat(40)}\n`, 1024);
      const log = (await records.readLog(task!.id))!;
      expect(Buffer.byteLength(log)).toBeLessThanOrEqual(1024);
      expect(log.startsWith(LOG_TRUNCATED_MARKER)).toBe(true);
      expect(log).toContain('line 49 ');
      expect(log).not.toContain('line 0 ');
      expect(log.slice(LOG_TRUNCATED_MARKER.length)).toMatch(/^line \d+ x+\n/);
      expect(await records.readLog(999_999)).toBeUndefined();
    });

    it('fires a due schedule once across nodes, creating a SCHEDULE execution', async () => {
      const { records, other } = await setup();
      const schedule = await records.upsertSchedule(
        { vendorType: 'GC', vendorId: -1, cron: '0 0 * * * *', params: { p: 1 }, nextRun: T0 + 1000 },
        T0,
      );
      const same = await records.upsertSchedule(
        { vendorType: 'GC', vendorId: -1, cron: '0 0 * * * *', params: { p: 1 }, nextRun: T0 + 9999 },
        T0 + 5,
      );
      expect(same.nextRun).toBe(T0 + 1000);
      expect(await records.dueSchedules(T0 + 999)).toEqual([]);
      const [due] = await records.dueSchedules(T0 + 1000);
      expect(due?.id).toBe(schedule.id);
      const fired = await Promise.all([
        records.fireSchedule(due!, T0 + 3_601_000, T0 + 1000),
        other.fireSchedule(due!, T0 + 3_601_000, T0 + 1000),
      ]);
      expect(fired.filter(Boolean)).toHaveLength(1);
      const execution = fired.find(Boolean)!;
      expect(execution).toMatchObject({ trigger: 'SCHEDULE', vendorType: 'GC', status: 'Pending' });
      expect((await records.listTasks(execution.id))[0]?.params).toEqual({ p: 1 });
      expect((await records.getSchedule('GC', -1))?.nextRun).toBe(T0 + 3_601_000);
      expect((await records.listSchedules(1, 10)).total).toBe(1);
      expect(await records.deleteSchedule('GC', -1)).toBe(true);
      expect(await records.getSchedule('GC', -1)).toBeUndefined();
    });

    it('keeps pools with their heartbeats', async () => {
      const { records } = await setup();
      const pool = { id: 'node-a', pid: 42, host: 'h', concurrency: 4, startAt: T0, heartbeatAt: T0 };
      await records.heartbeatPool(pool);
      await records.heartbeatPool({ ...pool, heartbeatAt: T0 + 10 });
      expect(await records.listPools(T0 + 10)).toEqual([{ ...pool, heartbeatAt: T0 + 10 }]);
      expect(await records.listPools(T0 + 11)).toEqual([]);
      await records.removePool('node-a');
      expect(await records.listPools(0)).toEqual([]);
    });
  });
}

describe('job record rules', () => {
  it("derives an execution's status as Harbor does", () => {
    expect(executionStatusOf({ Pending: 2 })).toBe('Pending');
    expect(executionStatusOf({ Pending: 1, Success: 1 })).toBe('Running');
    expect(executionStatusOf({ Running: 1, Error: 1 })).toBe('Running');
    expect(executionStatusOf({ Error: 1, Stopped: 1, Success: 1 })).toBe('Error');
    expect(executionStatusOf({ Stopped: 1, Success: 1 })).toBe('Stopped');
    expect(executionStatusOf({ Success: 3 })).toBe('Success');
  });

  it('bounds a log at a line start', () => {
    expect(boundLog('short\n', 100)).toBe('short\n');
    const bounded = boundLog('a'.repeat(50) + '\n' + 'b'.repeat(10) + '\n', 50);
    expect(bounded).toBe(LOG_TRUNCATED_MARKER + 'b'.repeat(10) + '\n');
  });
});
