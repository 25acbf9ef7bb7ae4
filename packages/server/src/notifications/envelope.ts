import { createHash, randomUUID } from 'node:crypto';
import type { DomainEvent, DomainEventType, EventOfType } from '../domain/events.js';
import { TRANSIENT_EVENT_TYPES } from '../domain/events.js';

/** The media type of distribution's notification envelope (the request's Content-Type). */
export const EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** What distribution reports as a blob's media type: blobs carry none of their own. */
export const BLOB_MEDIA_TYPE = 'application/octet-stream';

/** Distribution's actions. */
export type NotificationAction = 'push' | 'pull' | 'delete' | 'mount';

/** One event of distribution's envelope (`notifications.Event`), with the fields distribution sets. */
export interface NotificationEvent {
  readonly id: string;
  /** RFC 3339. */
  readonly timestamp: string;
  readonly action: NotificationAction;
  readonly target: {
    readonly mediaType?: string;
    readonly size?: number;
    readonly digest?: string;
    readonly length?: number;
    readonly repository: string;
    readonly fromRepository?: string;
    readonly url?: string;
    readonly tag?: string;
    /** The manifest's references (`notifications.events.includereferences`). */
    readonly references?: readonly NotificationDescriptor[];
  };
  readonly request?: {
    readonly id?: string;
    readonly addr?: string;
    readonly host?: string;
    readonly method?: string;
    readonly useragent?: string;
  };
  readonly actor: { readonly name?: string };
  readonly source: { readonly addr: string; readonly instanceID: string };
}

/** A descriptor of a manifest's reference, as distribution lists it. */
export interface NotificationDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/**
 * What a manifest references, as distribution's `References()` lists it: an index's manifests, an image's config and
 * layers (an artifact manifest's blobs). Unparsable content references nothing.
 */
export function referencesIn(content: Buffer): NotificationDescriptor[] {
  let manifest: unknown;
  try {
    manifest = JSON.parse(content.toString('utf8'));
  } catch {
    return [];
  }
  if (typeof manifest !== 'object' || manifest === null) return [];
  const m = manifest as Record<string, unknown>;
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);
  const candidates: unknown[] = Array.isArray(m.manifests)
    ? list(m.manifests)
    : [m.config, ...list(m.layers), ...list(m.blobs)];
  return candidates.flatMap((d) => {
    if (typeof d !== 'object' || d === null) return [];
    const { mediaType, digest, size } = d as Record<string, unknown>;
    if (typeof digest !== 'string' || typeof size !== 'number') return [];
    return [{ mediaType: typeof mediaType === 'string' ? mediaType : '', digest, size }];
  });
}

/** Distribution's envelope: what one notification request carries. */
export interface NotificationEnvelope {
  readonly events: readonly NotificationEvent[];
}

/** The domain events that become notifications (distribution notifies manifests, blobs, tags and repositories). */
export const NOTIFIED_EVENT_TYPES = [
  'artifact.pushed',
  'artifact.pulled',
  'artifact.deleted',
  'tag.deleted',
  'repository.deleted',
  'blob.pushed',
  'blob.pulled',
  'blob.mounted',
  'blob.deleted',
] as const satisfies readonly DomainEventType[];

/** An event that becomes a notification. */
export type NotifiedEvent = EventOfType<(typeof NOTIFIED_EVENT_TYPES)[number]>;

/** The transient ones: subscribed to only while some endpoint wants pulls. */
export const PULL_EVENT_TYPES = ['artifact.pulled', 'blob.pulled'] as const satisfies readonly DomainEventType[];

export interface EnvelopeSource {
  /** This registry's `host:port` (distribution: the listening host name and port). */
  readonly addr: string;
  /** One id per process (distribution: per registry instance). */
  readonly instanceID: string;
  /** The registry's public base URL for `target.url`; without it the request's Host is used (http). */
  readonly baseUrl?: string | undefined;
}

/** Distribution's event for a domain event. */
export function toNotification(event: NotifiedEvent, source: EnvelopeSource): NotificationEvent {
  const base = {
    id: eventId(event),
    timestamp: new Date(event.at).toISOString(),
    request: requestOf(event),
    actor: event.by && event.by.kind !== 'anonymous' ? { name: event.by.name } : {},
    source: { addr: source.addr, instanceID: source.instanceID },
  };
  const url = (kind: 'manifests' | 'blobs', repository: string, digest: string) => {
    const root = source.baseUrl?.replace(/\/+$/, '') ?? (event.by?.origin?.host && `http://${event.by.origin.host}`);
    return root ? `${root}/v2/${repository}/${kind}/${digest}` : undefined;
  };
  switch (event.type) {
    case 'artifact.pushed':
    case 'artifact.pulled':
      return {
        ...base,
        action: event.type === 'artifact.pushed' ? 'push' : 'pull',
        target: compact({
          mediaType: event.mediaType,
          size: event.size,
          digest: event.digest,
          length: event.size,
          repository: event.repository,
          url: url('manifests', event.repository, event.digest),
          tag: event.tag,
        }),
      };
    case 'artifact.deleted':
      // Distribution's manifest delete names the repository and digest.
      return {
        ...base,
        action: 'delete',
        target: compact({ mediaType: event.mediaType, digest: event.digest, repository: event.repository }),
      };
    case 'tag.deleted':
      // Distribution's tag delete names the repository and the tag.
      return { ...base, action: 'delete', target: compact({ repository: event.repository, tag: event.tag }) };
    case 'repository.deleted':
      return { ...base, action: 'delete', target: { repository: event.repository } };
    case 'blob.pushed':
    case 'blob.pulled':
    case 'blob.mounted':
      return {
        ...base,
        action: event.type === 'blob.pushed' ? 'push' : event.type === 'blob.pulled' ? 'pull' : 'mount',
        target: compact({
          mediaType: BLOB_MEDIA_TYPE,
          size: event.size,
          digest: event.digest,
          length: event.size,
          repository: event.repository,
          fromRepository: event.type === 'blob.mounted' ? event.from : undefined,
          url: url('blobs', event.repository, event.digest),
        }),
      };
    case 'blob.deleted':
      return { ...base, action: 'delete', target: { digest: event.digest, repository: event.repository } };
  }
}

/**
 * The event's id. Outbox events are delivered at least once, so a repeat (after a crash) carries the same id: it is
 * derived from the event itself, and receivers can drop duplicates by it. Transient events (pulls) get a random one.
 */
function eventId(event: DomainEvent): string {
  if (TRANSIENT_EVENT_TYPES.has(event.type)) return randomUUID();
  const hex = createHash('sha256').update(JSON.stringify(event)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function requestOf(event: DomainEvent): NotificationEvent['request'] {
  const origin = event.by?.origin;
  if (!origin) return undefined;
  return compact({
    id: origin.requestId,
    addr: origin.clientIp,
    host: origin.host,
    method: origin.method,
    useragent: origin.userAgent,
  });
}

/** The object without its undefined fields (JSON would drop them; tests compare objects). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
