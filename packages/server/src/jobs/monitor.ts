import type { Page, PoolRecord, ScheduleRecord } from '../ports/jobs.js';
import type { SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import type { JobEngine, QueueAction, QueueState, WorkerState } from './engine.js';

/**
 * Harbor's job service monitor (`/jobservice/*`, `/schedules`) over the engine, each call authorised on the
 * system resource `jobservice-monitor` as Harbor does: `list` to read (pools, workers, queues, schedules, logs),
 * `stop` to act on queues. System administrators have both; a system robot account may be granted them.
 */
export class JobServiceMonitor {
  constructor(private readonly engine: JobEngine) {}

  pools(ctx: SecurityContext): Promise<PoolRecord[]> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.pools();
  }

  workers(ctx: SecurityContext, poolId: string): Promise<WorkerState[]> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.workers(poolId);
  }

  queues(ctx: SecurityContext): Promise<QueueState[]> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.queues.list();
  }

  act(ctx: SecurityContext, jobType: string, action: QueueAction): Promise<void> {
    authorize(ctx, undefined, 'jobservice-monitor', 'stop');
    return this.engine.queues.act(jobType, action);
  }

  schedules(ctx: SecurityContext, page: number, pageSize: number): Promise<Page<ScheduleRecord>> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.schedules.list(page, pageSize);
  }

  schedulerPaused(ctx: SecurityContext): Promise<boolean> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.queues.schedulerPaused();
  }

  /** A task's log; undefined for an unknown task. */
  log(ctx: SecurityContext, taskId: number): Promise<string | undefined> {
    authorize(ctx, undefined, 'jobservice-monitor', 'list');
    return this.engine.log(taskId);
  }
}
