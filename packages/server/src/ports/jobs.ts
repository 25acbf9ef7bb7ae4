/**
 * The job engine's records (Harbor's execution/task model, `src/pkg/task`): an execution is one run of a vendor
 * type (GARBAGE_COLLECTION, a purge, a replication policy…) for a vendor id, with one or more tasks; each task is
 * claimed by one node at a time with a compare-and-set on its row (holder and claim expiry), keeps a bounded log,
 * and ends Success, Error or Stopped. The execution's status is derived from its tasks'. Schedules fire executions;
 * queues (one per job type) can be paused. Every time is milliseconds since the epoch, read by the caller from the
 * clock port. One Kysely implementation (adapters/db/job-records.ts) serves SQLite and PostgreSQL, specified by
 * adapters/db/job-records.suite.ts.
 */

import type { Operator } from '../domain/events.js';

export const JOB_STATUSES = ['Pending', 'Running', 'Stopped', 'Error', 'Success'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type FinalStatus = 'Stopped' | 'Error' | 'Success';

export const JOB_TRIGGERS = ['MANUAL', 'SCHEDULE', 'EVENT'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** The vendor id of executions and schedules that belong to the system rather than to a policy (Harbor's -1). */
export const SYSTEM_VENDOR_ID = -1;

export type JsonObject = Readonly<Record<string, unknown>>;

export interface ExecutionRecord {
  readonly id: number;
  readonly vendorType: string;
  readonly vendorId: number;
  readonly status: JobStatus;
  readonly statusMessage: string | null;
  readonly trigger: JobTrigger;
  readonly extraAttrs: JsonObject;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly updateTime: number;
}

export interface TaskRecord {
  readonly id: number;
  readonly executionId: number;
  readonly vendorType: string;
  readonly status: JobStatus;
  readonly statusMessage: string | null;
  readonly params: unknown;
  /** Runs started, takeovers included. */
  readonly runCount: number;
  readonly availableAt: number;
  readonly holder: string | null;
  readonly claimUntil: number | null;
  readonly stopRequested: boolean;
  readonly creationTime: number;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly updateTime: number;
}

export interface ScheduleRecord {
  readonly id: number;
  readonly vendorType: string;
  readonly vendorId: number;
  readonly cron: string;
  readonly params: unknown;
  readonly nextRun: number;
  readonly creationTime: number;
  readonly updateTime: number;
}

export interface QueueRecord {
  readonly jobType: string;
  readonly paused: boolean;
  /** Pending tasks. */
  readonly count: number;
  /** The oldest pending task's `availableAt`, if any. */
  readonly oldestAvailableAt: number | null;
}

export interface PoolRecord {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
  readonly concurrency: number;
  readonly startAt: number;
  readonly heartbeatAt: number;
}

export interface NewExecution {
  readonly vendorType: string;
  readonly vendorId: number;
  readonly trigger: JobTrigger;
  readonly extraAttrs: JsonObject;
  /** Each task's params; an execution without tasks is created Success. */
  readonly tasks: readonly unknown[];
  /** Who asked for it (MANUAL executions): the `by` of its `execution.started` event; the engine otherwise. */
  readonly by?: Operator | undefined;
}

export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

/**
 * The job records record the engine's domain events in the outbox, in the transaction of the change they describe:
 * `execution.started` when an execution is created (also by a schedule), `execution.finished` when the execution's
 * derived status becomes final, and `schedule.updated` when an operator (`by`) creates, changes or removes a schedule.
 */
export interface JobRecords {
  createExecution(input: NewExecution, now: number): Promise<ExecutionRecord>;
  getExecution(id: number): Promise<ExecutionRecord | undefined>;
  /** Merges `attrs` into the execution's extra attributes (a job's result); false when the execution is unknown. */
  mergeExtraAttrs(id: number, attrs: JsonObject, now: number): Promise<boolean>;
  /** Newest first. */
  listExecutions(filter: {
    readonly vendorType?: string;
    readonly vendorId?: number;
    readonly page: number;
    readonly pageSize: number;
  }): Promise<Page<ExecutionRecord>>;
  getTask(id: number): Promise<TaskRecord | undefined>;
  /** In id order. */
  listTasks(executionId: number): Promise<TaskRecord[]>;
  /** Tasks Running under `holder`'s claims. */
  tasksHeldBy(holder: string): Promise<TaskRecord[]>;

  /**
   * Claims the oldest task of `vendorType` that is Pending and available, or Running under a claim that expired
   * (its node died) and not asked to stop, for `holder` until `until`: status Running, run count raised. One
   * compare-and-set; refused (undefined) when the type's queue is paused or when `concurrency` claims of the type
   * are live already (counted and claimed atomically: the type's queue row is locked on PostgreSQL).
   */
  claim(opts: {
    readonly vendorType: string;
    readonly holder: string;
    readonly now: number;
    readonly until: number;
    readonly concurrency?: number;
  }): Promise<TaskRecord | undefined>;
  /** Extends `holder`'s claim; undefined when it no longer holds the task, else whether a stop was asked. */
  renew(taskId: number, holder: string, now: number, until: number): Promise<{ stopRequested: boolean } | undefined>;
  /** Ends `holder`'s run with a final status; false when it no longer held the task. Refreshes the execution. */
  finish(taskId: number, holder: string, status: FinalStatus, now: number, message?: string): Promise<boolean>;
  /** Puts `holder`'s task back to Pending, available at `availableAt` (a retry); `uncount` also lowers the run count. */
  requeue(
    taskId: number,
    holder: string,
    opts: { readonly availableAt: number; readonly now: number; readonly message?: string; readonly uncount?: boolean },
  ): Promise<boolean>;
  /** Pending tasks become Stopped, Running ones are asked to stop; the execution is refreshed. False: unknown. */
  stopExecution(executionId: number, now: number): Promise<boolean>;
  /** Stops the pending tasks of a type (every type without one); how many. */
  stopPending(vendorType: string | undefined, now: number): Promise<number>;
  /** Running tasks asked to stop whose claim expired (their node died) become Stopped; how many. */
  stopAbandoned(now: number): Promise<number>;

  /** Appends to the task's log, keeping its newest `maxBytes` (older lines dropped behind a marker line). */
  appendLog(taskId: number, text: string, maxBytes: number): Promise<void>;
  readLog(taskId: number): Promise<string | undefined>;

  /** Creates or replaces the schedule of (vendorType, vendorId); `nextRun` kept when cron and params are unchanged. */
  upsertSchedule(
    input: {
      readonly vendorType: string;
      readonly vendorId: number;
      readonly cron: string;
      readonly params: unknown;
      readonly nextRun: number;
    },
    now: number,
    /** The operator who changed it through the API: a `schedule.updated` event is recorded (none without). */
    by?: Operator,
  ): Promise<ScheduleRecord>;
  getSchedule(vendorType: string, vendorId: number): Promise<ScheduleRecord | undefined>;
  /** Removes the schedule; with `change`, a removal records `schedule.updated` (cron null) at `change.now`. */
  deleteSchedule(
    vendorType: string,
    vendorId: number,
    change?: { readonly by: Operator; readonly now: number },
  ): Promise<boolean>;
  listSchedules(page: number, pageSize: number): Promise<Page<ScheduleRecord>>;
  dueSchedules(now: number): Promise<ScheduleRecord[]>;
  /**
   * Moves a due schedule's next run from `expected` to `next` and creates its execution (trigger SCHEDULE, one
   * task with the schedule's params) in one transaction; undefined when another node fired it first.
   */
  fireSchedule(schedule: ScheduleRecord, next: number, now: number): Promise<ExecutionRecord | undefined>;

  /** Makes sure the queue row of each type exists (not paused). */
  ensureQueues(jobTypes: readonly string[], now: number): Promise<void>;
  setPaused(jobTypes: readonly string[], paused: boolean, now: number): Promise<void>;
  isPaused(jobType: string): Promise<boolean>;
  listQueues(jobTypes: readonly string[]): Promise<QueueRecord[]>;

  heartbeatPool(pool: PoolRecord): Promise<void>;
  removePool(id: string): Promise<void>;
  /** Pools whose heartbeat is at or after `since`. */
  listPools(since: number): Promise<PoolRecord[]>;
}
