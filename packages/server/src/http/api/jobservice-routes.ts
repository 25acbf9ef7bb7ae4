import type { FastifyInstance } from 'fastify';
import type { QueueAction } from '../../jobs/engine.js';
import type { JobServiceMonitor } from '../../jobs/monitor.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

const ACTIONS: ReadonlySet<string> = new Set(['stop', 'pause', 'resume']);

function time(ms: number | null): string | undefined {
  return ms === null ? undefined : new Date(ms).toISOString();
}

function param(req: { params: unknown }, name: string): string {
  return (req.params as Record<string, string>)[name] ?? '';
}

/**
 * Harbor's job service monitor (swagger tags `jobservice` and `schedule`): worker pools (one per Wharf process),
 * their workers, the queues per job type with their pause flag and actions, schedules, and a task's log.
 */
export function registerJobServiceRoutes(api: FastifyInstance, monitor: JobServiceMonitor): void {
  api.get('/jobservice/pools', async (req) =>
    (await monitor.pools(securityOf(req))).map((pool) => ({
      pid: pool.pid,
      worker_pool_id: pool.id,
      start_at: time(pool.startAt),
      heartbeat_at: time(pool.heartbeatAt),
      concurrency: pool.concurrency,
      host: pool.host,
    })),
  );

  api.get('/jobservice/pools/:pool_id/workers', async (req) =>
    (await monitor.workers(securityOf(req), param(req, 'pool_id'))).map((worker) => ({
      id: worker.id,
      pool_id: worker.poolId,
      job_name: worker.jobName,
      job_id: worker.jobId,
      start_at: time(worker.startAt),
      check_in: '',
      checkin_at: time(worker.checkinAt),
    })),
  );

  api.get('/jobservice/queues', async (req) =>
    (await monitor.queues(securityOf(req))).map((queue) => ({
      job_type: queue.jobType,
      count: queue.count,
      latency: queue.latency,
      paused: queue.paused,
    })),
  );

  api.put('/jobservice/queues/:job_type', async (req, reply) => {
    const ctx = securityOf(req);
    const body = jsonBody(req);
    const action = body.action;
    if (typeof action !== 'string' || !ACTIONS.has(action)) {
      // Authorisation first, so that callers without the permission learn nothing about the body.
      await monitor.queues(ctx);
      throw new HarborError('UNPROCESSABLE_ENTITY', 'action must be one of stop, pause, resume');
    }
    await monitor.act(ctx, param(req, 'job_type'), action as QueueAction);
    return reply.code(200).send();
  });

  api.get('/jobservice/jobs/:job_id/log', async (req, reply) => {
    const jobId = param(req, 'job_id');
    const log = await monitor.log(securityOf(req), /^\d{1,15}$/.test(jobId) ? Number(jobId) : 0);
    if (log === undefined) throw new HarborError('NOT_FOUND', `job ${jobId} not found`);
    return reply.type('text/plain; charset=utf-8').send(log);
  });

  api.get('/schedules', async (req, reply) => {
    const page = pageOf(req.query as Record<string, unknown>);
    const { items, total } = await monitor.schedules(securityOf(req), page.page, page.pageSize);
    setPagingHeaders(req, reply, page, total);
    return items.map((schedule) => ({
      id: schedule.id,
      vendor_type: schedule.vendorType,
      vendor_id: schedule.vendorId,
      cron: schedule.cron,
      update_time: time(schedule.updateTime),
    }));
  });

  api.get('/schedules/:job_type/paused', async (req) => {
    const paused = await monitor.schedulerPaused(securityOf(req));
    if (param(req, 'job_type') !== 'all') throw new HarborError('BAD_REQUEST', "job_type can only be 'all'");
    return { paused };
  });
}
