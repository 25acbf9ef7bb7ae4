import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js';
import type { JobEngine } from '../jobs/engine.js';
import type { ExecutionRecord, Page, ScheduleRecord } from '../ports/jobs.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import { GC_JOB, gcParams } from './gc-job.js';

/** Harbor's schedule types (ScheduleObj.type) for GC. */
export type GcScheduleType = 'Manual' | 'Hourly' | 'Daily' | 'Weekly' | 'Custom' | 'Schedule' | 'None';

/** The crons Harbor's portal sends for the fixed types (six fields, seconds first, UTC). */
const PRESETS: Readonly<Record<'Hourly' | 'Daily' | 'Weekly', string>> = {
  Hourly: '0 0 * * * *',
  Daily: '0 0 0 * * *',
  Weekly: '0 0 0 * * 0',
};

export interface GcScheduleRequest {
  readonly type: string;
  readonly cron?: string;
  readonly parameters?: unknown;
}

/** A GC schedule with the type its cron stands for (a preset's type, else `Custom`). */
export interface GcSchedule extends ScheduleRecord {
  readonly type: GcScheduleType;
}

/**
 * Harbor's `/system/gc` over the job engine: the GC executions (history, one, its log, stop) and the GC schedule,
 * each call authorised on the system resource `garbage-collection` as Harbor does (`list` the history, `read` one,
 * its log and the schedule, `stop`, `create` and `update` the schedule): system administrators, and system robot
 * accounts granted those.
 */
export class GcService {
  constructor(
    private readonly engine: JobEngine,
    private readonly opts: { readonly defaultTimeWindowSeconds: number },
  ) {}

  /** Authorises a schedule change before its body is read, so callers without the permission learn nothing of it. */
  mayChangeSchedule(ctx: SecurityContext, action: 'create' | 'update'): void {
    authorize(ctx, undefined, 'garbage-collection', action);
  }

  history(ctx: SecurityContext, page: number, pageSize: number): Promise<Page<ExecutionRecord>> {
    authorize(ctx, undefined, 'garbage-collection', 'list');
    return this.engine.executions.list({ vendorType: GC_JOB, page, pageSize });
  }

  async get(ctx: SecurityContext, id: number): Promise<ExecutionRecord> {
    authorize(ctx, undefined, 'garbage-collection', 'read');
    return this.execution(id);
  }

  /** The log of the execution's (first) task, as Harbor serves it. */
  async log(ctx: SecurityContext, id: number): Promise<string> {
    authorize(ctx, undefined, 'garbage-collection', 'read');
    await this.execution(id);
    const [task] = await this.engine.tasks.list(id);
    return (task && (await this.engine.log(task.id))) ?? '';
  }

  async stop(ctx: SecurityContext, id: number): Promise<void> {
    authorize(ctx, undefined, 'garbage-collection', 'stop');
    await this.execution(id);
    await this.engine.stop(id);
  }

  async schedule(ctx: SecurityContext): Promise<GcSchedule | undefined> {
    authorize(ctx, undefined, 'garbage-collection', 'read');
    const schedule = await this.engine.schedules.get(GC_JOB);
    if (!schedule) return undefined;
    const preset = (Object.keys(PRESETS) as Array<keyof typeof PRESETS>).find((t) => PRESETS[t] === schedule.cron);
    return { ...schedule, type: preset ?? 'Custom' };
  }

  /**
   * Harbor's `createGCSchedule` (`create`) and `updateGCSchedule` (`update`): `Manual` runs GC now (refused with a
   * conflict while one is pending or running) and returns its execution; `None` removes the schedule; `Hourly`,
   * `Daily`, `Weekly` schedule the preset cron (or the one given), `Custom`/`Schedule` the given cron.
   */
  async setSchedule(
    ctx: SecurityContext,
    action: 'create' | 'update',
    request: GcScheduleRequest,
  ): Promise<ExecutionRecord | undefined> {
    authorize(ctx, undefined, 'garbage-collection', action);
    const params = gcParams(request.parameters, this.opts.defaultTimeWindowSeconds / 3600);
    switch (request.type) {
      case 'Manual': {
        const { items } = await this.engine.executions.list({ vendorType: GC_JOB, page: 1, pageSize: 1 });
        if (items[0] && (items[0].status === 'Running' || items[0].status === 'Pending')) {
          throw new ConflictError(`a garbage collection is running (execution ${items[0].id})`);
        }
        return this.engine.enqueue({
          vendorType: GC_JOB,
          trigger: 'MANUAL',
          params,
          extraAttrs: params,
          by: operatorOf(ctx),
        });
      }
      case 'None':
        await this.engine.schedules.delete(GC_JOB, undefined, operatorOf(ctx));
        return undefined;
      case 'Hourly':
      case 'Daily':
      case 'Weekly':
      case 'Custom':
      case 'Schedule': {
        const cron = request.cron?.trim() || PRESETS[request.type as keyof typeof PRESETS];
        if (!cron) throw new InvalidError('field', 'empty cron string for gc schedule');
        await this.engine.schedules.upsert({ vendorType: GC_JOB, cron, params, by: operatorOf(ctx) });
        return undefined;
      }
      default:
        throw new InvalidError('field', `invalid schedule type ${JSON.stringify(request.type)}`);
    }
  }

  private async execution(id: number): Promise<ExecutionRecord> {
    const execution = Number.isSafeInteger(id) && id > 0 ? await this.engine.executions.get(id) : undefined;
    if (!execution || execution.vendorType !== GC_JOB) {
      throw new NotFoundError('job', String(id), `garbage collection ${id} not found`);
    }
    return execution;
  }
}
