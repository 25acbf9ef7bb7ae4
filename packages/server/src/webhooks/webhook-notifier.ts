import type { DomainEvent, DomainEventType, EventOfType } from '../domain/events.js';
import { repositoryPathOf } from '../domain/selectors.js';
import type { WebhookEventType, WebhookPolicy } from '../domain/webhook-policy.js';
import type { EventBus } from '../events/event-bus.js';
import type { JobEngine } from '../jobs/engine.js';
import { projectNameOf } from '../lib/reference.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectRecord } from '../ports/identity-store.js';
import type { ExecutionRecord, JobTrigger } from '../ports/jobs.js';
import type { Store } from '../ports/store.js';
import { formatPayload, type EventData, type HarborPayload, type PayloadResource } from './payloads.js';

/** The job type of deliveries: one execution per policy and event, one task per target (Harbor's WEBHOOK). */
export const WEBHOOK_JOB = 'WEBHOOK';

/** A delivery task's params: the target (without its auth header, read from the policy at delivery) and the body. */
export interface WebhookTaskParams {
  readonly policy_id: number;
  readonly event_type: WebhookEventType;
  readonly target_index: number;
  readonly type: 'http' | 'slack';
  readonly address: string;
  readonly skip_cert_verify: boolean;
  readonly payload_format: string;
  readonly content_type: string;
  readonly payload: string;
}

/** What an event means for webhooks: the project it happened in, the Harbor event type, and how to build its data. */
interface Subject {
  readonly project: ProjectRecord;
  readonly eventType: WebhookEventType;
  readonly payload: () => Promise<HarborPayload>;
  readonly requestId?: string | undefined;
}

/** The outbox events the notifier maps (PULL_ARTIFACT comes from the transient `artifact.pulled`). */
const MAPPED = [
  'artifact.pushed',
  'artifact.deleted',
  'repository.deleted',
  'tag.created',
  'tag.moved',
  'tag.deleted',
  'quota.exceeded',
  'quota.warning',
  'execution.finished',
] as const satisfies readonly DomainEventType[];

/** The events that become webhook events. */
type MappedEvent = EventOfType<(typeof MAPPED)[number] | 'artifact.pulled'>;

const POLICY_EVENTS = [
  'webhook_policy.created',
  'webhook_policy.updated',
  'webhook_policy.deleted',
] as const satisfies readonly DomainEventType[];

/** How often (clock time) the notifier re-reads which projects want PULL_ARTIFACT, for policies changed elsewhere. */
const PULL_PROJECTS_TTL_MS = 30_000;

const SCAN_TYPES: Readonly<Record<string, WebhookEventType>> = {
  Success: 'SCANNING_COMPLETED',
  Error: 'SCANNING_FAILED',
  Stopped: 'SCANNING_STOPPED',
};

function bytes(n: number): string {
  if (n < 0) return 'unlimited';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function stringAttr(attrs: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = attrs[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export interface WebhookNotifierOptions {
  /** The registry's public host (`http.baseUrl`) for `resource_url`; the request's Host when unset. */
  readonly host?: string | undefined;
  readonly onError: (error: unknown, message: string) => void;
}

/**
 * Turns domain events into Harbor's webhook events (the subscriber of webhooks/): finds the project's enabled
 * policies that want the event type, builds Harbor's payload once, and launches one execution of the job engine per
 * policy (vendor type WEBHOOK, trigger EVENT) with one task per target, each carrying its formatted body. Pulls are
 * transient and frequent: `artifact.pulled` is dropped at once unless its project is known to want PULL_ARTIFACT (a
 * set kept in memory, refreshed on policy changes and every 30 s of clock time).
 */
export class WebhookNotifier {
  private pullProjects = new Set<string>();
  private pullProjectsAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | undefined;
  /** Pull handling in progress (transient events are not awaited by their publisher). */
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly engine: JobEngine,
    private readonly clock: Clock,
    private readonly opts: WebhookNotifierOptions,
  ) {}

  subscribeTo(bus: EventBus): void {
    bus.subscribe('webhooks', MAPPED, (event) => this.handle(event));
    bus.subscribe('webhooks-policies', POLICY_EVENTS, () => this.refreshPullProjects());
    bus.subscribe('webhooks-pulls', ['artifact.pulled'], (event) => this.handlePull(event));
  }

  /** Re-reads which projects want PULL_ARTIFACT (also at start). */
  refreshPullProjects(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const names = new Set<string>();
        for (const id of await this.store.webhooks.projectsWanting('PULL_ARTIFACT')) {
          const project = await this.store.projects.get(id);
          if (project) names.add(project.name);
        }
        this.pullProjects = names;
        this.pullProjectsAt = this.clock.now();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Launches the deliveries of `payload` to every target of `policy`; records the policy's last trigger. */
  async launch(
    policy: WebhookPolicy,
    payload: HarborPayload,
    trigger: JobTrigger,
    requestId?: string,
  ): Promise<ExecutionRecord> {
    const tasks: WebhookTaskParams[] = policy.targets.map((target, index) => {
      const formatted = formatPayload(payload, target.type, target.payloadFormat, {
        projectId: policy.projectId,
        policyId: policy.id,
        requestId,
      });
      return {
        policy_id: policy.id,
        event_type: payload.type,
        target_index: index,
        type: target.type,
        address: target.address,
        skip_cert_verify: target.skipCertVerify,
        payload_format: target.payloadFormat,
        content_type: formatted.contentType,
        payload: formatted.body,
      };
    });
    const execution = await this.engine.enqueue({
      vendorType: WEBHOOK_JOB,
      vendorId: policy.id,
      trigger,
      extraAttrs: { event_type: payload.type },
      tasks,
    });
    await this.store.webhooks.recordTrigger(policy.id, payload.type, new Date(this.clock.now()));
    return execution;
  }

  private handlePull(event: EventOfType<'artifact.pulled'>): Promise<void> | void {
    if (this.clock.now() - this.pullProjectsAt > PULL_PROJECTS_TTL_MS && !this.refreshing) {
      void this.refreshPullProjects().catch((error: unknown) =>
        this.opts.onError(error, 'reading the webhook policies that want pulls failed'),
      );
    }
    if (!this.pullProjects.has(projectNameOf(event.repository))) return;
    const handling = this.handle(event).finally(() => this.inflight.delete(handling));
    this.inflight.add(handling);
    return handling;
  }

  /** Resolves once the pulls handed over so far are handled (tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inflight, this.refreshing]);
  }

  private async handle(event: MappedEvent): Promise<void> {
    const subject = await this.subjectOf(event);
    if (!subject) return;
    const policies = await this.store.webhooks.enabledFor(subject.project.id, subject.eventType);
    if (policies.length === 0) return;
    const payload = await subject.payload();
    for (const policy of policies) await this.launch(policy, payload, 'EVENT', subject.requestId);
  }

  private async projectNamed(repository: string): Promise<ProjectRecord | undefined> {
    return this.store.projects.getByName(projectNameOf(repository));
  }

  private base(event: DomainEvent, type: WebhookEventType, data: EventData): HarborPayload {
    return { type, occur_at: Math.floor(event.at / 1000), operator: event.by?.name ?? '', event_data: data };
  }

  private repositoryOf(project: ProjectRecord, repository: string) {
    return {
      name: repositoryPathOf(repository),
      namespace: project.name,
      repo_full_name: repository,
      repo_type: project.public ? ('public' as const) : ('private' as const),
    };
  }

  private resource(event: DomainEvent, repository: string, digest: string, tag: string | undefined): PayloadResource {
    const host = this.opts.host ?? event.by?.origin?.host;
    const reference = tag ? `:${tag}` : `@${digest}`;
    return { digest, tag: tag ?? '', ...(host ? { resource_url: `${host}/${repository}${reference}` } : {}) };
  }

  private async artifactSubject(
    event: DomainEvent,
    type: WebhookEventType,
    repository: string,
    resources: (event: DomainEvent) => PayloadResource[],
  ): Promise<Subject | undefined> {
    const project = await this.projectNamed(repository);
    if (!project) return undefined;
    return {
      project,
      eventType: type,
      requestId: event.by?.origin?.requestId,
      payload: () =>
        Promise.resolve(
          this.base(event, type, { resources: resources(event), repository: this.repositoryOf(project, repository) }),
        ),
    };
  }

  private async subjectOf(event: MappedEvent): Promise<Subject | undefined> {
    switch (event.type) {
      case 'artifact.pushed':
        return this.artifactSubject(event, 'PUSH_ARTIFACT', event.repository, (e) => [
          this.resource(e, event.repository, event.digest, event.tag),
        ]);
      case 'artifact.pulled':
        // Harbor names the digest as the tag of a pull by digest.
        return this.artifactSubject(event, 'PULL_ARTIFACT', event.repository, (e) => [
          this.resource(e, event.repository, event.digest, event.tag ?? event.digest),
        ]);
      case 'artifact.deleted':
        return this.artifactSubject(event, 'DELETE_ARTIFACT', event.repository, (e) =>
          event.tags.length === 0
            ? [this.resource(e, event.repository, event.digest, undefined)]
            : event.tags.map((tag) => this.resource(e, event.repository, event.digest, tag)),
        );
      case 'tag.created':
      case 'tag.moved':
        return this.artifactSubject(event, 'CREATE_TAG', event.repository, (e) => [
          this.resource(e, event.repository, event.digest, event.tag),
        ]);
      case 'tag.deleted':
        return this.artifactSubject(event, 'DELETE_TAG', event.repository, (e) => [
          this.resource(e, event.repository, event.digest, event.tag),
        ]);
      case 'repository.deleted': {
        const project = await this.projectNamed(event.repository);
        if (!project) return undefined;
        return {
          project,
          eventType: 'DELETE_REPOSITORY',
          requestId: event.by?.origin?.requestId,
          payload: () =>
            Promise.resolve(
              this.base(event, 'DELETE_REPOSITORY', { repository: this.repositoryOf(project, event.repository) }),
            ),
        };
      }
      case 'quota.exceeded':
      case 'quota.warning':
        return this.quotaSubject(event);
      case 'execution.finished':
        return this.executionSubject(event);
    }
  }

  private async quotaSubject(
    event: EventOfType<'quota.exceeded'> | EventOfType<'quota.warning'>,
  ): Promise<Subject | undefined> {
    const project = await this.store.projects.get(event.projectId);
    if (!project) return undefined;
    const exceeded = event.type === 'quota.exceeded';
    const details = exceeded
      ? `adding ${bytes(event.requested)} of storage resource, which when updated to current usage of ` +
        `${bytes(event.used)} will exceed the configured upper limit of ${bytes(event.hard)}.`
      : `quota usage reach ${event.warningPercent}%: resource storage used ${bytes(event.used)} of ${bytes(event.hard)}`;
    const type: WebhookEventType = exceeded ? 'QUOTA_EXCEED' : 'QUOTA_WARNING';
    return {
      project,
      eventType: type,
      requestId: event.by?.origin?.requestId,
      payload: () =>
        Promise.resolve(
          this.base(event, type, {
            ...(exceeded ? { resources: [{ digest: event.digest, tag: '' }] } : {}),
            repository: this.repositoryOf(project, event.repository),
            custom_attributes: { Details: details },
          }),
        ),
    };
  }

  private async executionSubject(event: EventOfType<'execution.finished'>): Promise<Subject | undefined> {
    if (event.vendorType === 'RETENTION') return this.retentionSubject(event);
    if (event.vendorType !== 'REPLICATION' && event.vendorType !== 'IMAGE_SCAN') return undefined;
    const execution = await this.engine.executions.get(event.executionId);
    if (!execution) return undefined;
    const attrs = execution.extraAttrs;
    const repository = stringAttr(attrs, 'repository');
    const projectId = typeof attrs.project_id === 'number' ? attrs.project_id : undefined;
    const projectName = stringAttr(attrs, 'project_name') ?? (repository ? projectNameOf(repository) : undefined);
    const project =
      projectId !== undefined
        ? await this.store.projects.get(projectId)
        : projectName
          ? await this.store.projects.getByName(projectName)
          : undefined;
    if (!project) return undefined;
    if (event.vendorType === 'REPLICATION') {
      return {
        project,
        eventType: 'REPLICATION',
        payload: () =>
          Promise.resolve(
            this.base(event, 'REPLICATION', {
              replication: {
                ...(this.opts.host ? { harbor_hostname: this.opts.host.split(':')[0] } : {}),
                job_status: event.status,
                trigger_type: event.trigger,
                execution_timestamp: Math.floor(event.startTime / 1000),
                ...(typeof attrs.replication === 'object' && attrs.replication !== null
                  ? (attrs.replication as Record<string, unknown>)
                  : {}),
              },
            }),
          ),
      };
    }
    const type = SCAN_TYPES[event.status]!;
    const digest = stringAttr(attrs, 'digest');
    return {
      project,
      eventType: type,
      payload: () =>
        Promise.resolve(
          this.base(event, type, {
            ...(repository && digest
              ? {
                  resources: [
                    {
                      ...this.resource(event, repository, digest, stringAttr(attrs, 'tag')),
                      ...(typeof attrs.scan_overview === 'object' && attrs.scan_overview !== null
                        ? { scan_overview: attrs.scan_overview as Record<string, unknown> }
                        : {}),
                    },
                  ],
                }
              : {}),
            ...(repository ? { repository: this.repositoryOf(project, repository) } : {}),
          }),
        ),
    };
  }

  /**
   * Harbor's TAG_RETENTION: once per finished retention run that was not a dry run, with the run's counts, the
   * policy's rules and its result; the operator is the run's trigger, as in Harbor.
   */
  private async retentionSubject(event: EventOfType<'execution.finished'>): Promise<Subject | undefined> {
    const policy = event.vendorId === undefined ? undefined : await this.store.retention.get(event.vendorId);
    if (!policy) return undefined;
    const execution = await this.engine.executions.get(event.executionId);
    if (execution?.extraAttrs.dry_run === true) return undefined;
    const project = await this.store.projects.get(policy.projectId);
    if (!project) return undefined;
    return {
      project,
      eventType: 'TAG_RETENTION',
      payload: async () => {
        const tasks = await this.engine.tasks.list(event.executionId);
        const results = await this.store.retention.taskResults(tasks.map((t) => t.id));
        let total = 0;
        let retained = 0;
        const deleted: { type: string; status: string; name_tag: string }[] = [];
        for (const result of results.values()) {
          total += result.total;
          retained += result.retained;
          for (const artifact of result.deleted ?? []) {
            deleted.push({ type: artifact.type, status: 'SUCCESS', name_tag: artifact.nameTag });
          }
        }
        return {
          ...this.base(event, 'TAG_RETENTION', {
            retention: {
              total,
              retained,
              ...(this.opts.host ? { harbor_hostname: this.opts.host.split(':')[0] } : {}),
              project_name: project.name,
              retention_policy_id: policy.id,
              retention_rule: policy.rules
                .filter((rule) => !rule.disabled)
                .map((rule) => ({
                  template: rule.template,
                  params: rule.params,
                  tag_selectors: rule.tag_selectors,
                  scope_selectors: rule.scope_selectors,
                })),
              result: event.status.toUpperCase(),
              ...(deleted.length > 0 && { deleted_artifact: deleted }),
            },
          }),
          operator: event.trigger,
        };
      },
    };
  }
}
