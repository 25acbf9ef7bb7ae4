import { ConflictError, InvalidError, NotFoundError, UnauthenticatedError } from '../domain/errors.js';
import {
  TEMPLATES,
  TEMPLATE_PARAMS,
  TEMPLATE_TEXTS,
  TAG_SELECTOR_DECORATIONS,
  REPOSITORY_SELECTOR_DECORATIONS,
  RETAIN_ACTION,
  conflictingRules,
  cronOf,
  policyDataOf,
  scopeOf,
  type RetentionPolicy,
  type RetentionPolicyData,
  type RetentionRule,
} from '../domain/retention-policy.js';
import { checkCron } from '../jobs/cron.js';
import type { JobEngine } from '../jobs/engine.js';
import type { ExecutionRecord, JobTrigger, Page, TaskRecord } from '../ports/jobs.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { RetentionTaskResult } from '../ports/retention-records.js';
import type { Store } from '../ports/store.js';
import type { Operator } from '../domain/events.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, type SecurityContext } from '../services/authenticator.js';
import { authorize } from '../services/project-access.js';
import { accessProject } from '../services/project-visibility.js';
import { rulesByRepository } from './evaluator.js';

/** The job type of a retention run's tasks, one per repository (Harbor's vendor type RETENTION). */
export const RETENTION_JOB = 'RETENTION';
/** The job type a policy's schedule fires: it launches a run with trigger SCHEDULE (Harbor's scheduler callback). */
export const RETENTION_TRIGGER_JOB = 'RETENTION_TRIGGER';

/** A retention task's params: the repository and the rules that apply to it, as they were at launch. */
export interface RetentionTaskParams {
  readonly policy_id: number;
  readonly project_id: number;
  /** Full name, project first. */
  readonly repository: string;
  readonly dry_run: boolean;
  readonly rules: readonly RetentionRule[];
}

export interface RetentionTask extends TaskRecord {
  readonly repository: string;
  readonly result: RetentionTaskResult | undefined;
}

/** Harbor's `/retentions/metadatas`: the templates, scope selectors and tag selectors a policy may use. */
export const RETENTION_METADATA = {
  templates: TEMPLATES.map((template) => {
    const param = TEMPLATE_PARAMS[template];
    return {
      rule_template: template,
      display_text: TEMPLATE_TEXTS[template],
      action: RETAIN_ACTION,
      params: param ? [{ type: 'int', unit: param.unit, required: true }] : [],
    };
  }),
  scope_selectors: [
    { display_text: 'Repositories', kind: 'doublestar', decorations: [...REPOSITORY_SELECTOR_DECORATIONS] },
  ],
  tag_selectors: [
    { display_text: 'Tags', kind: 'doublestar', decorations: [...TAG_SELECTOR_DECORATIONS.doublestar] },
    { display_text: 'Labels', kind: 'label', decorations: [...TAG_SELECTOR_DECORATIONS.label] },
  ],
};

type Body = Readonly<Record<string, unknown>>;

function repositoryOfParams(params: unknown): string {
  const repository = (params as Partial<RetentionTaskParams> | null)?.repository;
  return typeof repository === 'string' ? repository : '';
}

/**
 * Harbor's tag retention (`/retentions`, src/controller/retention): one policy per project, bound to it by the
 * project metadata `retention_id`; runs (manual, dry or scheduled) are job engine executions of type RETENTION with
 * one task per repository that some enabled rule selects. Each call is decided on the project's `tag-retention`
 * resource as Harbor's handler does: `read` a policy and a task's log, `list` executions and tasks, `create`,
 * `update` (also to run and to stop), `delete`. Every caller must be signed in, even for the metadata.
 */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly engine: JobEngine,
    private readonly now: () => Date,
    private readonly work: UnitOfWork,
  ) {}

  metadata(ctx: SecurityContext): typeof RETENTION_METADATA {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    return RETENTION_METADATA;
  }

  async get(ctx: SecurityContext, id: number): Promise<RetentionPolicy> {
    return (await this.policyFor(ctx, id, 'read')).policy;
  }

  async create(ctx: SecurityContext, body: Body): Promise<RetentionPolicy> {
    const data = this.dataOf(body);
    const projectId = scopeOf(body);
    const project = await accessProject(
      this.store,
      ctx,
      { nameOrId: String(projectId), isResourceName: false },
      'tag-retention',
      'create',
    ).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new InvalidError('field', `invalid Project id ${projectId}`);
      throw error;
    });
    const policy = await this.work.run(async ({ tx, emit }) => {
      const current = (await tx.projects.get(project.id))?.metadata.retention_id;
      const existing = await tx.retention.ofProject(project.id);
      if (current || existing) {
        throw new InvalidError(
          'field',
          `project ${project.id} already has retention policy ${current ?? String(existing?.id)}`,
        );
      }
      const created = await tx.retention.create(project.id, data, this.now());
      await tx.projects.update(project.id, { metadata: { retention_id: String(created.id) } });
      emit({ type: 'retention.created', policyId: created.id, projectId: project.id }, operatorOf(ctx));
      return created;
    });
    await this.followSchedule(policy, operatorOf(ctx));
    return policy;
  }

  /** Harbor's update: the body replaces the policy's rules and trigger; the schedule follows the trigger's cron. */
  async update(ctx: SecurityContext, id: number, body: Body): Promise<void> {
    const data = this.dataOf(body);
    const { policy } = await this.policyFor(ctx, id, 'update');
    if (body.scope !== undefined && scopeOf(body) !== policy.projectId) {
      throw new NotFoundError('job', String(id), `the retention policy id ${id} does not match`);
    }
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.retention.update(id, data, this.now()))) throw this.missing(id);
      emit({ type: 'retention.updated', policyId: id, projectId: policy.projectId }, operatorOf(ctx));
    });
    await this.followSchedule({ ...policy, ...data }, operatorOf(ctx));
  }

  async delete(ctx: SecurityContext, id: number): Promise<void> {
    const { policy, project } = await this.policyFor(ctx, id, 'delete');
    await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.retention.delete(id))) throw this.missing(id);
      if (project.metadata.retention_id === String(id)) {
        await tx.projects.update(project.id, { metadata: { retention_id: null } });
      }
      emit({ type: 'retention.deleted', policyId: id, projectId: policy.projectId }, operatorOf(ctx));
    });
    await this.engine.schedules.delete(RETENTION_TRIGGER_JOB, policy.id, operatorOf(ctx));
  }

  /** Runs the policy now (Harbor: `update` on tag-retention); a dry run deletes nothing. */
  async trigger(ctx: SecurityContext, id: number, dryRun: boolean): Promise<ExecutionRecord> {
    const { policy } = await this.policyFor(ctx, id, 'update');
    return this.launch(policy, 'MANUAL', dryRun, operatorOf(ctx));
  }

  /**
   * Harbor's launcher: the project's repositories that each enabled rule's repository selectors (all of them)
   * select, one task per repository with the rules that apply to it. No repository: an execution that succeeds at
   * once.
   */
  async launch(policy: RetentionPolicy, trigger: JobTrigger, dryRun: boolean, by?: Operator): Promise<ExecutionRecord> {
    const repositories: string[] = [];
    for (let last: string | undefined; ;) {
      const names = await this.store.repositories.list({ limit: 1000, ...(last === undefined ? {} : { last }) }, [
        policy.projectId,
      ]);
      repositories.push(...names);
      if (names.length < 1000) break;
      last = names.at(-1);
    }
    const tasks: RetentionTaskParams[] = [...rulesByRepository(policy.rules, repositories)].map(
      ([repository, rules]) => ({
        policy_id: policy.id,
        project_id: policy.projectId,
        repository,
        dry_run: dryRun,
        rules,
      }),
    );
    return this.engine.enqueue({
      vendorType: RETENTION_JOB,
      vendorId: policy.id,
      trigger,
      extraAttrs: { dry_run: dryRun },
      tasks,
      by,
    });
  }

  async stop(ctx: SecurityContext, id: number, executionId: number, action: unknown): Promise<void> {
    if (action !== 'stop') throw new InvalidError('field', "action should be 'stop'");
    await this.policyFor(ctx, id, 'update');
    await this.execution(id, executionId);
    await this.engine.stop(executionId);
  }

  async executions(ctx: SecurityContext, id: number, page: number, pageSize: number): Promise<Page<ExecutionRecord>> {
    await this.policyFor(ctx, id, 'list');
    return this.engine.executions.list({ vendorType: RETENTION_JOB, vendorId: id, page, pageSize });
  }

  async tasks(
    ctx: SecurityContext,
    id: number,
    executionId: number,
    page: number,
    pageSize: number,
  ): Promise<Page<RetentionTask>> {
    await this.policyFor(ctx, id, 'list');
    await this.execution(id, executionId);
    const all = await this.engine.tasks.list(executionId);
    const items = all.slice((page - 1) * pageSize, page * pageSize);
    const results = await this.store.retention.taskResults(items.map((t) => t.id));
    return {
      items: items.map((task) => ({
        ...task,
        repository: repositoryOfParams(task.params),
        result: results.get(task.id),
      })),
      total: all.length,
    };
  }

  async taskLog(ctx: SecurityContext, id: number, executionId: number, taskId: number): Promise<string> {
    await this.policyFor(ctx, id, 'read');
    await this.execution(id, executionId);
    const task = await this.engine.tasks.get(taskId);
    if (!task || task.executionId !== executionId) {
      throw new NotFoundError('job', String(taskId), `retention task ${taskId} not found`);
    }
    return (await this.engine.log(taskId)) ?? '';
  }

  /** The policy's schedule follows its trigger: a cron schedules it (or changes its schedule), none removes it. */
  private async followSchedule(policy: RetentionPolicy, by: Operator): Promise<void> {
    const cron = cronOf(policy);
    if (cron) {
      await this.engine.schedules.upsert({
        vendorType: RETENTION_TRIGGER_JOB,
        vendorId: policy.id,
        cron,
        params: { policy_id: policy.id },
        by,
      });
    } else {
      await this.engine.schedules.delete(RETENTION_TRIGGER_JOB, policy.id, by);
    }
  }

  private dataOf(body: Body): RetentionPolicyData {
    const data = policyDataOf(body, checkCron);
    const conflict = conflictingRules(data.rules);
    if (conflict) throw new ConflictError(`rule ${conflict[0]} is conflict with rule ${conflict[1]}`);
    return data;
  }

  /** The policy and its project, once `ctx` may perform `action` on the project's tag-retention resource. */
  private async policyFor(
    ctx: SecurityContext,
    id: number,
    action: 'read' | 'list' | 'update' | 'delete',
  ): Promise<{ policy: RetentionPolicy; project: ProjectRecord }> {
    if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
    const policy = await this.store.retention.get(id);
    const project = policy && (await this.store.projects.get(policy.projectId));
    if (!policy || !project) throw this.missing(id);
    authorize(ctx, project, 'tag-retention', action);
    return { policy, project };
  }

  private async execution(policyId: number, executionId: number): Promise<ExecutionRecord> {
    const execution = await this.engine.executions.get(executionId);
    if (!execution || execution.vendorType !== RETENTION_JOB || execution.vendorId !== policyId) {
      throw new NotFoundError('job', String(executionId), `retention execution ${executionId} not found`);
    }
    return execution;
  }

  private missing(id: number): NotFoundError {
    return new NotFoundError('job', String(id), `retention policy ${id} not found`);
  }
}
