import type { EngineHealth } from '../services/health-probes.js';
import type { Logger } from 'pino';
import { InvalidError, NotFoundError } from '../domain/errors.js';
import type { Operator } from '../domain/events.js';
import type { Clock } from '../ports/clock.js';
import {
  SYSTEM_VENDOR_ID,
  type ExecutionRecord,
  type JobRecords,
  type JobTrigger,
  type JsonObject,
  type Page,
  type PoolRecord,
  type ScheduleRecord,
  type TaskRecord,
} from '../ports/jobs.js';
import { systemContext, type SecurityContext } from '../services/authenticator.js';
import { checkCron, nextRunAfter } from './cron.js';

/** The queue that stands for the scheduler: pausing it stops schedules from firing (Harbor's `SCHEDULER`). */
export const SCHEDULER_QUEUE = 'SCHEDULER';

/** Where a job writes its task's log (kept in the task's record, bounded; see JobEngineOptions.logMaxBytes). */
export interface TaskLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What a job's run function gets. */
export interface JobRunContext<P = unknown> {
  /** The task's params (JSON, as enqueued). */
  readonly params: P;
  readonly execution: ExecutionRecord;
  readonly task: TaskRecord;
  /** 1 on the first run, 2 on the first retry or takeover, … */
  readonly attempt: number;
  readonly log: TaskLogger;
  /** Aborted when the task is stopped, times out, loses its claim or the engine shuts down. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** The system's security context, naming the job type: jobs never act as a user. */
  readonly security: SecurityContext;
}

/** A job type, registered by name (its vendor type, e.g. `GARBAGE_COLLECTION`). */
export interface JobType<P = unknown> {
  readonly name: string;
  /** The work; its result is written to the task's log. Rejecting (or timing out) fails the run. */
  run(ctx: JobRunContext<P>): Promise<unknown>;
  /** At most this many tasks of the type run at once across every node (default: no limit). */
  readonly concurrency?: number;
  /** A run lasting longer is aborted and fails (default: none). */
  readonly timeoutMs?: number;
  /** Failed runs retried this many times (default 0) … */
  readonly maxRetries?: number;
  /** … after `baseMs` doubling per retry, at most `maxMs` (default 1 s and 5 min). */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
}

export interface JobEngineOptions {
  readonly records: JobRecords;
  readonly clock: Clock;
  readonly log: Logger;
  /** This process's id (unique per process): the holder of its claims and the id of its worker pool. */
  readonly node: string;
  /** Tasks this node runs at once. */
  readonly workers: number;
  /** How long a claim lasts without renewal; a dead node's tasks are taken over after it. */
  readonly claimTtlMs: number;
  /** Real-time interval of the engine's rounds (claims, renewals, stop checks, schedules). */
  readonly pollIntervalMs: number;
  /** Bytes of each task's log kept (the newest). */
  readonly logMaxBytes: number;
  readonly host?: string;
  readonly pid?: number;
}

export interface EnqueueRequest {
  readonly vendorType: string;
  /** Default -1 (a system job). */
  readonly vendorId?: number;
  /** Default MANUAL. */
  readonly trigger?: JobTrigger;
  readonly extraAttrs?: JsonObject;
  /** One task with these params, unless `tasks` gives each task's params. */
  readonly params?: unknown;
  readonly tasks?: readonly unknown[];
  /** The operator who asked for a MANUAL execution (its `execution.started` event's `by`). */
  readonly by?: Operator | undefined;
}

export interface ScheduleRequest {
  readonly vendorType: string;
  readonly vendorId?: number;
  /** Six fields, seconds first (`0 0 3 * * *`), UTC; or `@every <n>s`. */
  readonly cron: string;
  readonly params?: unknown;
  /** The operator changing it through the API: a `schedule.updated` event is recorded with the change. */
  readonly by?: Operator | undefined;
}

export interface QueueState {
  readonly jobType: string;
  /** Pending tasks. */
  readonly count: number;
  /** Seconds the oldest pending task has waited. */
  readonly latency: number;
  readonly paused: boolean;
}

export type QueueAction = 'stop' | 'pause' | 'resume';

export interface WorkerState {
  readonly id: string;
  readonly poolId: string;
  /** The running task's vendor type and id; empty when idle. */
  readonly jobName: string;
  readonly jobId: string;
  readonly startAt: number | null;
  readonly checkinAt: number | null;
}

type AbortReason = 'stop' | 'timeout' | 'lost' | 'shutdown';

interface Running {
  readonly task: TaskRecord;
  readonly type: JobType;
  readonly controller: AbortController;
  readonly startedAt: number;
  reason?: AbortReason;
  done?: Promise<void>;
}

const DEFAULT_BACKOFF = { baseMs: 1000, maxMs: 5 * 60_000 };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The one job engine (Harbor's execution/task model over ports/jobs.ts). Every node runs one: it claims tasks of
 * the types it registered (a compare-and-set on the task's row: holder and claim expiry, renewed each round),
 * runs up to `workers` at once, renews its claims, notices stops and time-outs, fires due schedules, and on
 * close aborts and releases what it runs so that another node takes it over at once. A node that dies leaves
 * claims that expire after `claimTtlMs`; another node then takes its tasks over (or marks them Stopped when a
 * stop was asked). Decisions read the clock port; only the pace of the rounds is real time.
 */
export class JobEngine {
  private readonly types = new Map<string, JobType>();
  private readonly running = new Map<number, Running>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private lastRound: { at: number; ok: boolean } | undefined;
  private queuesKnown = new Set<string>();
  private rotation = 0;
  private closed = false;
  private readonly startAt: number;

  constructor(private readonly opts: JobEngineOptions) {
    if (!(opts.workers >= 1)) throw new RangeError('a job engine needs at least one worker');
    this.startAt = opts.clock.now();
  }

  /** Registers a job type; its name must be new. */
  register<P>(type: JobType<P>): void {
    if (this.types.has(type.name) || type.name === SCHEDULER_QUEUE || type.name === 'all') {
      throw new Error(`job type ${type.name} is registered already or reserved`);
    }
    this.types.set(type.name, type);
  }

  /** The registered job types' names. */
  get jobTypes(): string[] {
    return [...this.types.keys()];
  }

  /** Creates an execution with its tasks (Pending) and returns it; a type not registered is refused. */
  async enqueue(request: EnqueueRequest): Promise<ExecutionRecord> {
    this.typeNamed(request.vendorType);
    const execution = await this.opts.records.createExecution(
      {
        vendorType: request.vendorType,
        vendorId: request.vendorId ?? SYSTEM_VENDOR_ID,
        trigger: request.trigger ?? 'MANUAL',
        extraAttrs: request.extraAttrs ?? {},
        tasks: request.tasks ?? [request.params ?? null],
        ...(request.by && { by: request.by }),
      },
      this.opts.clock.now(),
    );
    this.wake();
    return execution;
  }

  /**
   * Stops an execution: its pending tasks become Stopped at once, running ones are aborted by the node running
   * them within one round (or marked Stopped once their claim expires if that node died). Unknown: NotFoundError.
   */
  async stop(executionId: number): Promise<void> {
    if (!(await this.opts.records.stopExecution(executionId, this.opts.clock.now()))) {
      throw new NotFoundError('job', String(executionId), `execution ${executionId} not found`);
    }
    this.wake();
  }

  readonly executions = {
    get: (id: number): Promise<ExecutionRecord | undefined> => this.opts.records.getExecution(id),
    /** Merges a job's result into its execution's extra attributes (Harbor keeps GC's there). */
    annotate: (id: number, attrs: JsonObject): Promise<boolean> =>
      this.opts.records.mergeExtraAttrs(id, attrs, this.opts.clock.now()),
    list: (
      filter: { vendorType?: string; vendorId?: number; page?: number; pageSize?: number } = {},
    ): Promise<Page<ExecutionRecord>> =>
      this.opts.records.listExecutions({ ...filter, page: filter.page ?? 1, pageSize: filter.pageSize ?? 10 }),
  };

  readonly tasks = {
    get: (id: number): Promise<TaskRecord | undefined> => this.opts.records.getTask(id),
    list: (executionId: number): Promise<TaskRecord[]> => this.opts.records.listTasks(executionId),
  };

  /** A task's log (text), or undefined for an unknown task. */
  log(taskId: number): Promise<string | undefined> {
    return this.opts.records.readLog(taskId);
  }

  readonly schedules = {
    /** Creates or replaces (vendorType, vendorId)'s schedule; an unchanged one keeps its next run. */
    upsert: async (request: ScheduleRequest): Promise<ScheduleRecord> => {
      checkCron(request.cron);
      const now = this.opts.clock.now();
      return this.opts.records.upsertSchedule(
        {
          vendorType: request.vendorType,
          vendorId: request.vendorId ?? SYSTEM_VENDOR_ID,
          cron: request.cron,
          params: request.params ?? null,
          nextRun: nextRunAfter(request.cron, now),
        },
        now,
        request.by,
      );
    },
    get: (vendorType: string, vendorId: number = SYSTEM_VENDOR_ID): Promise<ScheduleRecord | undefined> =>
      this.opts.records.getSchedule(vendorType, vendorId),
    /** Removes a schedule; `by` (an operator through the API) records a `schedule.updated` event with it. */
    delete: (vendorType: string, vendorId: number = SYSTEM_VENDOR_ID, by?: Operator): Promise<boolean> =>
      this.opts.records.deleteSchedule(vendorType, vendorId, by && { by, now: this.opts.clock.now() }),
    list: (page = 1, pageSize = 10): Promise<Page<ScheduleRecord>> => this.opts.records.listSchedules(page, pageSize),
  };

  readonly queues = {
    /** Each registered type's queue, and the scheduler's. */
    list: async (): Promise<QueueState[]> => {
      const now = this.opts.clock.now();
      const queues = await this.opts.records.listQueues(this.queueNames());
      return queues.map((q) => ({
        jobType: q.jobType,
        count: q.count,
        latency: q.oldestAvailableAt === null ? 0 : Math.max(0, Math.floor((now - q.oldestAvailableAt) / 1000)),
        paused: q.paused,
      }));
    },
    /**
     * Harbor's queue actions on a type (or `all`): `stop` stops its pending tasks, `pause` keeps them from being
     * claimed (the scheduler's queue: from firing), `resume` undoes it. An unknown type: NotFoundError.
     */
    act: async (jobType: string, action: QueueAction): Promise<void> => {
      const names = jobType === 'all' ? this.queueNames() : [jobType];
      if (jobType !== 'all' && !this.queueNames().includes(jobType)) {
        throw new NotFoundError('job', jobType, `job type ${jobType} not found`);
      }
      const now = this.opts.clock.now();
      if (action === 'stop') {
        await this.opts.records.stopPending(jobType === 'all' ? undefined : jobType, now);
      } else {
        await this.opts.records.setPaused(names, action === 'pause', now);
      }
      this.wake();
    },
    /** Whether the scheduler is paused (Harbor answers this for `all` only). */
    schedulerPaused: (): Promise<boolean> => this.opts.records.isPaused(SCHEDULER_QUEUE),
  };

  /** The worker pools (one per live node). */
  pools(): Promise<PoolRecord[]> {
    return this.opts.records.listPools(this.opts.clock.now() - 3 * this.opts.claimTtlMs);
  }

  /** A pool's workers (`all`: every pool's), each with the task it runs. An unknown pool: NotFoundError. */
  async workers(poolId: string): Promise<WorkerState[]> {
    const pools = (await this.pools()).filter((p) => poolId === 'all' || p.id === poolId);
    if (pools.length === 0 && poolId !== 'all') throw new NotFoundError('job', poolId, `pool ${poolId} not found`);
    const workers: WorkerState[] = [];
    for (const pool of pools) {
      const held = await this.opts.records.tasksHeldBy(pool.id);
      for (let i = 0; i < Math.max(pool.concurrency, held.length); i++) {
        const task = held[i];
        workers.push({
          id: `${pool.id}#${i + 1}`,
          poolId: pool.id,
          jobName: task?.vendorType ?? '',
          jobId: task ? String(task.id) : '',
          startAt: task?.startTime ?? null,
          checkinAt: task ? task.updateTime : null,
        });
      }
    }
    return workers;
  }

  /**
   * For the health report: whether the rounds run (started and not closed), and when the last round ended and
   * whether it succeeded (its heartbeat, claim renewals and claims reached the database).
   */
  health(): EngineHealth {
    return {
      started: this.timer !== undefined,
      closed: this.closed,
      startAt: this.startAt,
      pollIntervalMs: this.opts.pollIntervalMs,
      lastRound: this.lastRound,
    };
  }

  /** Starts the rounds (every `pollIntervalMs`, real time). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => {
      if (!this.round) void this.tick();
    }, this.opts.pollIntervalMs);
    this.timer.unref();
    this.wake();
  }

  /**
   * One round, after any round in progress: heartbeat, renew this node's claims (aborting stopped, timed-out
   * and lost tasks), mark abandoned stopped tasks Stopped, fire due schedules, claim tasks for free workers.
   * Never throws (failures are logged). Tests call it after moving the clock.
   */
  tick(): Promise<void> {
    const next = (this.round ?? Promise.resolve()).then(() => this.oneRound());
    const mine = next.finally(() => {
      if (this.round === mine) this.round = undefined;
    });
    this.round = mine;
    return mine;
  }

  /** Resolves when no task runs on this node (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done ?? Promise.resolve()));
  }

  /** Stops the rounds, aborts and releases the tasks this node runs (another node may take them at once). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    for (const entry of this.running.values()) this.abort(entry, 'shutdown');
    await this.idle();
    await this.opts.records.removePool(this.opts.node).catch(() => undefined);
  }

  private wake(): void {
    if (this.timer && !this.round) setImmediate(() => void (this.round ?? this.tick()));
  }

  private typeNamed(name: string): JobType {
    const type = this.types.get(name);
    if (!type) throw new InvalidError('field', `unknown job type ${name}`);
    return type;
  }

  private queueNames(): string[] {
    return [...this.types.keys(), SCHEDULER_QUEUE];
  }

  private async oneRound(): Promise<void> {
    if (this.closed) return;
    const { records, clock, log } = this.opts;
    try {
      const names = this.queueNames().filter((n) => !this.queuesKnown.has(n));
      if (names.length) {
        await records.ensureQueues(names, clock.now());
        for (const n of names) this.queuesKnown.add(n);
      }
      await records.heartbeatPool({
        id: this.opts.node,
        pid: this.opts.pid ?? process.pid,
        host: this.opts.host ?? '',
        concurrency: this.opts.workers,
        startAt: this.startAt,
        heartbeatAt: clock.now(),
      });
      await this.renewClaims();
      await records.stopAbandoned(clock.now());
      await this.fireSchedules();
      await this.claimTasks();
      this.lastRound = { at: clock.now(), ok: true };
    } catch (err) {
      this.lastRound = { at: clock.now(), ok: false };
      log.warn({ err }, 'a job engine round failed; retrying at the next');
    }
  }

  private async renewClaims(): Promise<void> {
    const { records, clock, node, claimTtlMs } = this.opts;
    for (const entry of [...this.running.values()]) {
      if (entry.reason) continue;
      const now = clock.now();
      const renewed = await records.renew(entry.task.id, node, now, now + claimTtlMs);
      if (!renewed) this.abort(entry, 'lost');
      else if (renewed.stopRequested) this.abort(entry, 'stop');
      else if (entry.type.timeoutMs !== undefined && now - entry.startedAt >= entry.type.timeoutMs) {
        this.abort(entry, 'timeout');
      }
    }
  }

  private async fireSchedules(): Promise<void> {
    const { records, clock, log } = this.opts;
    if (await records.isPaused(SCHEDULER_QUEUE)) return;
    const now = clock.now();
    for (const schedule of await records.dueSchedules(now)) {
      if (!this.types.has(schedule.vendorType)) continue;
      let next: number;
      try {
        next = nextRunAfter(schedule.cron, now);
      } catch (err) {
        log.warn({ err, schedule: schedule.id }, 'a schedule has an invalid cron; skipped');
        continue;
      }
      const execution = await records.fireSchedule(schedule, next, now);
      if (execution) log.debug({ job: schedule.vendorType, execution: execution.id }, 'schedule fired');
    }
  }

  private async claimTasks(): Promise<void> {
    const { records, clock, node, claimTtlMs } = this.opts;
    const names = [...this.types.keys()];
    while (this.running.size < this.opts.workers && !this.closed) {
      let claimed: TaskRecord | undefined;
      for (let i = 0; i < names.length && !claimed; i++) {
        const type = this.types.get(names[(this.rotation + i) % names.length]!)!;
        const now = clock.now();
        claimed = await records.claim({
          vendorType: type.name,
          holder: node,
          now,
          until: now + claimTtlMs,
          concurrency: type.concurrency,
        });
        if (claimed) this.rotation = (this.rotation + i + 1) % names.length;
      }
      if (!claimed) return;
      await this.startTask(claimed);
    }
  }

  private abort(entry: Running, reason: AbortReason): void {
    if (entry.reason) return;
    entry.reason = reason;
    entry.controller.abort(new Error(`task ${entry.task.id}: ${reason}`));
  }

  /** Starts running a claimed task; resolves once its run function was called. */
  private startTask(task: TaskRecord): Promise<void> {
    const { records, clock, log, node } = this.opts;
    const type = this.typeNamed(task.vendorType);
    const entry: Running = { task, type, controller: new AbortController(), startedAt: clock.now() };
    this.running.set(task.id, entry);
    const logger = new BufferedTaskLog(records, task.id, clock, this.opts.logMaxBytes, log);
    let launched!: () => void;
    const launching = new Promise<void>((resolve) => (launched = resolve));
    entry.done = (async () => {
      const execution = await records.getExecution(task.executionId);
      const signal = entry.controller.signal;
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      );
      aborted.catch(() => undefined);
      let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
      try {
        logger.info(`run ${task.runCount} of task ${task.id} (${type.name}) on ${node}`);
        const work = (async () =>
          type.run({
            params: task.params,
            execution: execution!,
            task,
            attempt: task.runCount,
            log: logger,
            signal,
            clock,
            security: systemContext(type.name),
          }))();
        // A job that ignores its signal is left behind: the task ends as the abort says.
        work.catch(() => undefined);
        launched();
        outcome = { ok: true, value: await Promise.race([work, aborted]) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      await this.settle(entry, outcome, logger).catch((err: unknown) =>
        log.warn({ err, task: task.id }, 'recording the end of a task failed; its claim will expire'),
      );
      this.running.delete(task.id);
      launched();
      if (!this.closed) this.wake();
    })();
    return launching;
  }

  private async settle(
    entry: Running,
    outcome: { ok: true; value: unknown } | { ok: false; error: unknown },
    logger: BufferedTaskLog,
  ): Promise<void> {
    const { records, clock, log, node } = this.opts;
    const { task, type } = entry;
    const now = () => clock.now();
    const finish = async (status: 'Success' | 'Error' | 'Stopped', message?: string) => {
      await logger.close();
      await records.finish(task.id, node, status, now(), message);
      log.info({ job: type.name, task: task.id, status, ms: now() - entry.startedAt }, 'job finished');
    };
    switch (entry.reason) {
      case 'lost':
        logger.warn('the claim was lost (another node took the task over); this run ends');
        await logger.close();
        return;
      case 'shutdown':
        logger.info('released: the node is shutting down');
        await logger.close();
        await records.requeue(task.id, node, { availableAt: now(), now: now(), uncount: true });
        return;
      case 'stop':
        logger.info('stopped');
        return finish('Stopped');
      case 'timeout':
      case undefined:
        break;
    }
    if (outcome.ok && entry.reason === undefined) {
      logger.info(`done: ${JSON.stringify(outcome.value ?? null)}`);
      return finish('Success');
    }
    const message =
      entry.reason === 'timeout'
        ? `timed out after ${type.timeoutMs} ms`
        : messageOf(outcome.ok ? 'aborted' : outcome.error);
    const maxRetries = type.maxRetries ?? 0;
    if (task.runCount <= maxRetries) {
      const backoff = type.backoff ?? DEFAULT_BACKOFF;
      const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (task.runCount - 1));
      logger.warn(`failed: ${message}; retry ${task.runCount} of ${maxRetries} in ${delay} ms`);
      await logger.close();
      await records.requeue(task.id, node, { availableAt: now() + delay, now: now(), message });
      return;
    }
    logger.error(`failed: ${message}`);
    return finish('Error', message);
  }
}

/** A task's log: lines stamped from the clock, written in the background in order, batched while a write runs. */
class BufferedTaskLog implements TaskLogger {
  private buffer = '';
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly records: JobRecords,
    private readonly taskId: number,
    private readonly clock: Clock,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {}

  info(message: string): void {
    this.line('INFO', message);
  }

  warn(message: string): void {
    this.line('WARNING', message);
  }

  error(message: string): void {
    this.line('ERROR', message);
  }

  /** Writes what is buffered; later lines are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await this.writing;
  }

  private line(level: string, message: string): void {
    if (this.closed) return;
    this.buffer += `${new Date(this.clock.now()).toISOString()} [${level}] ${message}\n`;
    this.flush();
  }

  private flush(): void {
    this.writing = this.writing.then(async () => {
      if (!this.buffer) return;
      const text = this.buffer;
      this.buffer = '';
      await this.records
        .appendLog(this.taskId, text, this.maxBytes)
        .catch((err: unknown) => this.log.warn({ err, task: this.taskId }, 'writing a task log failed'));
    });
  }
}
