import { randomUUID } from 'node:crypto';
import type { NotifyType, PayloadFormat, WebhookEventType } from '../domain/webhook-policy.js';

/** Harbor's notification resource (src/pkg/notifier/model): an artifact of the event. */
export interface PayloadResource {
  readonly digest?: string;
  readonly tag: string;
  readonly resource_url?: string;
  readonly scan_overview?: Readonly<Record<string, unknown>>;
}

/** Harbor's notification repository. */
export interface PayloadRepository {
  readonly date_created?: number;
  /** The repository's name without its project. */
  readonly name: string;
  /** The project's name. */
  readonly namespace: string;
  readonly repo_full_name: string;
  readonly repo_type: 'public' | 'private';
}

/** Harbor's EventData: what the event is about; absent parts are left out as Harbor's `omitempty` does. */
export interface EventData {
  readonly resources?: readonly PayloadResource[];
  readonly repository?: PayloadRepository;
  readonly replication?: Readonly<Record<string, unknown>>;
  readonly retention?: Readonly<Record<string, unknown>>;
  readonly custom_attributes?: Readonly<Record<string, string>>;
}

/** Harbor's default payload: `type`, `occur_at` (seconds), `operator`, `event_data`. */
export interface HarborPayload {
  readonly type: WebhookEventType;
  readonly occur_at: number;
  readonly operator: string;
  readonly event_data: EventData;
}

/** Harbor's CloudEvents types (src/pkg/notifier/formats/cloudevents.go); the repository and tag deletions are Wharf's. */
export const CLOUDEVENTS_TYPES: Readonly<Record<WebhookEventType, string>> = {
  PUSH_ARTIFACT: 'harbor.artifact.pushed',
  PULL_ARTIFACT: 'harbor.artifact.pulled',
  DELETE_ARTIFACT: 'harbor.artifact.deleted',
  DELETE_REPOSITORY: 'harbor.repository.deleted',
  CREATE_TAG: 'harbor.tag.created',
  DELETE_TAG: 'harbor.tag.deleted',
  QUOTA_EXCEED: 'harbor.quota.exceeded',
  QUOTA_WARNING: 'harbor.quota.warned',
  TAG_RETENTION: 'harbor.tag_retention.finished',
  REPLICATION: 'harbor.replication.status.changed',
  SCANNING_COMPLETED: 'harbor.scan.completed',
  SCANNING_FAILED: 'harbor.scan.failed',
  SCANNING_STOPPED: 'harbor.scan.stopped',
};

/** Where the formatted payload goes: its policy and project (the CloudEvents `source`) and the request's id. */
export interface FormatContext {
  readonly projectId: number;
  readonly policyId: number;
  readonly requestId?: string | undefined;
}

export interface FormattedPayload {
  readonly contentType: string;
  readonly body: string;
}

/**
 * CloudEvents 1.0 in the structured JSON mode, as Harbor sends it: the context attributes and `data` in one JSON
 * object with `Content-Type: application/cloudevents+json`; a fresh UUID as `id`, the policy as `source`, the time
 * in RFC 3339, and Harbor's extension attributes `operator` and `requestid` (the request's id, when a request drove
 * the event).
 */
function cloudEvent(payload: HarborPayload, ctx: FormatContext): FormattedPayload {
  const event = {
    specversion: '1.0',
    id: randomUUID(),
    source: `/projects/${ctx.projectId}/webhook/policies/${ctx.policyId}`,
    type: CLOUDEVENTS_TYPES[payload.type],
    datacontenttype: 'application/json',
    time: new Date(payload.occur_at * 1000).toISOString().replace('.000Z', 'Z'),
    data: payload.event_data,
    operator: payload.operator,
    ...(ctx.requestId ? { requestid: ctx.requestId } : {}),
  };
  return { contentType: 'application/cloudevents+json', body: JSON.stringify(event) };
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/**
 * Harbor's Slack message (its SlackBodyTemplate): Block Kit sections naming the event type, the time (Slack's date
 * token, with the RFC 3339 time as the fallback text), the operator, and the event data as pretty JSON in a code
 * block.
 */
function slackMessage(payload: HarborPayload): FormattedPayload {
  const time = new Date(payload.occur_at * 1000).toISOString();
  const message = {
    blocks: [
      section('*Harbor webhook events*'),
      section(`*event_type:* ${payload.type}`),
      section(`*occur_at:* <!date^${payload.occur_at}^{date} at {time}|${time}>`),
      section(`*operator:* ${payload.operator}`),
      section('*event_data:*'),
      section('```' + JSON.stringify(payload.event_data, null, '\t') + '```'),
    ],
  };
  return { contentType: 'application/json', body: JSON.stringify(message) };
}

/** The body a target of type `type` and format `format` receives. */
export function formatPayload(
  payload: HarborPayload,
  type: NotifyType,
  format: PayloadFormat,
  ctx: FormatContext,
): FormattedPayload {
  if (type === 'slack') return slackMessage(payload);
  if (format === 'CloudEvents') return cloudEvent(payload, ctx);
  return { contentType: 'application/json', body: JSON.stringify(payload) };
}
