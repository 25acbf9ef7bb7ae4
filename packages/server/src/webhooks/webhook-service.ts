import { InvalidError, NotFoundError } from '../domain/errors.js';
import {
  NOTIFY_TYPES,
  PAYLOAD_FORMATS,
  WEBHOOK_EVENT_TYPES,
  webhookPolicyDataOf,
  type WebhookEventType,
  type WebhookPolicy,
  type WebhookPolicyData,
} from '../domain/webhook-policy.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { JobEngine } from '../jobs/engine.js';
import type { PageQuery, PagedResult, ProjectRecord } from '../ports/identity-store.js';
import type { ExecutionRecord, Page, TaskRecord } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { accessProject, type ProjectLocator } from '../services/project-visibility.js';
import { deliver } from './delivery.js';
import { formatPayload, type HarborPayload } from './payloads.js';
import type { TargetGuard } from './target-guard.js';
import { WEBHOOK_JOB } from './webhook-notifier.js';

type Body = Readonly<Record<string, unknown>>;
type Action = 'read' | 'list' | 'create' | 'update' | 'delete';

/** Harbor's SupportedWebhookEventTypes. */
export const SUPPORTED_WEBHOOK_EVENTS = {
  event_type: [...WEBHOOK_EVENT_TYPES],
  notify_type: [...NOTIFY_TYPES],
  // As Harbor: only HTTP targets have payload formats.
  payload_formats: [{ notify_type: 'http', formats: [...PAYLOAD_FORMATS.http] }],
};

/** One row of Harbor's `…/webhook/lasttrigger`. */
export interface LastTrigger {
  readonly policyName: string;
  readonly eventType: WebhookEventType;
  readonly enabled: boolean;
  readonly creationTime: Date;
  readonly lastTriggerTime: Date | undefined;
}

/** What a test delivery to one target gave. */
export interface TestOutcome {
  readonly address: string;
  readonly type: string;
  readonly success: boolean;
  readonly httpStatus: number | undefined;
  readonly message: string;
}

export interface WebhookServiceOptions {
  readonly timeoutMs: number;
  /** The registry's public host for the test payload's `resource_url`. */
  readonly host?: string | undefined;
}

/**
 * Harbor's project webhook policies (`/projects/{p}/webhook/…`), decided on the project's `notification-policy`
 * resource as Harbor's handler does: `list` the policies; `read` a policy, its executions, tasks and their logs, the
 * last triggers and the supported event types; `create`, `update` (also to test-fire), `delete`. Project admins
 * (and system administrators) may do all of it; maintainers may read. A policy of another project is missing (404).
 * A target whose address is plainly internal as written (an internal IP literal, `localhost`, a metadata name) is
 * refused with 400 unless `webhooks.allowedTargets` allows it; every delivery is checked again after resolution.
 */
export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
    private readonly engine: JobEngine,
    private readonly guard: TargetGuard,
    private readonly clock: { now(): number },
    private readonly opts: WebhookServiceOptions,
  ) {}

  async events(ctx: SecurityContext, at: ProjectLocator): Promise<typeof SUPPORTED_WEBHOOK_EVENTS> {
    await accessProject(this.store, ctx, at, 'notification-policy', 'read');
    return SUPPORTED_WEBHOOK_EVENTS;
  }

  /** The project's policies in id order, those named `name` (exact) or containing it (fuzzy) when given. */
  async list(
    ctx: SecurityContext,
    at: ProjectLocator,
    page: PageQuery,
    name?: { readonly kind: 'exact' | 'fuzzy'; readonly value: string },
  ): Promise<PagedResult<WebhookPolicy>> {
    const project = await accessProject(this.store, ctx, at, 'notification-policy', 'list');
    const policies = (await this.store.webhooks.ofProject(project.id)).filter(
      (p) => !name || (name.kind === 'exact' ? p.name === name.value : p.name.includes(name.value)),
    );
    const start = (page.page - 1) * page.pageSize;
    return { items: policies.slice(start, start + page.pageSize), total: policies.length };
  }

  async get(ctx: SecurityContext, at: ProjectLocator, id: number): Promise<WebhookPolicy> {
    return (await this.policyFor(ctx, at, id, 'read')).policy;
  }

  async create(ctx: SecurityContext, at: ProjectLocator, body: Body): Promise<WebhookPolicy> {
    const project = await accessProject(this.store, ctx, at, 'notification-policy', 'create');
    const data = this.dataOf(body);
    const by = operatorOf(ctx);
    return this.work.run(async ({ tx, emit }) => {
      const policy = await tx.webhooks.create(project.id, data, by.name, new Date(this.clock.now()));
      emit({ type: 'webhook_policy.created', policyId: policy.id, projectId: project.id, name: policy.name }, by);
      return policy;
    });
  }

  /** Harbor's update: the body replaces the policy's name, description, enabled flag, event types and targets. */
  async update(ctx: SecurityContext, at: ProjectLocator, id: number, body: Body): Promise<void> {
    const { project } = await this.policyFor(ctx, at, id, 'update');
    const data = this.dataOf(body);
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.webhooks.update(id, data, new Date(this.clock.now())))) throw this.missing(id);
      emit({ type: 'webhook_policy.updated', policyId: id, projectId: project.id, name: data.name }, operatorOf(ctx));
    });
  }

  async delete(ctx: SecurityContext, at: ProjectLocator, id: number): Promise<void> {
    const { project, policy } = await this.policyFor(ctx, at, id, 'delete');
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.webhooks.delete(id))) throw this.missing(id);
      emit({ type: 'webhook_policy.deleted', policyId: id, projectId: project.id, name: policy.name }, operatorOf(ctx));
    });
  }

  /** Each policy's event types with when the policy last sent one (Harbor's WebhookLastTrigger rows). */
  async lastTriggers(ctx: SecurityContext, at: ProjectLocator): Promise<LastTrigger[]> {
    const project = await accessProject(this.store, ctx, at, 'notification-policy', 'read');
    const policies = await this.store.webhooks.ofProject(project.id);
    const triggers = await this.store.webhooks.triggersOf(project.id);
    const when = new Map(triggers.map((t) => [`${t.policyId} ${t.eventType}`, t.at]));
    return policies.flatMap((policy) =>
      policy.eventTypes.map((eventType) => ({
        policyName: policy.name,
        eventType,
        enabled: policy.enabled,
        creationTime: policy.creationTime,
        lastTriggerTime: when.get(`${policy.id} ${eventType}`),
      })),
    );
  }

  async executions(
    ctx: SecurityContext,
    at: ProjectLocator,
    id: number,
    page: number,
    pageSize: number,
  ): Promise<Page<ExecutionRecord & { tasks: TaskRecord[] }>> {
    await this.policyFor(ctx, at, id, 'read');
    const { items, total } = await this.engine.executions.list({
      vendorType: WEBHOOK_JOB,
      vendorId: id,
      page,
      pageSize,
    });
    const withTasks = await Promise.all(
      items.map(async (execution) => ({ ...execution, tasks: await this.engine.tasks.list(execution.id) })),
    );
    return { items: withTasks, total };
  }

  async tasks(
    ctx: SecurityContext,
    at: ProjectLocator,
    id: number,
    executionId: number,
    page: number,
    pageSize: number,
  ): Promise<Page<TaskRecord>> {
    await this.policyFor(ctx, at, id, 'read');
    await this.execution(id, executionId);
    const all = await this.engine.tasks.list(executionId);
    return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length };
  }

  async taskLog(ctx: SecurityContext, at: ProjectLocator, id: number, executionId: number, taskId: number) {
    await this.policyFor(ctx, at, id, 'read');
    await this.execution(id, executionId);
    const task = await this.engine.tasks.get(taskId);
    if (!task || task.executionId !== executionId) {
      throw new NotFoundError('job', String(taskId), `webhook task ${taskId} not found`);
    }
    return (await this.engine.log(taskId)) ?? '';
  }

  /**
   * Wharf's test-fire: sends a sample event of the policy's first event type to each of its targets now, through
   * the SSRF guard, and answers each target's outcome. Nothing is recorded (no execution, no last trigger).
   */
  async test(ctx: SecurityContext, at: ProjectLocator, id: number): Promise<TestOutcome[]> {
    const { policy, project } = await this.policyFor(ctx, at, id, 'update');
    const payload = this.samplePayload(policy, project, operatorOf(ctx).name);
    const outcomes: TestOutcome[] = [];
    for (const target of policy.targets) {
      const formatted = formatPayload(payload, target.type, target.payloadFormat, {
        projectId: project.id,
        policyId: policy.id,
        requestId: ctx.origin?.requestId,
      });
      const headers: Record<string, string> = { 'content-type': formatted.contentType };
      if (target.type === 'http' && target.authHeader) headers.authorization = target.authHeader;
      try {
        const response = await deliver(this.guard, {
          address: target.address,
          body: formatted.body,
          headers,
          skipCertVerify: target.skipCertVerify,
          timeoutMs: this.opts.timeoutMs,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        const success = response.status >= 200 && response.status < 300;
        outcomes.push({
          address: target.address,
          type: target.type,
          success,
          httpStatus: response.status,
          message: success ? 'delivered' : `abnormal response code: ${response.status}`,
        });
      } catch (error) {
        outcomes.push({
          address: target.address,
          type: target.type,
          success: false,
          httpStatus: undefined,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return outcomes;
  }

  private samplePayload(policy: WebhookPolicy, project: ProjectRecord, operator: string): HarborPayload {
    const repository = `${project.name}/webhook-test`;
    const digest = `sha256:${'0'.repeat(64)}`;
    return {
      type: policy.eventTypes[0] ?? 'PUSH_ARTIFACT',
      occur_at: Math.floor(this.clock.now() / 1000),
      operator,
      event_data: {
        resources: [
          {
            digest,
            tag: 'test',
            ...(this.opts.host ? { resource_url: `${this.opts.host}/${repository}:test` } : {}),
          },
        ],
        repository: {
          name: 'webhook-test',
          namespace: project.name,
          repo_full_name: repository,
          repo_type: project.public ? 'public' : 'private',
        },
        custom_attributes: { test: 'true' },
      },
    };
  }

  private dataOf(body: Body): WebhookPolicyData {
    const data = webhookPolicyDataOf(body);
    data.targets.forEach((target, index) => {
      const refusal = this.guard.literalRefusal(new URL(target.address));
      if (refusal) {
        throw new InvalidError(
          'field',
          `targets[${index}].address: ${refusal}; an administrator may allow it with webhooks.allowedTargets`,
        );
      }
    });
    return data;
  }

  private async policyFor(
    ctx: SecurityContext,
    at: ProjectLocator,
    id: number,
    action: Action,
  ): Promise<{ policy: WebhookPolicy; project: ProjectRecord }> {
    const project = await accessProject(this.store, ctx, at, 'notification-policy', action);
    const policy = await this.store.webhooks.get(id);
    if (!policy || policy.projectId !== project.id) throw this.missing(id);
    return { policy, project };
  }

  private async execution(policyId: number, executionId: number): Promise<ExecutionRecord> {
    const execution = await this.engine.executions.get(executionId);
    if (!execution || execution.vendorType !== WEBHOOK_JOB || execution.vendorId !== policyId) {
      throw new NotFoundError('job', String(executionId), `webhook execution ${executionId} not found`);
    }
    return execution;
  }

  private missing(id: number): NotFoundError {
    return new NotFoundError('job', String(id), `webhook policy ${id} not found`);
  }
}
