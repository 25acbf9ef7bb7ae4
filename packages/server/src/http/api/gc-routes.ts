import type { FastifyInstance } from 'fastify';
import type { GcService } from '../../gc/gc-service.js';
import type { ExecutionRecord } from '../../ports/jobs.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

export function time(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

function gcId(req: { params: unknown }): number {
  const raw = (req.params as Record<string, string>).gc_id ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/**
 * Harbor's GCHistory of an execution: its trigger as the kind, its extra attributes (parameters and result) as
 * JSON. Harbor puts the trigger in `schedule.type` too, outside its swagger's enum; Wharf names the enum's value.
 */
export function history(execution: ExecutionRecord) {
  return {
    id: execution.id,
    job_name: execution.vendorType,
    job_kind: execution.trigger,
    job_parameters: JSON.stringify(execution.extraAttrs),
    schedule: { type: execution.trigger === 'MANUAL' ? 'Manual' : 'Schedule' },
    job_status: execution.status,
    deleted: false,
    creation_time: time(execution.startTime),
    update_time: time(execution.updateTime),
  };
}

/** `{ schedule: { type, cron }, parameters }` of Harbor's Schedule body. */
export function scheduleBody(body: Record<string, unknown>): { type: string; cron?: string; parameters?: unknown } {
  const schedule = body.schedule;
  if (!schedule || typeof schedule !== 'object') throw new HarborError('BAD_REQUEST', 'schedule is required');
  const { type, cron } = schedule as Record<string, unknown>;
  if (typeof type !== 'string') throw new HarborError('BAD_REQUEST', 'schedule.type is required');
  if (cron !== undefined && typeof cron !== 'string')
    throw new HarborError('BAD_REQUEST', 'schedule.cron must be a string');
  const parameters = body.parameters;
  if (
    parameters !== undefined &&
    (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))
  ) {
    throw new HarborError('BAD_REQUEST', 'parameters must be an object');
  }
  return { type, cron, parameters };
}

/** Harbor's garbage collection API (swagger tag `gc`): history, one run, its log, stop, and the schedule. */
export function registerGcRoutes(api: FastifyInstance, gc: GcService): void {
  api.get('/system/gc', async (req, reply) => {
    const page = pageOf(req.query as Record<string, unknown>);
    const { items, total } = await gc.history(securityOf(req), page.page, page.pageSize);
    setPagingHeaders(req, reply, page, total);
    return items.map(history);
  });

  // Before /system/gc/:gc_id, which would otherwise take "schedule" for an id (Fastify prefers static segments).
  api.get('/system/gc/schedule', async (req) => {
    const schedule = await gc.schedule(securityOf(req));
    if (!schedule) return {};
    return {
      id: schedule.id,
      job_name: '',
      job_kind: schedule.type,
      job_parameters: JSON.stringify(schedule.params ?? {}),
      schedule: { type: schedule.type, cron: schedule.cron, next_scheduled_time: time(schedule.nextRun) },
      job_status: '',
      deleted: false,
      creation_time: time(schedule.creationTime),
      update_time: time(schedule.updateTime),
    };
  });

  api.post('/system/gc/schedule', async (req, reply) => {
    const ctx = securityOf(req);
    gc.mayChangeSchedule(ctx, 'create');
    const execution = await gc.setSchedule(ctx, 'create', scheduleBody(jsonBody(req)));
    // Harbor answers a run's location as /system/gc/{id}.
    const path = (req.url.split('?', 1)[0] ?? '').replace(/\/schedule\/?$/, '');
    if (execution) void reply.header('Location', `${path}/${execution.id}`);
    return reply.code(201).send();
  });

  api.put('/system/gc/schedule', async (req, reply) => {
    const ctx = securityOf(req);
    gc.mayChangeSchedule(ctx, 'update');
    await gc.setSchedule(ctx, 'update', scheduleBody(jsonBody(req)));
    return reply.code(200).send();
  });

  api.get('/system/gc/:gc_id', async (req) => history(await gc.get(securityOf(req), gcId(req))));

  api.put('/system/gc/:gc_id', async (req, reply) => {
    await gc.stop(securityOf(req), gcId(req));
    return reply.code(200).send();
  });

  api.get('/system/gc/:gc_id/log', async (req, reply) => {
    const log = await gc.log(securityOf(req), gcId(req));
    return reply.type('text/plain; charset=utf-8').send(log);
  });
}
