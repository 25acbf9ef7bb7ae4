import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createBlobStore } from './adapters/blob/index.js';
import { openKeyedDatabase, startWharfKeys, type WharfKeys } from './main-keys.js';
import type { Signals } from './ports/signals.js';
import type { WharfConfig } from './config/index.js';
import { ensureAdmin, leasesFor, openConfiguredDatabase, workerCount } from './main-process.js';
import { authenticationOf } from './main-auth.js';
import type { OidcFeature } from './main-oidc.js';
import { keepCoherent, signalProbes, signalsFor } from './main-signals.js';
import { buildHttpServer } from './http/server.js';
import { listenForMetrics } from './http/metrics-route.js';
import {
  clusteredMetrics,
  createAuditLog,
  createMetrics,
  createNotifier,
  createRateLimits,
  createTracing,
} from './main-observers.js';
import { tracedStore } from './adapters/db/traced-store.js';
import { tracedBlobStore } from './adapters/blob/traced-blob-store.js';
import { RequestGauge } from './lib/request-gauge.js';
import { JobEngine } from './jobs/engine.js';
import { JobServiceMonitor } from './jobs/monitor.js';
import { scheduleSystemJobs } from './jobs/system-jobs.js';
import type { BlobStore } from './ports/blob-store.js';
import { GarbageCollector } from './gc/collector.js';
import { gcJob } from './gc/gc-job.js';
import { GcService } from './gc/gc-service.js';
import { TagHistoryService } from './tag-history/tag-history-service.js';
import { systemOperator } from './domain/events.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { mkdirPrivate } from './lib/private-files.js';
import { PasswordVerifier } from './lib/password-hash.js';
import { PolicyChain, readOnlyPolicy, type RegistryPolicy } from './registry-core/policies.js';
import { immutableTagPolicy } from './immutable/immutable-policy.js';
import { ImmutableRuleService } from './immutable/immutable-rule-service.js';
import { ArtifactLabelService, LabelService } from './labels/label-service.js';
import { retentionJob, retentionTriggerJob } from './retention/retention-job.js';
import { RetentionService } from './retention/retention-service.js';
import { quotaPolicy } from './services/quotas/quota-policy.js';
import { QuotaService } from './services/quotas/quotas.js';
import { NotificationStatusService } from './notifications/notification-status.js';
import type { RegistryNotifier } from './notifications/registry-notifier.js';
import { PullRecorder } from './registry-core/pull-recorder.js';
import { Registry } from './registry-core/registry.js';
import { EventBus } from './events/event-bus.js';
import { OutboxRelay } from './events/outbox-relay.js';
import { UnitOfWork } from './events/unit-of-work.js';
import { identityFor, passwordResetFor } from './main-identity.js';
import { systemJobsOf } from './main-jobs.js';
import { addressOf, createLogger, splitAddr } from './main-log.js';

export { createLogger, splitAddr, type LogOutput } from './main-log.js';
import { registerSubscribers } from './subscribers.js';
import { TargetGuard, type Resolver } from './webhooks/target-guard.js';
import { webhookJob } from './webhooks/webhook-job.js';
import { WebhookNotifier } from './webhooks/webhook-notifier.js';
import { WebhookService } from './webhooks/webhook-service.js';
import type { AuditLog } from './audit/audit-log.js';
import { AuditService } from './audit/audit-service.js';
import { AUDIT_EVENT_TYPES } from './audit/event-mapping.js';
import { PurgeAuditService, purgeAuditJob } from './audit/purge-audit.js';
import type { GeneratedAdminPassword } from './services/admin-bootstrap.js';
import { AuthDecisionPublisher, AuthEventRecorder } from './services/auth-events.js';
import { ArtifactTagService } from './services/artifact-tags.js';
import { ArtifactService } from './services/artifacts.js';
import { Authenticator } from './services/authenticator.js';
import { RegistryAccess } from './services/registry-access.js';
import { TokenService } from './auth/token/token-service.js';
import { ConfigurationService } from './services/configurations.js';
import { HealthMonitor } from './services/health.js';
import { healthProbes } from './services/health-probes.js';
import { PermissionService } from './services/permissions.js';
import { ReadOnlyGuard } from './services/read-only.js';
import { RobotService } from './services/robots.js';
import { createProjectServices } from './services/project-services.js';
import { RepositoryService } from './services/repositories.js';
import { UserService } from './services/users.js';
import { EmailServerCheck } from './self-service/email-settings.js';
import type { PasswordResetService } from './self-service/password-reset.js';

export { leasesFor, openConfiguredDatabase, openConfiguredStore, prepareWharf, workerCount } from './main-process.js';
export { signalsFor } from './main-signals.js';

/** Wharf's version (the server package's), reported as `harbor_version` by /api/v2.0/systeminfo. */
export const WHARF_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The composition root: the only module that knows which adapters exist. It turns a validated
 * configuration into a running application.
 */
export interface Wharf {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  /** The one database port: every aggregate's records and one transaction. */
  readonly store: Store;
  readonly log: Logger;
  /** The clock everything in this instance reads. */
  readonly clock: Clock;
  /** OIDC single sign-on and CLI secrets (main-oidc.ts). */
  readonly oidc: OidcFeature;
  /** Pull counts and times (a subscriber of `artifact.pulled`); tests flush it. */
  readonly pulls: PullRecorder;
  /** Distribution's registry notifications (their queues' state for the status page; tests wait on it). */
  readonly notifications: RegistryNotifier;
  /** The components' health (/api/v2.0/health) and readiness (/readyz). */
  readonly health: HealthMonitor;
  /** Online garbage collection (gc/); the job engine runs it, tests call it. */
  readonly gc: GarbageCollector;
  /** The audit log's subscriber (audit/), absent when `audit.enabled` is off; tests flush it. */
  readonly audit: AuditLog | undefined;
  /** Hands committed domain events to the subscribers; tests drain it. */
  readonly events: { readonly bus: EventBus; readonly relay: OutboxRelay };
  /** The job engine (GC, retention, purges… register their job types here). */
  readonly jobs: JobEngine;
  /** Password reset by e-mail; tests wait for the links asked for to be sent (`settled`). */
  readonly passwordReset: PasswordResetService;
  /** The webhook subscriber; tests wait for its pull handling (`settled`). */
  readonly webhooks: WebhookNotifier;
  /** Broadcast hints between this machine's (or deployment's) processes, for caches (ports/signals.ts). */
  readonly signals: Signals;
  /** The token signing keys and the secret box's maintenance (main-keys.ts): rotation, resealing. */
  readonly keys: WharfKeys;
  /** The tracer when `tracing.enabled` is set (tests flush it); undefined otherwise: no SDK was loaded. */
  readonly tracing: { flush(): Promise<void> } | undefined;
  /** The metrics' own listener's address (`metrics.addr`) once listening; undefined otherwise. */
  metricsUrl(): string | undefined;
  /** Starts listening (and background jobs); resolves with the bound address. */
  listen(): Promise<string>;
  /** Re-reads the TLS certificate and key (on SIGHUP); false when TLS is not configured. */
  reloadTls(): boolean;
  /** Stops accepting requests, lets in-flight ones finish, stops jobs, closes the database. */
  close(): Promise<void>;
}

/** What the composition root takes besides the configuration; tests pass a ManualClock here. */
export interface WharfDependencies {
  readonly clock?: Clock;
  /** Links appended to the registry's policy chain after read-only mode and quota (features add theirs; tests too). */
  readonly policies?: readonly RegistryPolicy[];
  /** Told the administrator's password when the first start generated it (`wharf serve` shows it in a banner). */
  readonly onAdminPasswordGenerated?: (generated: GeneratedAdminPassword) => void;
  /** Checks passwords, bounded (default: one built from `login.maxConcurrentHashes` and `login.maxQueuedHashes`). */
  readonly passwordVerifier?: PasswordVerifier;
  /** Opens the blob store on the configured root instead of the filesystem adapter (tests: a backend with URLs). */
  readonly storage?: (rootDirectory: string) => BlobStore;
  /** Resolves webhook targets' host names for the SSRF guard (default: the system resolver; tests pin names). */
  readonly webhookResolver?: Resolver;
  /** prepareWharf ran already (a worker of `wharf serve`): no migrations, no administrator bootstrap here. */
  readonly prepared?: boolean;
  /** This process is one of several workers on this machine (node:cluster): leases and signals cross processes. */
  readonly clustered?: boolean;
  /** Broadcasts between processes (ports/signals.ts), owned by the caller; default: `signalsFor` the configuration. */
  readonly signals?: Signals;
}

export async function createWharf(
  config: Readonly<WharfConfig>,
  log = createLogger(config),
  deps: WharfDependencies = {},
): Promise<Wharf> {
  const clock = deps.clock ?? systemClock;
  await mkdirPrivate(config.data.dir);
  // Migrated, and checked before anything is written: a node without the key of the stored secrets refuses to start.
  const { database, secrets } = await openKeyedDatabase(config, (box) => openConfiguredDatabase(config, log, box), log);
  try {
    if (!deps.prepared) await ensureAdmin(config, database.store, log, deps.onAdminPasswordGenerated);
  } catch (error) {
    await database.store.close();
    throw error;
  }
  const clustered = deps.clustered ?? false;
  const signals = deps.signals ?? signalsFor(config, clustered, log);
  const tracing = config.tracing.enabled ? await createTracing(config, WHARF_VERSION) : undefined;
  // With tracing, the store and the blob store are decorated with spans; without it they are the adapters as such.
  const store = tracing
    ? tracedStore(database.store, tracing.spans, config.database.driver === 'postgres' ? 'postgresql' : 'sqlite')
    : database.store;
  const keys = await startWharfKeys(config, { database, signals, secrets: secrets.box, clock, store, log });
  const verifier =
    deps.passwordVerifier ??
    new PasswordVerifier({ maxConcurrent: config.login.maxConcurrentHashes, maxQueued: config.login.maxQueuedHashes });
  const bus = new EventBus((err, subscriber, event) =>
    log.warn({ err, subscriber, event: event.type }, 'an event subscriber failed'),
  );
  const work = new UnitOfWork(store, clock);
  const identity = identityFor({
    database,
    store,
    work,
    clock,
    box: secrets.box,
    onError: (err, what) => log.warn({ err }, what),
  });
  const { personalTokens, oidc } = identity;
  const authenticator = new Authenticator(store, { verifier, clock, external: identity.logins, personalTokens });
  const access = new RegistryAccess(store);
  const tokens = new TokenService(keys.ring, access, {
    issuer: config.token.issuer,
    service: config.token.service,
    acceptedServices: config.token.acceptedServices,
    expirationMinutes: async () => (await store.settings.get()).tokenExpiration,
    now: () => clock.now(),
    contextOfAccount: (name) => authenticator.contextOfAccount(name),
    personalTokenScope: (tokenId, userId) => personalTokens.scopeOf(tokenId, userId),
    projectNamed: (name) => store.projects.getByName(name),
  });
  const root = config.storage.rootDirectory!;
  const adapter =
    deps.storage?.(root) ??
    (config.storage.driver === 's3'
      ? createBlobStore({ driver: 's3', ...config.storage.s3, bucket: config.storage.s3.bucket! })
      : createBlobStore({ driver: 'filesystem', rootDirectory: root }));
  const storage = tracing ? tracedBlobStore(adapter, tracing.spans, config.storage.driver) : adapter;
  // One holder id per process: the nodes' leases (periodic rounds, upload sessions) tell processes apart by it.
  const node = `${hostname()
    .replace(/[^!-~]/g, '_')
    .slice(0, 100)}:${process.pid}:${randomUUID()}`;
  const leases = leasesFor(config, database, clock, clustered);
  // The one job engine: its records are rows of this database; every node claims tasks with a compare-and-set.
  const jobs = new JobEngine({
    records: database.jobs(),
    clock,
    log: log.child({ component: 'jobs' }),
    node,
    host: hostname(),
    workers: config.jobs.workers,
    claimTtlMs: config.jobs.claimTtl * 1000,
    pollIntervalMs: config.jobs.pollInterval * 1000,
    logMaxBytes: config.jobs.logMaxBytes,
  });
  const relay = new OutboxRelay(store, bus, clock, {
    onError: (err) => log.warn({ err }, 'delivering domain events failed; retrying'),
  });
  work.onCommit(relay);
  const readOnly = new ReadOnlyGuard(store.settings, undefined, () => clock.now());
  const registry = new Registry(
    {
      store,
      storage,
      work,
      bus,
      clock,
      policies: new PolicyChain([
        readOnlyPolicy(readOnly),
        immutableTagPolicy(store),
        quotaPolicy({ warningPercent: config.quota.warningPercent }),
        ...(deps.policies ?? []),
      ]),
    },
    {
      manifestMaxBytes: config.limits.manifestBytes,
      uploads: { leases, node, waitMs: Math.round(config.uploads.sessionLockWait * 1000) },
      blobRedirect: config.storage.redirect,
      restoreWindowMs: config.tags.restoreWindow * 1000,
    },
  );
  const load = new RequestGauge();
  const health = new HealthMonitor(
    healthProbes(store, storage, () => jobs.health(), clock, signalProbes(signals)),
    {
      now: () => clock.now(),
      onFailure: (component, err) => log.warn({ err, component }, 'a health check failed'),
    },
  );
  const metrics = config.metrics.enabled
    ? await createMetrics({
        clock,
        cacheMs: config.metrics.cacheTime * 1000,
        records: database.metrics(),
        poolUse: () => database.poolUse(),
        inFlight: () => load.inFlight,
        manifestCache: () => registry.manifestCache.stats(),
        queues: () => jobs.queues.list(),
        workers: () => jobs.workers('all'),
        health: () => health.report(),
        systemInfo: async () => {
          const settings = await store.settings.get();
          return { authMode: settings.authMode, selfRegistration: settings.selfRegistration, version: WHARF_VERSION };
        },
      })
    : undefined;
  const gc = new GarbageCollector({
    store,
    storage,
    registry,
    clock,
    actor: { by: systemOperator('gc') },
    requests: load,
  });
  const pulls = new PullRecorder(store, {
    now: () => clock.now(),
    onError: (err) => log.warn({ err }, 'recording manifest pulls failed; retrying with the next batch'),
  });
  const authEvents = new AuthEventRecorder(store.authEvents, log, {
    retentionSeconds: config.sessions.authEventRetention,
    now: () => clock.now(),
  });
  const webhookGuard = new TargetGuard(config.webhooks.allowedTargets, deps.webhookResolver);
  const publicHost = config.http.baseUrl ? new URL(config.http.baseUrl).host : undefined;
  const webhooks = new WebhookNotifier(store, jobs, clock, {
    host: publicHost,
    onError: (err, message) => log.warn({ err }, message),
  });
  const notifications = createNotifier(
    config,
    registry,
    clock,
    log,
    `${hostname()}:${splitAddr(config.http.addr).port}`,
  );
  const auditLog = createAuditLog(config, store, clock, log);
  await auditLog?.reloadSettings();
  registerSubscribers(bus, { pulls, authEvents, notifications, webhooks, audit: auditLog, metrics });
  // What another process changes reaches this one's caches through signals (cache-coherence.ts).
  keepCoherent(signals, log, bus, { readOnly, tokens, authenticator, webhooks, audit: auditLog });
  const artifacts = new ArtifactService(store, registry);
  const now = () => new Date(clock.now());
  const tls = config.http.tls;
  const authentication = authenticationOf(config, store, authenticator, new AuthDecisionPublisher(bus, clock), clock);
  const projectServices = createProjectServices(store, work);
  // Self-service (self-service/): password reset links sent through the SMTP server of the email_* configurations.
  const passwordReset = passwordResetFor(config, { store, work, box: secrets.box, clock, log });
  const retention = new RetentionService(store, jobs, now, work);
  // A cluster's worker shows every worker's metrics (the primary adds them up and serves `metrics.addr` itself).
  const render = metrics && (clustered ? await clusteredMetrics(metrics) : () => metrics.render());
  const metricsEndpoint = render && { path: config.metrics.path, render };
  // In-memory counters are per process: each of a cluster's workers allows its share of every limit.
  const rateLimits = createRateLimits(config, log, clustered ? workerCount(config) : 1);
  const app = buildHttpServer({
    rateLimits: rateLimits?.hooks,
    health,
    load,
    observer: metrics,
    tracer: tracing?.requests,
    metricsEndpoint: config.metrics.addr === undefined ? metricsEndpoint : undefined,
    registry,
    logger: log,
    accessLog: config.http.accessLog,
    baseUrl: config.http.baseUrl,
    https: tls ? { key: readFileSync(tls.key), cert: readFileSync(tls.certificate) } : undefined,
    registryAuth: {
      access,
      tokens,
      login: (username, password, req, channel) =>
        authentication.guard.login(username, password, { clientAddress: req.ip, channel }),
      contextOfAccount: (name) => authenticator.contextOfAccount(name),
      mayCreateProjects: (ctx) => projectServices.projects.mayCreate(ctx),
    },
    trustedProxies: config.http.trustedProxies,
    passwordReset,
    api: {
      version: WHARF_VERSION,
      now: () => clock.now(),
      settings: store.settings,
      health: () => health.report(),
      authentication,
      users: new UserService(store, work),
      robots: new RobotService(store, work, () => new Date(clock.now())),
      userGroups: identity.userGroups,
      configurations: new ConfigurationService(store, readOnly, work, identity.configurationSections),
      featureRoutes: identity.featureRoutes,
      features: identity.httpFeatures(authentication, config.http.baseUrl),
      permissions: new PermissionService(store),
      email: new EmailServerCheck(store, passwordReset.mailer, secrets.box),
      readOnly,
      projectServices,
      repositories: new RepositoryService(store, registry, work),
      artifacts,
      artifactTags: new ArtifactTagService(artifacts, store, registry),
      immutableRules: new ImmutableRuleService(store, work, now),
      labels: new LabelService(store, work, now),
      artifactLabels: new ArtifactLabelService(store, artifacts, work, now),
      jobservice: new JobServiceMonitor(jobs),
      gc: new GcService(jobs, { defaultTimeWindowSeconds: config.gc.timeWindow }),
      quotas: new QuotaService(store, work),
      retention,
      tagHistory: new TagHistoryService(store, registry, clock),
      webhooks: new WebhookService(store, work, jobs, webhookGuard, clock, {
        timeoutMs: config.webhooks.timeout * 1000,
        host: publicHost,
      }),
      notifications: new NotificationStatusService(notifications),
      audit: new AuditService(store),
      purgeAudit: new PurgeAuditService(jobs, AUDIT_EVENT_TYPES),
      personalTokens,
    },
    portal: { dir: config.portal.dir! },
    connections: {
      headersTimeout: config.http.headersTimeout,
      bodyIdleTimeout: config.http.bodyIdleTimeout,
      keepAliveTimeout: config.http.keepAliveTimeout,
      maxConnections: config.http.maxConnections,
    },
  });
  // Garbage collection: a job type the administrator runs or schedules through /system/gc (no system schedule).
  jobs.register(gcJob(gc, jobs, { defaultTimeWindowSeconds: config.gc.timeWindow }));
  // Tag retention: one task per repository of a run; a policy's schedule fires the trigger, which launches a run.
  jobs.register(retentionJob(store, registry));
  jobs.register(retentionTriggerJob(store, jobs, retention));
  // Webhook deliveries: one execution per policy and event, one task per target, through the SSRF guard.
  jobs.register(
    webhookJob(store, webhookGuard, {
      timeoutMs: config.webhooks.timeout * 1000,
      maxRetries: config.webhooks.maxRetries,
      retryDelayMs: config.webhooks.retryDelay * 1000,
    }),
  );
  await webhooks.refreshPullProjects();
  // Audit log purge: run or scheduled by the administrator through /system/purgeaudit (no system schedule).
  jobs.register(purgeAuditJob(store.audit, jobs, AUDIT_EVENT_TYPES));
  const purges = { sessions: authentication.sessions, guard: authentication.guard, authEvents, passwordReset };
  await scheduleSystemJobs(jobs, systemJobsOf(config, store, registry.uploads, purges));
  // Migrations ran and the administrator exists: /readyz may answer 200 (while the database answers).
  health.markReady();
  let metricsListener: { url: string; close(): Promise<void> } | undefined;
  return {
    app,
    registry,
    health,
    store,
    log,
    clock,
    oidc,
    pulls,
    gc,
    notifications,
    audit: auditLog,
    events: { bus, relay },
    jobs,
    webhooks,
    passwordReset,
    signals,
    keys,
    async listen() {
      // Node's listen rather than Fastify's, which logs a line of its own for every address (Wharf logs one).
      const { host, port } = splitAddr(config.http.addr);
      await app.ready();
      await new Promise<void>((resolve, reject) => {
        app.server.once('error', reject);
        app.server.listen({ host, port }, () => {
          app.server.off('error', reject);
          resolve();
        });
      });
      if (metricsEndpoint && config.metrics.addr !== undefined && !clustered) {
        const bind = splitAddr(config.metrics.addr);
        metricsListener = await listenForMetrics(metricsEndpoint, bind.host, bind.port);
        log.info({ url: `${metricsListener.url}${metricsEndpoint.path}` }, 'serving metrics');
      }
      jobs.start();
      relay.start();
      return addressOf(app, tls !== undefined);
    },
    reloadTls() {
      if (!tls) return false;
      (app.server as unknown as { setSecureContext(o: object): void }).setSecureContext({
        key: readFileSync(tls.key),
        cert: readFileSync(tls.certificate),
      });
      return true;
    },
    metricsUrl: () => metricsListener?.url,
    tracing,
    async close() {
      health.markStopping();
      await metricsListener?.close();
      await app.close();
      await passwordReset.settled();
      await rateLimits?.close();
      await jobs.close();
      await relay.stop();
      if (deps.signals === undefined) await signals.close();
      await notifications.close();
      await authEvents.flush(5000);
      await pulls.close();
      await auditLog?.close();
      await keys.close();
      await store.close();
      await tracing?.shutdown();
    },
  };
}
