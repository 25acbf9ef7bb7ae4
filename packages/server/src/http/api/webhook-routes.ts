import type { FastifyInstance } from 'fastify';
import type { WebhookPolicy } from '../../domain/webhook-policy.js';
import type { ExecutionRecord, JobStatus, TaskRecord } from '../../ports/jobs.js';
import type { LastTrigger, TestOutcome, WebhookService } from '../../webhooks/webhook-service.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery } from './query.js';
import { locatorOf } from './project-routes.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

function time(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Harbor's WebhookPolicy (its auth headers included, as Harbor answers them to those who may read the policy). */
export function toWebhookPolicy(policy: WebhookPolicy) {
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    project_id: policy.projectId,
    targets: policy.targets.map((t) => ({
      type: t.type,
      address: t.address,
      auth_header: t.authHeader,
      skip_cert_verify: t.skipCertVerify,
      // Harbor keeps no payload format for Slack targets.
      ...(t.type === 'slack' ? {} : { payload_format: t.payloadFormat }),
    })),
    event_types: policy.eventTypes,
    creator: policy.creator,
    creation_time: policy.creationTime.toISOString(),
    update_time: policy.updateTime.toISOString(),
    enabled: policy.enabled,
  };
}

const METRIC_KEYS: Readonly<Record<JobStatus, string>> = {
  Pending: 'pending_task_count',
  Running: 'running_task_count',
  Stopped: 'stopped_task_count',
  Error: 'error_task_count',
  Success: 'success_task_count',
};

/** Harbor's Execution, with its task counts as `metrics`. */
function toExecution(execution: ExecutionRecord & { tasks: readonly TaskRecord[] }) {
  const metrics: Record<string, number> = { task_count: execution.tasks.length };
  for (const task of execution.tasks) metrics[METRIC_KEYS[task.status]] = (metrics[METRIC_KEYS[task.status]] ?? 0) + 1;
  return {
    id: execution.id,
    vendor_type: execution.vendorType,
    vendor_id: execution.vendorId,
    status: execution.status,
    ...(execution.statusMessage ? { status_message: execution.statusMessage } : {}),
    metrics,
    trigger: execution.trigger,
    extra_attrs: execution.extraAttrs,
    start_time: time(execution.startTime),
    end_time: time(execution.endTime),
  };
}

/** Harbor's Task. */
function toTask(task: TaskRecord) {
  return {
    id: task.id,
    execution_id: task.executionId,
    status: task.status,
    ...(task.statusMessage ? { status_message: task.statusMessage } : {}),
    run_count: task.runCount,
    extra_attrs: {},
    creation_time: time(task.creationTime),
    update_time: time(task.updateTime),
    start_time: time(task.startTime),
    end_time: time(task.endTime),
  };
}

function toLastTrigger(trigger: LastTrigger) {
  return {
    policy_name: trigger.policyName,
    event_type: trigger.eventType,
    enabled: trigger.enabled,
    creation_time: trigger.creationTime.toISOString(),
    ...(trigger.lastTriggerTime ? { last_trigger_time: trigger.lastTriggerTime.toISOString() } : {}),
  };
}

function toTestOutcome(outcome: TestOutcome) {
  return {
    address: outcome.address,
    type: outcome.type,
    success: outcome.success,
    ...(outcome.httpStatus === undefined ? {} : { http_status: outcome.httpStatus }),
    message: outcome.message,
  };
}

/** /projects/{p}/webhook/…: Harbor's swagger tag `webhook`, and Wharf's test-fire. */
export function registerWebhookRoutes(api: FastifyInstance, webhooks: WebhookService): void {
  const base = '/projects/:project_name_or_id/webhook';
  const policy = `${base}/policies/:webhook_policy_id`;

  api.get(`${base}/events`, async (req) => webhooks.events(securityOf(req), locatorOf(req)));

  api.get(`${base}/lasttrigger`, async (req) =>
    (await webhooks.lastTriggers(securityOf(req), locatorOf(req))).map(toLastTrigger),
  );

  api.get(`${base}/policies`, async (req, reply) => {
    const query = req.query as Readonly<Record<string, unknown>>;
    const page = pageOf(query);
    const terms = parseQuery(typeof query.q === 'string' ? query.q : undefined);
    expectKeys(terms, ['name']);
    const name = terms.get('name');
    if (name && name.kind !== 'exact' && name.kind !== 'fuzzy') {
      throw new HarborError('BAD_REQUEST', 'q supports name=value and name=~value for webhook policies');
    }
    const { items, total } = await webhooks.list(securityOf(req), locatorOf(req), page, name);
    setPagingHeaders(req, reply, page, total);
    return items.map(toWebhookPolicy);
  });

  api.post(`${base}/policies`, async (req, reply) => {
    const at = locatorOf(req);
    const created = await webhooks.create(securityOf(req), at, jsonBody(req));
    const location = `/api/v2.0/projects/${at.nameOrId}/webhook/policies/${created.id}`;
    return reply.code(201).header('Location', location).send();
  });

  api.get(policy, async (req) =>
    toWebhookPolicy(await webhooks.get(securityOf(req), locatorOf(req), idParam(req, 'webhook_policy_id'))),
  );

  api.put(policy, async (req, reply) => {
    await webhooks.update(securityOf(req), locatorOf(req), idParam(req, 'webhook_policy_id'), jsonBody(req));
    return reply.code(200).send();
  });

  api.delete(policy, async (req, reply) => {
    await webhooks.delete(securityOf(req), locatorOf(req), idParam(req, 'webhook_policy_id'));
    return reply.code(200).send();
  });

  api.post(`${policy}/test`, async (req) =>
    (await webhooks.test(securityOf(req), locatorOf(req), idParam(req, 'webhook_policy_id'))).map(toTestOutcome),
  );

  api.get(`${policy}/executions`, async (req, reply) => {
    const page = pageOf(req.query as Readonly<Record<string, unknown>>);
    const { items, total } = await webhooks.executions(
      securityOf(req),
      locatorOf(req),
      idParam(req, 'webhook_policy_id'),
      page.page,
      page.pageSize,
    );
    setPagingHeaders(req, reply, page, total);
    return items.map(toExecution);
  });

  api.get(`${policy}/executions/:execution_id/tasks`, async (req, reply) => {
    const page = pageOf(req.query as Readonly<Record<string, unknown>>);
    const { items, total } = await webhooks.tasks(
      securityOf(req),
      locatorOf(req),
      idParam(req, 'webhook_policy_id'),
      idParam(req, 'execution_id'),
      page.page,
      page.pageSize,
    );
    setPagingHeaders(req, reply, page, total);
    return items.map(toTask);
  });

  api.get(`${policy}/executions/:execution_id/tasks/:task_id/log`, async (req, reply) => {
    const log = await webhooks.taskLog(
      securityOf(req),
      locatorOf(req),
      idParam(req, 'webhook_policy_id'),
      idParam(req, 'execution_id'),
      idParam(req, 'task_id'),
    );
    return reply.type('text/plain; charset=utf-8').send(log);
  });
}
