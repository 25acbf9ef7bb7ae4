import type { FastifyInstance } from 'fastify';
import type { PurgeAuditService } from '../../audit/purge-audit.js';
import { history, scheduleBody, time } from './gc-routes.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

function purgeId(req: { params: unknown }): number {
  const raw = (req.params as Record<string, string>).purge_id ?? '';
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/** Harbor's audit log purge API (swagger tag `purge`), shaped as GC's: ExecHistory items and the Schedule body. */
export function registerPurgeAuditRoutes(api: FastifyInstance, purge: PurgeAuditService): void {
  api.get('/system/purgeaudit', async (req, reply) => {
    const page = pageOf(req.query as Record<string, unknown>);
    const { items, total } = await purge.history(securityOf(req), page.page, page.pageSize);
    setPagingHeaders(req, reply, page, total);
    return items.map(history);
  });

  api.get('/system/purgeaudit/schedule', async (req) => {
    const schedule = await purge.schedule(securityOf(req));
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

  api.post('/system/purgeaudit/schedule', async (req, reply) => {
    const ctx = securityOf(req);
    purge.mayChangeSchedule(ctx, 'create');
    const execution = await purge.setSchedule(ctx, 'create', scheduleBody(jsonBody(req)));
    const path = (req.url.split('?', 1)[0] ?? '').replace(/\/schedule\/?$/, '');
    if (execution) void reply.header('Location', `${path}/${execution.id}`);
    return reply.code(201).send();
  });

  api.put('/system/purgeaudit/schedule', async (req, reply) => {
    const ctx = securityOf(req);
    purge.mayChangeSchedule(ctx, 'update');
    await purge.setSchedule(ctx, 'update', scheduleBody(jsonBody(req)));
    return reply.code(200).send();
  });

  api.get('/system/purgeaudit/:purge_id', async (req) => history(await purge.get(securityOf(req), purgeId(req))));

  api.put('/system/purgeaudit/:purge_id', async (req, reply) => {
    await purge.stop(securityOf(req), purgeId(req));
    return reply.code(200).send();
  });

  api.get('/system/purgeaudit/:purge_id/log', async (req, reply) => {
    const log = await purge.log(securityOf(req), purgeId(req));
    return reply.type('text/plain; charset=utf-8').send(log);
  });
}
