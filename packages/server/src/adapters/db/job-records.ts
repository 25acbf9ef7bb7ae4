import type { Kysely } from 'kysely';
import { systemOperator, type DomainEvent, type Operator } from '../../domain/events.js';
import type {
  ExecutionRecord,
  FinalStatus,
  JsonObject,
  JobRecords,
  JobStatus,
  NewExecution,
  Page,
  PoolRecord,
  QueueRecord,
  ScheduleRecord,
  TaskRecord,
} from '../../ports/jobs.js';
import type { Database, SqlDialect } from './database.js';
import { mergeExecutionAttrs } from './job-execution-attrs.js';
import { executionFinished, recordJobEvents } from './job-events.js';
import { KyselyJobSchedules } from './job-schedule-records.js';
import {
  boundLog,
  claimable,
  executionOf,
  executionStatusOf,
  isFinal,
  MAX_MESSAGE_CHARS,
  poolOf,
  TASK_COLUMNS,
  taskOf,
  type Db,
} from './job-rows.js';

export class KyselyJobRecords implements JobRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {
    this.schedules = new KyselyJobSchedules(db, dialect);
  }

  private readonly schedules: KyselyJobSchedules;

  async createExecution(input: NewExecution, now: number): Promise<ExecutionRecord> {
    return this.db.transaction().execute((tx) => this.insertExecution(tx, input, now));
  }

  private async insertExecution(tx: Db, input: NewExecution, now: number): Promise<ExecutionRecord> {
    const empty = input.tasks.length === 0;
    const row = await tx
      .insertInto('job_executions')
      .values({
        vendor_type: input.vendorType,
        vendor_id: input.vendorId,
        status: empty ? 'Success' : 'Pending',
        status_message: null,
        trigger: input.trigger,
        extra_attrs: JSON.stringify(input.extraAttrs),
        start_time: now,
        end_time: empty ? now : null,
        update_time: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const execution = executionOf(row);
    const vendorId = input.vendorId === -1 ? {} : { vendorId: input.vendorId };
    const by = input.by ?? systemOperator(input.vendorType);
    const started: DomainEvent = {
      type: 'execution.started',
      executionId: execution.id,
      vendorType: input.vendorType,
      ...vendorId,
      trigger: input.trigger,
      at: now,
      by,
    };
    await recordJobEvents(tx, this.dialect, empty ? [started, executionFinished(execution, by)] : [started]);
    const CHUNK = 200;
    for (let i = 0; i < input.tasks.length; i += CHUNK) {
      await tx
        .insertInto('job_tasks')
        .values(
          input.tasks.slice(i, i + CHUNK).map((params) => ({
            execution_id: execution.id,
            vendor_type: input.vendorType,
            status: 'Pending',
            params: JSON.stringify(params ?? null),
            available_at: now,
            creation_time: now,
            update_time: now,
          })),
        )
        .execute();
    }
    return execution;
  }

  async getExecution(id: number): Promise<ExecutionRecord | undefined> {
    const row = await this.db.selectFrom('job_executions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && executionOf(row);
  }

  mergeExtraAttrs(id: number, attrs: JsonObject, now: number): Promise<boolean> {
    return mergeExecutionAttrs(this.db, this.dialect, id, attrs, now);
  }

  async listExecutions(filter: {
    vendorType?: string;
    vendorId?: number;
    page: number;
    pageSize: number;
  }): Promise<Page<ExecutionRecord>> {
    let query = this.db.selectFrom('job_executions');
    if (filter.vendorType !== undefined) query = query.where('vendor_type', '=', filter.vendorType);
    if (filter.vendorId !== undefined) query = query.where('vendor_id', '=', filter.vendorId);
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await query
      .selectAll()
      .orderBy('id', 'desc')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute();
    return { items: rows.map(executionOf), total: Number(total?.n ?? 0) };
  }

  async getTask(id: number): Promise<TaskRecord | undefined> {
    const row = await this.db.selectFrom('job_tasks').select(TASK_COLUMNS).where('id', '=', id).executeTakeFirst();
    return row && taskOf(row);
  }

  async listTasks(executionId: number): Promise<TaskRecord[]> {
    const rows = await this.db
      .selectFrom('job_tasks')
      .select(TASK_COLUMNS)
      .where('execution_id', '=', executionId)
      .orderBy('id')
      .execute();
    return rows.map(taskOf);
  }

  async tasksHeldBy(holder: string): Promise<TaskRecord[]> {
    const rows = await this.db
      .selectFrom('job_tasks')
      .select(TASK_COLUMNS)
      .where('holder', '=', holder)
      .where('status', '=', 'Running')
      .orderBy('id')
      .execute();
    return rows.map(taskOf);
  }

  async claim(opts: {
    vendorType: string;
    holder: string;
    now: number;
    until: number;
    concurrency?: number;
  }): Promise<TaskRecord | undefined> {
    const { vendorType, holder, now, until } = opts;
    return this.db.transaction().execute(async (tx) => {
      // The type's queue row serialises claims of the type across nodes (PostgreSQL: a row lock held to commit;
      // SQLite: one writer at a time), so counting live claims and claiming are atomic together.
      let queue = tx.selectFrom('job_queues').select('paused').where('job_type', '=', vendorType);
      if (this.dialect === 'postgres') queue = queue.forUpdate();
      const row = await queue.executeTakeFirst();
      if (row && Number(row.paused) === 1) return undefined;
      if (opts.concurrency !== undefined) {
        const live = await tx
          .selectFrom('job_tasks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('vendor_type', '=', vendorType)
          .where('status', '=', 'Running')
          .where('claim_until', '>', now)
          .executeTakeFirst();
        if (Number(live?.n ?? 0) >= opts.concurrency) return undefined;
      }
      let candidates = tx
        .selectFrom('job_tasks')
        .select('id')
        .where('vendor_type', '=', vendorType)
        .where((eb) => claimable(eb, now))
        .orderBy('available_at')
        .orderBy('id')
        .limit(1);
      if (this.dialect === 'postgres') candidates = candidates.forUpdate().skipLocked();
      const candidate = await candidates.executeTakeFirst();
      if (!candidate) return undefined;
      const claimed = await tx
        .updateTable('job_tasks')
        .set((eb) => ({
          status: 'Running',
          status_message: null,
          holder,
          claim_until: until,
          run_count: eb('run_count', '+', 1),
          start_time: now,
          end_time: null,
          update_time: now,
        }))
        .where('id', '=', candidate.id)
        .where((eb) => claimable(eb, now))
        .returning(TASK_COLUMNS)
        .executeTakeFirst();
      if (!claimed) return undefined;
      await this.refreshExecution(tx, Number(claimed.execution_id), now);
      return taskOf(claimed);
    });
  }

  async renew(
    taskId: number,
    holder: string,
    now: number,
    until: number,
  ): Promise<{ stopRequested: boolean } | undefined> {
    const row = await this.db
      .updateTable('job_tasks')
      .set({ claim_until: until, update_time: now })
      .where('id', '=', taskId)
      .where('holder', '=', holder)
      .where('status', '=', 'Running')
      .returning('stop_requested')
      .executeTakeFirst();
    return row && { stopRequested: Number(row.stop_requested) === 1 };
  }

  async finish(taskId: number, holder: string, status: FinalStatus, now: number, message?: string): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('job_tasks')
        .set({
          status,
          status_message: message?.slice(0, MAX_MESSAGE_CHARS) ?? null,
          holder: null,
          claim_until: null,
          end_time: now,
          update_time: now,
        })
        .where('id', '=', taskId)
        .where('holder', '=', holder)
        .where('status', '=', 'Running')
        .returning('execution_id')
        .executeTakeFirst();
      if (!row) return false;
      await this.refreshExecution(tx, Number(row.execution_id), now);
      return true;
    });
  }

  async requeue(
    taskId: number,
    holder: string,
    opts: { availableAt: number; now: number; message?: string; uncount?: boolean },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable('job_tasks')
        .set((eb) => ({
          status: 'Pending',
          status_message: opts.message?.slice(0, MAX_MESSAGE_CHARS) ?? null,
          holder: null,
          claim_until: null,
          available_at: opts.availableAt,
          update_time: opts.now,
          ...(opts.uncount ? { run_count: eb('run_count', '-', 1) } : {}),
        }))
        .where('id', '=', taskId)
        .where('holder', '=', holder)
        .where('status', '=', 'Running')
        .returning(['execution_id', 'stop_requested'])
        .executeTakeFirst();
      if (!row) return false;
      // A stop asked meanwhile wins over the retry.
      if (Number(row.stop_requested) === 1) {
        await tx
          .updateTable('job_tasks')
          .set({ status: 'Stopped', end_time: opts.now })
          .where('id', '=', taskId)
          .execute();
      }
      await this.refreshExecution(tx, Number(row.execution_id), opts.now);
      return true;
    });
  }

  async stopExecution(executionId: number, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const execution = await tx
        .selectFrom('job_executions')
        .select('id')
        .where('id', '=', executionId)
        .executeTakeFirst();
      if (!execution) return false;
      await tx
        .updateTable('job_tasks')
        .set({ status: 'Stopped', end_time: now, update_time: now, stop_requested: 1 })
        .where('execution_id', '=', executionId)
        .where('status', '=', 'Pending')
        .execute();
      await tx
        .updateTable('job_tasks')
        .set({ stop_requested: 1, update_time: now })
        .where('execution_id', '=', executionId)
        .where('status', '=', 'Running')
        .execute();
      await this.refreshExecution(tx, executionId, now);
      return true;
    });
  }

  async stopPending(vendorType: string | undefined, now: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      let query = tx
        .updateTable('job_tasks')
        .set({ status: 'Stopped', end_time: now, update_time: now, stop_requested: 1 })
        .where('status', '=', 'Pending');
      if (vendorType !== undefined) query = query.where('vendor_type', '=', vendorType);
      const rows = await query.returning('execution_id').execute();
      for (const id of new Set(rows.map((r) => Number(r.execution_id)))) await this.refreshExecution(tx, id, now);
      return rows.length;
    });
  }

  async stopAbandoned(now: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const rows = await tx
        .updateTable('job_tasks')
        .set({ status: 'Stopped', holder: null, claim_until: null, end_time: now, update_time: now })
        .where('status', '=', 'Running')
        .where('stop_requested', '=', 1)
        .where('claim_until', '<=', now)
        .returning('execution_id')
        .execute();
      for (const id of new Set(rows.map((r) => Number(r.execution_id)))) await this.refreshExecution(tx, id, now);
      return rows.length;
    });
  }

  /** Derives the execution's status from its tasks' (Harbor's rule), with its end time once final. */
  private async refreshExecution(tx: Db, executionId: number, now: number): Promise<void> {
    // Lock the execution first (PostgreSQL): two tasks ending at once would otherwise each count the other as
    // still running. Every transaction takes it last, after its task rows, so the order cannot deadlock; the count
    // that follows is a new snapshot (read committed) that sees what the lock waited for.
    if (this.dialect === 'postgres') {
      await tx.selectFrom('job_executions').select('id').where('id', '=', executionId).forUpdate().execute();
    }
    const rows = await tx
      .selectFrom('job_tasks')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('execution_id', '=', executionId)
      .groupBy('status')
      .execute();
    if (rows.length === 0) return;
    const counts: Partial<Record<JobStatus, number>> = {};
    for (const row of rows) counts[row.status as JobStatus] = Number(row.n);
    const status = executionStatusOf(counts);
    const changed = await tx
      .updateTable('job_executions')
      .set({ status, end_time: isFinal(status) ? now : null, update_time: now })
      .where('id', '=', executionId)
      .where((eb) => eb.or([eb('status', '!=', status), eb('end_time', 'is', null)]))
      .returningAll()
      .executeTakeFirst();
    // Recorded once: a final status is never updated again (its end time is set).
    if (changed && isFinal(status)) {
      const execution = executionOf(changed);
      await recordJobEvents(tx, this.dialect, [executionFinished(execution, systemOperator(execution.vendorType))]);
    }
  }

  async appendLog(taskId: number, text: string, maxBytes: number): Promise<void> {
    // Only the task's holder writes its log, so reading and writing back is not a lost update.
    const row = await this.db.selectFrom('job_tasks').select('log').where('id', '=', taskId).executeTakeFirst();
    if (!row) return;
    await this.db
      .updateTable('job_tasks')
      .set({ log: boundLog(row.log + text, maxBytes) })
      .where('id', '=', taskId)
      .execute();
  }

  async readLog(taskId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('job_tasks').select('log').where('id', '=', taskId).executeTakeFirst();
    return row?.log;
  }

  upsertSchedule(
    input: { vendorType: string; vendorId: number; cron: string; params: unknown; nextRun: number },
    now: number,
    by?: Operator,
  ): Promise<ScheduleRecord> {
    return this.schedules.upsert(input, now, by);
  }

  getSchedule(vendorType: string, vendorId: number): Promise<ScheduleRecord | undefined> {
    return this.schedules.get(vendorType, vendorId);
  }

  deleteSchedule(vendorType: string, vendorId: number, change?: { by: Operator; now: number }): Promise<boolean> {
    return this.schedules.delete(vendorType, vendorId, change);
  }

  listSchedules(page: number, pageSize: number): Promise<Page<ScheduleRecord>> {
    return this.schedules.list(page, pageSize);
  }

  dueSchedules(now: number): Promise<ScheduleRecord[]> {
    return this.schedules.due(now);
  }

  async fireSchedule(schedule: ScheduleRecord, next: number, now: number): Promise<ExecutionRecord | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const moved = await tx
        .updateTable('job_schedules')
        .set({ next_run: next })
        .where('id', '=', schedule.id)
        .where('next_run', '=', schedule.nextRun)
        .executeTakeFirst();
      if (moved.numUpdatedRows === 0n) return undefined;
      return this.insertExecution(
        tx,
        {
          vendorType: schedule.vendorType,
          vendorId: schedule.vendorId,
          trigger: 'SCHEDULE',
          extraAttrs: {},
          tasks: [schedule.params],
        },
        now,
      );
    });
  }

  async ensureQueues(jobTypes: readonly string[], now: number): Promise<void> {
    if (jobTypes.length === 0) return;
    await this.db
      .insertInto('job_queues')
      .values(jobTypes.map((job_type) => ({ job_type, paused: 0 as const, update_time: now })))
      .onConflict((oc) => oc.column('job_type').doNothing())
      .execute();
  }

  async setPaused(jobTypes: readonly string[], paused: boolean, now: number): Promise<void> {
    if (jobTypes.length === 0) return;
    await this.ensureQueues(jobTypes, now);
    await this.db
      .updateTable('job_queues')
      .set({ paused: paused ? 1 : 0, update_time: now })
      .where('job_type', 'in', jobTypes)
      .execute();
  }

  async isPaused(jobType: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('job_queues')
      .select('paused')
      .where('job_type', '=', jobType)
      .executeTakeFirst();
    return Number(row?.paused ?? 0) === 1;
  }

  async listQueues(jobTypes: readonly string[]): Promise<QueueRecord[]> {
    if (jobTypes.length === 0) return [];
    const queues = await this.db
      .selectFrom('job_queues')
      .select(['job_type', 'paused'])
      .where('job_type', 'in', jobTypes)
      .execute();
    const pending = await this.db
      .selectFrom('job_tasks')
      .select(['vendor_type', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('available_at').as('oldest')])
      .where('status', '=', 'Pending')
      .where('vendor_type', 'in', jobTypes)
      .groupBy('vendor_type')
      .execute();
    const paused = new Map(queues.map((q) => [q.job_type, Number(q.paused) === 1]));
    const counts = new Map(pending.map((p) => [p.vendor_type, p]));
    return jobTypes.map((jobType) => {
      const p = counts.get(jobType);
      return {
        jobType,
        paused: paused.get(jobType) ?? false,
        count: Number(p?.n ?? 0),
        oldestAvailableAt: p?.oldest == null ? null : Number(p.oldest),
      };
    });
  }

  async heartbeatPool(pool: PoolRecord): Promise<void> {
    await this.db
      .insertInto('job_pools')
      .values({
        id: pool.id,
        pid: pool.pid,
        host: pool.host,
        concurrency: pool.concurrency,
        start_at: pool.startAt,
        heartbeat_at: pool.heartbeatAt,
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: pool.heartbeatAt }))
      .execute();
  }

  async removePool(id: string): Promise<void> {
    await this.db.deleteFrom('job_pools').where('id', '=', id).execute();
  }

  async listPools(since: number): Promise<PoolRecord[]> {
    const rows = await this.db
      .selectFrom('job_pools')
      .selectAll()
      .where('heartbeat_at', '>=', since)
      .orderBy('start_at')
      .execute();
    return rows.map(poolOf);
  }
}
