import { Redis } from 'ioredis';

/** How Wharf connects to Redis (`redis.url`, `redis.keyPrefix`). */
export interface RedisOptions {
  readonly url: string;
  /** Prefix of every key and channel (`redis.keyPrefix`). */
  readonly keyPrefix: string;
  /** Told of connection errors (ioredis reconnects by itself); default: nothing. */
  readonly onError?: (err: Error) => void;
  /** How long one command may wait for a connection before it fails (default 2 s): Redis is never worth a hung request. */
  readonly commandTimeoutMs?: number;
  /** The connection's name in CLIENT LIST (default `wharf`). */
  readonly connectionName?: string;
}

/**
 * Opens one ioredis connection. Commands issued while disconnected fail after `commandTimeoutMs` instead of queueing
 * without bound, and reconnection backs off up to 2 s. The key prefix is not applied by ioredis here: adapters
 * prefix their own keys and channels (pub/sub channels are not prefixed by ioredis's keyPrefix).
 */
export function openRedis(opts: RedisOptions): Redis {
  const redis = new Redis(opts.url, {
    lazyConnect: false,
    enableReadyCheck: true,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    connectionName: opts.connectionName ?? 'wharf',
  });
  redis.on('error', (err: Error) => opts.onError?.(err));
  return redis;
}
