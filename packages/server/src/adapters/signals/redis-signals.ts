import type { Redis } from 'ioredis';
import type { Signals } from '../../ports/signals.js';
import { openRedis, type RedisOptions } from '../redis/redis-connection.js';
import { checkSignal, SignalHandlers } from './in-process-signals.js';

/**
 * Signals over Redis pub/sub. Publishing uses one ordinary connection; receiving uses a connection of its own (a
 * subscribed Redis connection accepts no other command). Channels are `<redis.keyPrefix>signal:<channel>`, so that
 * deployments sharing a Redis server stay apart. ioredis reconnects by itself and subscribes again to the channels
 * it had; every reconnection after the first connection calls the `onReconnect` handlers (messages sent while the
 * subscriber was away are lost: Redis pub/sub keeps nothing).
 */
export class RedisSignals implements Signals {
  readonly kind = 'redis';
  private readonly handlers: SignalHandlers;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private connectedOnce = false;
  private closed = false;
  /** The subscriber's SUBSCRIBE/UNSUBSCRIBE commands in order, so that an unsubscribe never overtakes a subscribe. */
  private pending: Promise<unknown> = Promise.resolve();

  constructor(opts: RedisOptions & { readonly onHandlerError?: (err: unknown, channel: string) => void }) {
    this.handlers = new SignalHandlers(opts.onHandlerError);
    this.prefix = `${opts.keyPrefix}signal:`;
    this.publisher = openRedis(opts);
    // The subscriber must wait as long as needed for its connection: a command timeout would drop a subscription.
    this.subscriber = openRedis({ ...opts, commandTimeoutMs: 60_000 });
    this.subscriber.on('ready', () => {
      if (this.connectedOnce) this.handlers.reconnected();
      this.connectedOnce = true;
    });
    this.subscriber.on('message', (wire: string, message: string) => {
      if (this.closed || !wire.startsWith(this.prefix)) return;
      this.handlers.deliver(wire.slice(this.prefix.length), message);
    });
  }

  /** Resolves once both connections are ready and the subscriptions made so far are in place. */
  async ready(): Promise<void> {
    await Promise.all(
      [this.publisher, this.subscriber].map((c) =>
        c.status === 'ready' ? Promise.resolve() : new Promise((resolve) => c.once('ready', resolve)),
      ),
    );
    await this.pending;
  }

  /** Fails unless Redis answers a PING within the command timeout (the health report's `redis` component). */
  async ping(): Promise<void> {
    await this.publisher.ping();
  }

  async publish(channel: string, message: string): Promise<void> {
    checkSignal(channel, message);
    if (this.closed) return;
    // Subscriptions asked for before this publication are in place first (a process hears its own messages).
    await this.pending;
    await this.publisher.publish(this.prefix + channel, message);
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const first = !this.handlers.channelNames().includes(channel);
    const stop = this.handlers.subscribe(channel, handler);
    if (first) this.queue(() => this.subscriber.subscribe(this.prefix + channel));
    return () => {
      stop();
      if (!this.closed && !this.handlers.channelNames().includes(channel))
        this.queue(() => this.subscriber.unsubscribe(this.prefix + channel));
    };
  }

  onReconnect(handler: () => void): () => void {
    return this.handlers.onReconnect(handler);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.handlers.clear();
    // Disconnect rather than QUIT: a Redis that stopped answering would never acknowledge it.
    this.publisher.disconnect();
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  private queue(command: () => Promise<unknown>): void {
    this.pending = this.pending.then(command).catch(() => undefined);
  }
}
