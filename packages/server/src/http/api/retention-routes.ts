import type { FastifyInstance } from 'fastify';
import type { RetentionPolicy } from '../../domain/retention-policy.js';
import type { ExecutionRecord, JobStatus } from '../../ports/jobs.js';
import { repositoryPathOf } from '../../domain/selectors.js';
import type { RetentionService, RetentionTask } from '../../retention/retention-service.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

function time(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Harbor's RetentionPolicy. */
export function toRetentionPolicy(policy: RetentionPolicy) {
  return {
    id: policy.id,
    algorithm: policy.algorithm,
    rules: policy.rules,
    trigger: {
      kind: policy.trigger.kind,
      settings: { cron: policy.trigger.settings.cron ?? '' },
      references: policy.trigger.references ?? {},
    },
    scope: { level: 'project', ref: policy.projectId },
  };
}

function toExecution(execution: ExecutionRecord) {
  return {
    id: execution.id,
    policy_id: execution.vendorId,
    start_time: time(execution.startTime),
    end_time: time(execution.endTime),
    status: execution.status,
    trigger: execution.trigger,
    dry_run: execution.extraAttrs.dry_run === true,
  };
}

/** Harbor's job status codes (jobservice/job/status.go): final statuses share 3. */
const STATUS_CODES: Readonly<Record<JobStatus, number>> = { Pending: 0, Running: 2, Stopped: 3, Error: 3, Success: 3 };

function toTask(task: RetentionTask) {
  return {
    id: task.id,
    execution_id: task.executionId,
    // Harbor names the repository without its project.
    repository: repositoryPathOf(task.repository),
    job_id: String(task.id),
    status: task.status,
    status_code: STATUS_CODES[task.status],
    status_revision: task.runCount,
    start_time: time(task.startTime),
    end_time: time(task.endTime),
    total: task.result?.total ?? 0,
    retained: task.result?.retained ?? 0,
  };
}

function urlPath(url: string): string {
  return (url.split('?', 1)[0] ?? '').replace(/\/$/, '');
}

/** Harbor's tag retention API (swagger tag `Retention`): policies, runs, their tasks and logs. */
export function registerRetentionRoutes(api: FastifyInstance, retention: RetentionService): void {
  api.get('/retentions/metadatas', (req) => Promise.resolve(retention.metadata(securityOf(req))));

  api.post('/retentions', async (req, reply) => {
    const policy = await retention.create(securityOf(req), jsonBody(req));
    return reply
      .code(201)
      .header('Location', `${urlPath(req.url)}/${policy.id}`)
      .send();
  });

  api.get('/retentions/:id', async (req) =>
    toRetentionPolicy(await retention.get(securityOf(req), idParam(req, 'id'))),
  );

  api.put('/retentions/:id', async (req, reply) => {
    await retention.update(securityOf(req), idParam(req, 'id'), jsonBody(req));
    return reply.code(200).send();
  });

  api.delete('/retentions/:id', async (req, reply) => {
    await retention.delete(securityOf(req), idParam(req, 'id'));
    return reply.code(200).send();
  });

  api.post('/retentions/:id/executions', async (req, reply) => {
    const body = req.body === undefined || req.body === null ? {} : jsonBody(req);
    if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean') {
      throw new HarborError('BAD_REQUEST', 'dry_run must be a boolean');
    }
    const execution = await retention.trigger(securityOf(req), idParam(req, 'id'), body.dry_run === true);
    return reply
      .code(201)
      .header('Location', `${urlPath(req.url)}/${execution.id}`)
      .send();
  });

  api.get('/retentions/:id/executions', async (req, reply) => {
    const page = pageOf(req.query as Record<string, unknown>);
    const { items, total } = await retention.executions(securityOf(req), idParam(req, 'id'), page.page, page.pageSize);
    setPagingHeaders(req, reply, page, total);
    return items.map(toExecution);
  });

  api.patch('/retentions/:id/executions/:eid', async (req, reply) => {
    const body = jsonBody(req);
    await retention.stop(securityOf(req), idParam(req, 'id'), idParam(req, 'eid'), body.action);
    return reply.code(200).send();
  });

  api.get('/retentions/:id/executions/:eid/tasks', async (req, reply) => {
    const page = pageOf(req.query as Record<string, unknown>);
    const { items, total } = await retention.tasks(
      securityOf(req),
      idParam(req, 'id'),
      idParam(req, 'eid'),
      page.page,
      page.pageSize,
    );
    setPagingHeaders(req, reply, page, total);
    return items.map(toTask);
  });

  api.get('/retentions/:id/executions/:eid/tasks/:tid', async (req, reply) => {
    const log = await retention.taskLog(securityOf(req), idParam(req, 'id'), idParam(req, 'eid'), idParam(req, 'tid'));
    return reply.type('text/plain; charset=utf-8').send(log);
  });
}
