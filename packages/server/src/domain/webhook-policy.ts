import { InvalidError } from './errors.js';

/** Harbor's webhook event types (its `event_type` names), in the order `…/webhook/events` lists them. */
export const WEBHOOK_EVENT_TYPES = [
  'PUSH_ARTIFACT',
  'PULL_ARTIFACT',
  'DELETE_ARTIFACT',
  'DELETE_REPOSITORY',
  'CREATE_TAG',
  'DELETE_TAG',
  'QUOTA_EXCEED',
  'QUOTA_WARNING',
  'TAG_RETENTION',
  'REPLICATION',
  'SCANNING_COMPLETED',
  'SCANNING_FAILED',
  'SCANNING_STOPPED',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where a target sends: an HTTP endpoint or a Slack incoming webhook. */
export const NOTIFY_TYPES = ['http', 'slack'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** The payload formats each notify type accepts: HTTP only has a choice; Slack gets Harbor's Slack message. */
export const PAYLOAD_FORMATS: Readonly<Record<NotifyType, readonly PayloadFormat[]>> = {
  http: ['Default', 'CloudEvents'],
  slack: [],
};
export type PayloadFormat = 'Default' | 'CloudEvents';

export interface WebhookTarget {
  readonly type: NotifyType;
  readonly address: string;
  /** Sent as the `Authorization` header of HTTP deliveries; empty when none. */
  readonly authHeader: string;
  readonly skipCertVerify: boolean;
  readonly payloadFormat: PayloadFormat;
}

/** What a policy's body sets. */
export interface WebhookPolicyData {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly eventTypes: readonly WebhookEventType[];
  readonly targets: readonly WebhookTarget[];
}

export interface WebhookPolicy extends WebhookPolicyData {
  readonly id: number;
  readonly projectId: number;
  readonly creator: string;
  readonly creationTime: Date;
  readonly updateTime: Date;
}

const MAX_NAME = 256;
const MAX_DESCRIPTION = 1024;
const MAX_TARGETS = 10;
const MAX_AUTH_HEADER = 4096;

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function stringField(body: Readonly<Record<string, unknown>>, key: string, max: number, fallback?: string): string {
  const value = body[key] ?? fallback;
  if (typeof value !== 'string') throw invalid(`${key} must be a string`);
  if (value.length > max) throw invalid(`${key} is longer than ${max} characters`);
  return value;
}

function targetOf(value: unknown, index: number): WebhookTarget {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`targets[${index}] must be an object`);
  }
  const t = value as Readonly<Record<string, unknown>>;
  const rawType = t.type ?? 'http';
  if (!NOTIFY_TYPES.includes(rawType as NotifyType)) {
    throw invalid(`targets[${index}].type must be one of ${NOTIFY_TYPES.join(', ')}`);
  }
  const type = rawType as NotifyType;
  const address = t.address;
  if (typeof address !== 'string' || address.trim() === '') throw invalid(`targets[${index}].address is required`);
  let url: URL;
  try {
    url = new URL(address.trim());
  } catch {
    throw invalid(`targets[${index}].address is not a URL: ${address}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`targets[${index}].address must be an http or https URL`);
  }
  if (url.username || url.password) throw invalid(`targets[${index}].address must not carry credentials`);
  const authHeader = t.auth_header ?? '';
  if (typeof authHeader !== 'string' || authHeader.length > MAX_AUTH_HEADER || /[\r\n\0]/.test(authHeader)) {
    throw invalid(`targets[${index}].auth_header must be a single-line string`);
  }
  const skip = t.skip_cert_verify ?? false;
  if (typeof skip !== 'boolean') throw invalid(`targets[${index}].skip_cert_verify must be a boolean`);
  const given = t.payload_format === undefined || t.payload_format === '' ? undefined : t.payload_format;
  // As Harbor: Slack targets take no payload format; HTTP ones default to Harbor's JSON.
  if (type === 'slack' && given !== undefined) throw invalid('set payload format is not allowed for slack');
  const format = given ?? 'Default';
  if (type === 'http' && !PAYLOAD_FORMATS.http.includes(format as PayloadFormat)) {
    throw invalid(`unsupported payload format type: ${JSON.stringify(format)}`);
  }
  return {
    type,
    // As Harbor: the scheme, host and path only (no query, no fragment).
    address: `${url.protocol}//${url.host}${url.pathname}`,
    authHeader,
    skipCertVerify: skip,
    payloadFormat: format as PayloadFormat,
  };
}

/**
 * A policy's data from Harbor's WebhookPolicy body, validated as Harbor's handler does: a name, at least one
 * event type (each known) and at least one target (http or slack, an http(s) address). InvalidError otherwise.
 */
export function webhookPolicyDataOf(body: Readonly<Record<string, unknown>>): WebhookPolicyData {
  const name = stringField(body, 'name', MAX_NAME).trim();
  if (name === '') throw invalid('name is required');
  const description = stringField(body, 'description', MAX_DESCRIPTION, '');
  // Harbor's handler copies the body into a policy whose `enabled` is false unless the body says true.
  const enabled = body.enabled ?? false;
  if (typeof enabled !== 'boolean') throw invalid('enabled must be a boolean');
  const eventTypes = body.event_types;
  if (!Array.isArray(eventTypes) || eventTypes.length === 0) throw invalid('event_types needs at least one type');
  for (const type of eventTypes) {
    if (!WEBHOOK_EVENT_TYPES.includes(type as WebhookEventType)) {
      throw invalid(`unknown event type ${String(type)}`);
    }
  }
  const targets = body.targets;
  if (!Array.isArray(targets) || targets.length === 0) throw invalid('targets needs at least one target');
  if (targets.length > MAX_TARGETS) throw invalid(`a policy has at most ${MAX_TARGETS} targets`);
  return {
    name,
    description,
    enabled,
    eventTypes: [...new Set(eventTypes as WebhookEventType[])],
    targets: targets.map(targetOf),
  };
}
