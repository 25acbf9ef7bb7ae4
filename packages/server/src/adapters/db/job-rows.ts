/** Rows of the job tables (migration 0009-jobs) and the rules the job records apply to them. */
import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool, Transaction } from 'kysely';
import type {
  ExecutionRecord,
  JobStatus,
  JobTrigger,
  PoolRecord,
  ScheduleRecord,
  TaskRecord,
} from '../../ports/jobs.js';
import type { Database, JobExecutionsTable, JobPoolsTable, JobSchedulesTable, JobTasksTable } from './database.js';

/** Status messages are cut to this many characters. */
export const MAX_MESSAGE_CHARS = 2000;
/** The line that stands for the lines a bounded log dropped. */
export const LOG_TRUNCATED_MARKER = '[… older lines dropped …]\n';

export type Db = Kysely<Database> | Transaction<Database>;

export function executionOf(row: Selectable<JobExecutionsTable>): ExecutionRecord {
  return {
    id: Number(row.id),
    vendorType: row.vendor_type,
    vendorId: Number(row.vendor_id),
    status: row.status as JobStatus,
    statusMessage: row.status_message,
    trigger: row.trigger as JobTrigger,
    extraAttrs: JSON.parse(row.extra_attrs) as Record<string, unknown>,
    startTime: Number(row.start_time),
    endTime: row.end_time === null ? null : Number(row.end_time),
    updateTime: Number(row.update_time),
  };
}

export type TaskRow = Omit<Selectable<JobTasksTable>, 'log'>;
export const TASK_COLUMNS = [
  'id',
  'execution_id',
  'vendor_type',
  'status',
  'status_message',
  'params',
  'run_count',
  'available_at',
  'holder',
  'claim_until',
  'stop_requested',
  'creation_time',
  'start_time',
  'end_time',
  'update_time',
] as const;

export function taskOf(row: TaskRow): TaskRecord {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: Number(row.id),
    executionId: Number(row.execution_id),
    vendorType: row.vendor_type,
    status: row.status as JobStatus,
    statusMessage: row.status_message,
    params: JSON.parse(row.params) as unknown,
    runCount: Number(row.run_count),
    availableAt: Number(row.available_at),
    holder: row.holder,
    claimUntil: num(row.claim_until),
    stopRequested: Number(row.stop_requested) === 1,
    creationTime: Number(row.creation_time),
    startTime: num(row.start_time),
    endTime: num(row.end_time),
    updateTime: Number(row.update_time),
  };
}

export function scheduleOf(row: Selectable<JobSchedulesTable>): ScheduleRecord {
  return {
    id: Number(row.id),
    vendorType: row.vendor_type,
    vendorId: Number(row.vendor_id),
    cron: row.cron,
    params: JSON.parse(row.params) as unknown,
    nextRun: Number(row.next_run),
    creationTime: Number(row.creation_time),
    updateTime: Number(row.update_time),
  };
}

/**
 * Harbor's rule for an execution's status from its tasks' (`src/pkg/task/dao/execution.go`): Running while a task
 * runs, or while some are pending and others ended; Pending when all are pending; then Error, Stopped, Success by
 * precedence once all ended.
 */
export function executionStatusOf(counts: Readonly<Partial<Record<JobStatus, number>>>): JobStatus {
  const n = (s: JobStatus) => counts[s] ?? 0;
  const ended = n('Stopped') + n('Error') + n('Success');
  if (n('Running') > 0 || (n('Pending') > 0 && ended > 0)) return 'Running';
  if (n('Pending') > 0) return 'Pending';
  if (n('Error') > 0) return 'Error';
  if (n('Stopped') > 0) return 'Stopped';
  return 'Success';
}

export function isFinal(status: JobStatus): boolean {
  return status === 'Stopped' || status === 'Error' || status === 'Success';
}

/** Keeps the newest `maxBytes` of a log, cut at a line start, behind the marker. */
export function boundLog(log: string, maxBytes: number): string {
  if (Buffer.byteLength(log) <= maxBytes) return log;
  const bytes = Buffer.from(log);
  const budget = Math.max(0, maxBytes - Buffer.byteLength(LOG_TRUNCATED_MARKER));
  let tail = bytes.subarray(bytes.length - budget).toString('utf8');
  // A cut inside a character leaves a replacement character first; a cut inside a line drops that line's rest.
  const newline = tail.indexOf('\n');
  tail = newline >= 0 ? tail.slice(newline + 1) : '';
  return LOG_TRUNCATED_MARKER + tail;
}

export function poolOf(row: Selectable<JobPoolsTable>): PoolRecord {
  return {
    id: row.id,
    pid: Number(row.pid),
    host: row.host,
    concurrency: Number(row.concurrency),
    startAt: Number(row.start_at),
    heartbeatAt: Number(row.heartbeat_at),
  };
}

/** A task a claim may take: pending and available, or running under an expired claim and not asked to stop. */
export function claimable(eb: ExpressionBuilder<Database, 'job_tasks'>, now: number): Expression<SqlBool> {
  return eb.or([
    eb.and([eb('status', '=', 'Pending'), eb('available_at', '<=', now)]),
    eb.and([eb('status', '=', 'Running'), eb('claim_until', '<=', now), eb('stop_requested', '=', 0)]),
  ]);
}
