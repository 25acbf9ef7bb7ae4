import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js';
import type { JobEngine, JobType } from '../jobs/engine.js';
import type { ExecutionRecord, Page, ScheduleRecord } from '../ports/jobs.js';
import type { AuditRecords } from '../ports/audit-records.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';

/** Harbor's vendor type of audit log purges. */
export const PURGE_AUDIT_JOB = 'PURGE_AUDIT_LOG';

/** Harbor's purge parameters. */
export interface PurgeAuditParams {
  /** Records older than this many hours are purged. */
  readonly audit_retention_hour: number;
  /** Comma-separated event types purged (Harbor: none when empty). */
  readonly include_event_types: string;
  readonly dry_run: boolean;
}

const PRESETS: Readonly<Record<'Hourly' | 'Daily' | 'Weekly', string>> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};

/** The parameters of a request or a schedule, checked; Harbor's defaults (30 days, every type, not dry). */
export function purgeParams(raw: unknown, known: readonly string[]): PurgeAuditParams {
  const p = (raw ?? {}) as Record<string, unknown>;
  const hours = p.audit_retention_hour ?? 24 * 30;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0 || hours > 24 * 365 * 100) {
    throw new InvalidError('field', 'audit_retention_hour must be a whole number of hours');
  }
  const include = p.include_event_types ?? known.join(',');
  if (typeof include !== 'string') throw new InvalidError('field', 'include_event_types must be a string');
  const types = include
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  const dry = p.dry_run ?? false;
  if (typeof dry !== 'boolean') throw new InvalidError('field', 'dry_run must be true or false');
  return { audit_retention_hour: hours, include_event_types: types.join(','), dry_run: dry };
}

/** The job: deletes (or counts, in a dry run) the records older than the retention of the included types. */
export function purgeAuditJob(records: AuditRecords, engine: JobEngine, known: readonly string[]): JobType {
  return {
    name: PURGE_AUDIT_JOB,
    concurrency: 1,
    run: async ({ params, execution, clock, log }) => {
      const p = purgeParams(params, known);
      await engine.executions.annotate(execution.id, { ...p });
      const before = clock.now() - p.audit_retention_hour * 3_600_000;
      const types = p.include_event_types === '' ? [] : p.include_event_types.split(',');
      const purged = await records.purge(before, types, p.dry_run);
      log.info(
        `${p.dry_run ? 'dry run: would purge' : 'purged'} ${purged} audit records older than ` +
          `${new Date(before).toISOString()} (${p.audit_retention_hour} h) of types ${types.join(', ') || '(none)'}`,
      );
      await engine.executions.annotate(execution.id, { purged });
      return { purged, dry_run: p.dry_run };
    },
  };
}

/**
 * Harbor's `/system/purgeaudit` over the job engine: the purge executions (history, one, its log, stop) and the
 * schedule, authorised on the system resource `purge-audit` as Harbor does (system administrators and system robots
 * granted it).
 */
export class PurgeAuditService {
  constructor(
    private readonly engine: JobEngine,
    private readonly known: readonly string[],
  ) {}

  mayChangeSchedule(ctx: SecurityContext, action: 'create' | 'update'): void {
    authorize(ctx, undefined, 'purge-audit', action);
  }

  history(ctx: SecurityContext, page: number, pageSize: number): Promise<Page<ExecutionRecord>> {
    authorize(ctx, undefined, 'purge-audit', 'list');
    return this.engine.executions.list({ vendorType: PURGE_AUDIT_JOB, page, pageSize });
  }

  async get(ctx: SecurityContext, id: number): Promise<ExecutionRecord> {
    authorize(ctx, undefined, 'purge-audit', 'read');
    return this.execution(id);
  }

  async log(ctx: SecurityContext, id: number): Promise<string> {
    authorize(ctx, undefined, 'purge-audit', 'read');
    await this.execution(id);
    const [task] = await this.engine.tasks.list(id);
    return (task && (await this.engine.log(task.id))) ?? '';
  }

  async stop(ctx: SecurityContext, id: number): Promise<void> {
    authorize(ctx, undefined, 'purge-audit', 'stop');
    await this.execution(id);
    await this.engine.stop(id);
  }

  async schedule(ctx: SecurityContext): Promise<(ScheduleRecord & { type: string }) | undefined> {
    authorize(ctx, undefined, 'purge-audit', 'read');
    const schedule = await this.engine.schedules.get(PURGE_AUDIT_JOB);
    if (!schedule) return undefined;
    const preset = (Object.keys(PRESETS) as Array<keyof typeof PRESETS>).find((t) => PRESETS[t] === schedule.cron);
    return { ...schedule, type: preset ?? 'Custom' };
  }

  /** `Manual` purges now (409 while one is pending or running); `None` removes the schedule; others set it. */
  async setSchedule(
    ctx: SecurityContext,
    action: 'create' | 'update',
    request: { type: string; cron?: string | undefined; parameters?: unknown },
  ): Promise<ExecutionRecord | undefined> {
    authorize(ctx, undefined, 'purge-audit', action);
    const params = purgeParams(request.parameters, this.known);
    const by = operatorOf(ctx);
    switch (request.type) {
      case 'Manual': {
        const { items } = await this.engine.executions.list({ vendorType: PURGE_AUDIT_JOB, page: 1, pageSize: 1 });
        if (items[0] && (items[0].status === 'Running' || items[0].status === 'Pending')) {
          throw new ConflictError(`an audit log purge is running (execution ${items[0].id})`);
        }
        return this.engine.enqueue({
          vendorType: PURGE_AUDIT_JOB,
          trigger: 'MANUAL',
          params,
          extraAttrs: { ...params },
          by,
        });
      }
      case 'None':
        await this.engine.schedules.delete(PURGE_AUDIT_JOB, undefined, by);
        return undefined;
      case 'Hourly':
      case 'Daily':
      case 'Weekly':
      case 'Custom':
      case 'Schedule': {
        const cron = request.cron?.trim() || PRESETS[request.type as keyof typeof PRESETS];
        if (!cron) throw new InvalidError('field', 'empty cron string for the purge schedule');
        await this.engine.schedules.upsert({ vendorType: PURGE_AUDIT_JOB, cron, params, by });
        return undefined;
      }
      default:
        throw new InvalidError('field', `invalid schedule type ${JSON.stringify(request.type)}`);
    }
  }

  private async execution(id: number): Promise<ExecutionRecord> {
    const execution = Number.isSafeInteger(id) && id > 0 ? await this.engine.executions.get(id) : undefined;
    if (!execution || execution.vendorType !== PURGE_AUDIT_JOB) {
      throw new NotFoundError('job', String(id), `audit log purge ${id} not found`);
    }
    return execution;
  }
}
