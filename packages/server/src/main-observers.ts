import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import type { WharfConfig } from './config/index.js';
import type { MetricsSources, WharfMetrics } from './metrics/metrics.js';
import { notificationEndpoints } from './notifications/endpoint-options.js';
import { RegistryNotifier } from './notifications/registry-notifier.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { Registry } from './registry-core/registry.js';
import type { Tracing } from './tracing/tracing.js';
import { memoryRateLimitCounters } from './adapters/rate-limits/memory-rate-limits.js';
import { redisRateLimitCounters } from './adapters/rate-limits/redis-rate-limits.js';
import { openRedis } from './adapters/redis/redis-connection.js';
import { RateLimitHooks } from './rate-limits/http-hooks.js';
import { RateLimiter } from './rate-limits/rate-limiter.js';
import { rateLimitPolicy } from './rate-limits/settings.js';

/*
 * The composition root's part for the observers of events and requests (issue 11's subscribers): what they are built
 * from in the configuration. main.ts wires them; this file only builds them.
 */

/** The Prometheus metrics, loaded (with prom-client) only when enabled. */
export async function createMetrics(sources: MetricsSources): Promise<WharfMetrics> {
  const { WharfMetrics } = await import('./metrics/metrics.js');
  return new WharfMetrics(sources);
}

/**
 * A cluster worker's metrics endpoint: it answers the primary's collections and renders every worker's metrics,
 * added up by the primary (metrics/cluster-metrics.ts).
 */
export async function clusteredMetrics(
  metrics: WharfMetrics,
): Promise<() => Promise<{ readonly contentType: string; readonly body: string }>> {
  const { workerMetrics } = await import('./metrics/cluster-metrics.js');
  return workerMetrics(metrics.registry, {
    send: (message) => void process.send?.(message, undefined, undefined, () => undefined),
    on: (event, listener) => process.on(event, listener),
    off: (event, listener) => process.off(event, listener),
  });
}

/** OpenTelemetry tracing, loaded (the SDK and its context manager) only when enabled. */
export async function createTracing(config: Readonly<WharfConfig>, version: string): Promise<Tracing> {
  const { startTracing } = await import('./tracing/tracing.js');
  return startTracing({
    endpoint: config.tracing.endpoint,
    serviceName: config.tracing.serviceName,
    serviceVersion: version,
    samplingRatio: config.tracing.samplingRatio,
  });
}

/** Distribution's registry notifications to `notifications.endpoints`; `sourceAddr` is this node's `host:port`. */
export function createNotifier(
  config: Readonly<WharfConfig>,
  registry: Registry,
  clock: Clock,
  log: Logger,
  sourceAddr: string,
): RegistryNotifier {
  return new RegistryNotifier(
    notificationEndpoints(config.notifications),
    { addr: sourceAddr, instanceID: randomUUID(), baseUrl: config.http.baseUrl },
    {
      now: () => clock.now(),
      onFailure: (endpoint, error) =>
        log.warn({ endpoint, error }, 'a registry notification was not delivered; retrying'),
    },
    {
      includeReferences: config.notifications.events.includereferences,
      manifestContent: (digest) => registry.manifests.content(digest),
    },
  );
}

/** The audit log, or undefined when `audit.enabled` is off (nothing recorded, nothing forwarded). */
export function createAuditLog(
  config: Readonly<WharfConfig>,
  store: Store,
  clock: Clock,
  log: Logger,
): AuditLog | undefined {
  if (!config.audit.enabled) return undefined;
  const { forward } = config.audit;
  return new AuditLog(
    { records: store.audit, projects: store.projects, settings: store.settings, clock },
    {
      batchSize: config.audit.batchSize,
      flushMs: config.audit.flushInterval * 1000,
      forward: {
        protocol: forward.protocol,
        ca: forward.ca === undefined ? undefined : readFileSync(forward.ca, 'utf8'),
        serverName: forward.serverName,
        insecureSkipVerify: forward.insecureSkipVerify,
      },
      onError: (err, what) => log.warn({ err }, `audit log: ${what} failed`),
    },
  );
}

/**
 * The rate limits (`rateLimits`), or undefined when disabled (the HTTP layer then adds no hook). Counters live in
 * Redis when `redis.url` is set, shared by every process and node; otherwise in this process's memory, where each of
 * `processes` worker processes counts apart and so allows its share of every limit.
 */
export function createRateLimits(
  config: Readonly<WharfConfig>,
  log: Logger,
  processes = 1,
): { hooks: RateLimitHooks; close(): Promise<void> } | undefined {
  if (!config.rateLimits.enabled) return undefined;
  const shared = config.redis.url !== undefined;
  const counters =
    config.redis.url === undefined
      ? memoryRateLimitCounters()
      : redisRateLimitCounters(
          // The limiter warns when requests pass uncounted; the connection's own errors are details.
          openRedis({
            url: config.redis.url,
            keyPrefix: config.redis.keyPrefix,
            onError: (err) => log.debug({ err }, 'rate limit Redis connection error'),
          }),
          { keyPrefix: `${config.redis.keyPrefix}ratelimit:`, quitOnClose: true },
        );
  const limiter = new RateLimiter(counters, rateLimitPolicy(config.rateLimits, shared ? 1 : processes), log);
  return { hooks: new RateLimitHooks(limiter), close: () => limiter.close() };
}
