import type { EventOfType } from './domain/events.js';
import type { EventBus } from './events/event-bus.js';
import type { Signals } from './ports/signals.js';

/**
 * The signal channels of cache coherence, one per kind of change. A message names what changed (an account or
 * project name), or is `*` for "anything of this kind".
 */
export const COHERENCE_CHANNELS = {
  /** The system settings (read-only mode, audit settings, token lifetime…). */
  settings: 'settings.changed',
  /** A user or robot account: created, changed (password, sysadmin, disabled, secret), deleted, or its memberships. */
  account: 'account.changed',
  /** A project: visibility or metadata changed, deleted. */
  project: 'project.changed',
  /** The webhook policies (which projects want pull events). */
  webhooks: 'webhooks.changed',
} as const;

/** What every process caches that must follow changes made by any process. */
export interface CoherentCaches {
  /** The read-only flag (services/read-only.ts). */
  readonly readOnly: { forget(): void };
  /** The token service's accounts, projects and authorisations (auth/token/token-service.ts). */
  readonly tokens: { forgetAccount(name: string): void; forgetProject(name: string): void; forgetAll(): void };
  /** The Authenticator's remembered password verifications. */
  readonly authenticator: { forgetVerified(): void };
  /** The webhook notifier's projects that want pull events. */
  readonly webhooks: { refreshPullProjects(): Promise<void> };
  /** The audit log's settings, when auditing is on. */
  readonly audit?: { reloadSettings(): Promise<void> } | undefined;
}

export interface CacheCoherenceOptions {
  /** Told when a signal could not be sent or a reload failed; the caches' own lifetimes still bound staleness. */
  readonly onError: (err: unknown, message: string) => void;
}

const EVENT_TYPES = [
  'configuration.updated',
  'user.created',
  'user.updated',
  'user.deleted',
  'user.password_changed',
  'robot.created',
  'robot.updated',
  'robot.deleted',
  'member.added',
  'member.updated',
  'member.removed',
  'project.created',
  'project.updated',
  'project.deleted',
  'webhook_policy.created',
  'webhook_policy.updated',
  'webhook_policy.deleted',
] as const;

/** The domain events that change something another process may have cached, and the signal each one sends. */
export function signalOf(event: EventOfType<(typeof EVENT_TYPES)[number]>): { channel: string; message: string } {
  switch (event.type) {
    case 'configuration.updated':
      return { channel: COHERENCE_CHANNELS.settings, message: '*' };
    case 'user.created':
    case 'user.updated':
    case 'user.deleted':
    case 'user.password_changed':
      return { channel: COHERENCE_CHANNELS.account, message: event.username };
    case 'robot.created':
    case 'robot.updated':
    case 'robot.deleted':
      return { channel: COHERENCE_CHANNELS.account, message: event.robot };
    case 'member.added':
    case 'member.updated':
    case 'member.removed':
      // A group member changes the roles of every account in the group: forget them all.
      return { channel: COHERENCE_CHANNELS.account, message: event.entity === '' ? '*' : event.entity };
    case 'project.created':
    case 'project.updated':
    case 'project.deleted':
      return { channel: COHERENCE_CHANNELS.project, message: event.project };
    case 'webhook_policy.created':
    case 'webhook_policy.updated':
    case 'webhook_policy.deleted':
      return { channel: COHERENCE_CHANNELS.webhooks, message: '*' };
  }
}

/**
 * Keeps every process's caches coherent. Publishing: a subscriber of the committed domain events (the outbox relay
 * hands each event to one process, after its commit) turns each change into a signal, which reaches every process,
 * the publisher included. Receiving: each process drops what it cached of the thing named, and on a reconnection
 * (messages may have been lost) drops everything. The caches keep their own lifetimes (one second for accounts,
 * projects and read-only mode), so a lost signal is bounded too. Returns the function that stops listening.
 */
export function keepCachesCoherent(
  bus: EventBus,
  signals: Signals,
  caches: CoherentCaches,
  opts: CacheCoherenceOptions,
): () => void {
  bus.subscribe('cache-coherence', EVENT_TYPES, async (event) => {
    const signal = signalOf(event);
    // Never fails the event: a redelivery would repeat the other subscribers' work for a hint.
    await signals
      .publish(signal.channel, signal.message)
      .catch((err: unknown) => opts.onError(err, `sending the ${signal.channel} signal failed`));
  });
  const reload = (work: Promise<void> | undefined, what: string) =>
    void work?.catch((err: unknown) => opts.onError(err, `reloading ${what} failed`));
  const forgetSettings = () => {
    caches.readOnly.forget();
    reload(caches.audit?.reloadSettings(), 'the audit settings');
  };
  const forgetAccount = (name: string) => {
    if (name === '*') caches.tokens.forgetAll();
    else caches.tokens.forgetAccount(name);
    caches.authenticator.forgetVerified();
  };
  const forgetProject = (name: string) => {
    if (name === '*') caches.tokens.forgetAll();
    else caches.tokens.forgetProject(name);
  };
  const refreshWebhooks = () => reload(caches.webhooks.refreshPullProjects(), 'the webhook policies');
  const stops = [
    signals.subscribe(COHERENCE_CHANNELS.settings, forgetSettings),
    signals.subscribe(COHERENCE_CHANNELS.account, forgetAccount),
    signals.subscribe(COHERENCE_CHANNELS.project, forgetProject),
    signals.subscribe(COHERENCE_CHANNELS.webhooks, refreshWebhooks),
    signals.onReconnect(() => {
      forgetSettings();
      forgetAccount('*');
      refreshWebhooks();
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
