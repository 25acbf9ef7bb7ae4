import type { Logger } from 'pino';
import { ClusterSignals, processEndpoint } from './adapters/signals/cluster-signals.js';
import { InProcessSignals } from './adapters/signals/in-process-signals.js';
import { PostgresSignals } from './adapters/signals/postgres-signals.js';
import { RedisSignals } from './adapters/signals/redis-signals.js';
import { keepCachesCoherent, type CoherentCaches } from './cache-coherence.js';
import type { WharfConfig } from './config/schema.js';
import type { EventBus } from './events/event-bus.js';
import type { Signals } from './ports/signals.js';
import type { HealthProbe } from './services/health.js';

/**
 * The signals between this deployment's processes (ports/signals.ts): Redis pub/sub when `redis.url` is set; else,
 * for a worker of `wharf serve` on SQLite (`clustered`), node:cluster IPC through the primary to its siblings; else
 * PostgreSQL's LISTEN/NOTIFY when the database is PostgreSQL (nodes share it); else in-process (one SQLite process).
 */
export function signalsFor(config: Readonly<WharfConfig>, clustered: boolean, log: Logger): Signals {
  const onHandlerError = (err: unknown, channel: string) => log.warn({ err, channel }, 'a signal handler failed');
  if (config.redis.url !== undefined) {
    return new RedisSignals({
      url: config.redis.url,
      keyPrefix: config.redis.keyPrefix,
      connectionName: 'wharf-signals',
      onError: (err) => log.warn({ err }, 'the Redis connection of signals failed; reconnecting'),
      onHandlerError,
    });
  }
  if (clustered && config.database.driver === 'sqlite') return new ClusterSignals(processEndpoint(), onHandlerError);
  if (config.database.driver === 'postgres') {
    return new PostgresSignals({
      url: config.database.url!,
      onError: (err) => log.warn({ err }, 'the PostgreSQL connection of signals failed; reconnecting'),
      onHandlerError,
    });
  }
  return new InProcessSignals(onHandlerError);
}

/** This process's caches listening to the signals, and committed changes published on them (cache-coherence.ts). */
export function keepCoherent(signals: Signals, log: Logger, bus: EventBus, caches: CoherentCaches): void {
  keepCachesCoherent(bus, signals, caches, { onError: (err, message) => log.warn({ err }, message) });
}

/** The health report's components of the signals: `redis` when they go over Redis (a PING). */
export function signalProbes(signals: Signals): Record<string, HealthProbe> {
  return signals instanceof RedisSignals ? { redis: () => signals.ping() } : {};
}
