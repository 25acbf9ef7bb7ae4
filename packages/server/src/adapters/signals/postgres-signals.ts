import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Signals } from '../../ports/signals.js';
import { checkSignal, SignalHandlers } from './in-process-signals.js';

export interface PostgresSignalsOptions {
  readonly url: string;
  /** Told when the connection fails and when reconnecting fails; it goes on trying. */
  readonly onError?: (err: unknown) => void;
  readonly onHandlerError?: (err: unknown, channel: string) => void;
  /** The first wait before reconnecting (doubling up to `maxBackoffMs`); default 100 ms and 5 s. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/** PostgreSQL truncates identifiers (channel names) to 63 bytes: longer names are replaced by a hash. */
function wireName(channel: string): string {
  return Buffer.byteLength(channel) <= 63 ? channel : `h.${createHash('sha256').update(channel).digest('hex')}`;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Signals over PostgreSQL's LISTEN/NOTIFY, for deployments without Redis. One dedicated connection (not from the
 * store's pool: a pooled connection would drop its LISTENs when returned) listens to the channels subscribed and
 * sends NOTIFY (`pg_notify`). When it breaks it is opened again with backoff (100 ms doubling up to 5 s), listens
 * again, and calls the `onReconnect` handlers. Publishing while disconnected fails: a signal is a hint.
 */
export class PostgresSignals implements Signals {
  readonly kind = 'postgres';
  private readonly handlers: SignalHandlers;
  /** Wire names back to channels (equal unless hashed). */
  private readonly channels = new Map<string, string>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PostgresSignalsOptions) {
    this.handlers = new SignalHandlers(opts.onHandlerError);
    this.connecting = this.connect(false);
  }

  /** Resolves once connected and listening to the channels subscribed so far. */
  async ready(): Promise<void> {
    await this.connecting;
    await this.pending;
  }

  async publish(channel: string, message: string): Promise<void> {
    checkSignal(channel, message);
    if (this.closed) return;
    // Subscriptions asked for before this publication are in place first (a process hears its own messages).
    await this.pending;
    await this.connecting;
    const client = this.client;
    if (!client) throw new Error('signals: the PostgreSQL connection is down (reconnecting)');
    await client.query('SELECT pg_notify($1, $2)', [wireName(channel), message]);
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    const first = !this.handlers.channelNames().includes(channel);
    const stop = this.handlers.subscribe(channel, handler);
    const wire = wireName(channel);
    if (first) {
      this.channels.set(wire, channel);
      this.queue(`LISTEN ${quoted(wire)}`);
    }
    return () => {
      stop();
      if (this.closed || this.handlers.channelNames().includes(channel)) return;
      this.channels.delete(wire);
      this.queue(`UNLISTEN ${quoted(wire)}`);
    };
  }

  onReconnect(handler: () => void): () => void {
    return this.handlers.onReconnect(handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.handlers.clear();
    await this.connecting;
    await this.pending;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Runs a LISTEN/UNLISTEN on the current connection, in order; a broken connection listens again when reopened. */
  private queue(sql: string): void {
    this.pending = this.pending
      .then(() => this.connecting)
      .then(() => this.client?.query(sql))
      .catch(() => undefined);
  }

  private async connect(again: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.opts.url, connectionTimeoutMillis: 10_000 });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, undefined));
    client.on('notification', (n) => {
      const channel = this.channels.get(n.channel);
      if (channel !== undefined && !this.closed) this.handlers.deliver(channel, n.payload ?? '');
    });
    try {
      await client.connect();
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      for (const wire of this.channels.keys()) await client.query(`LISTEN ${quoted(wire)}`);
      this.client = client;
      this.failures = 0;
    } catch (err) {
      this.opts.onError?.(err);
      await client.end().catch(() => undefined);
      this.schedule(again);
      return;
    }
    if (again) this.handlers.reconnected();
  }

  private lost(client: pg.Client, err: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (err !== undefined) this.opts.onError?.(err);
    client.end().catch(() => undefined);
    if (!this.closed) this.schedule(true);
  }

  private schedule(again: boolean): void {
    if (this.closed) return;
    const min = this.opts.minBackoffMs ?? 100;
    const delay = Math.min(min * 2 ** this.failures++, this.opts.maxBackoffMs ?? 5000);
    let done!: () => void;
    this.connecting = new Promise<void>((resolve) => (done = resolve));
    this.timer = setTimeout(() => {
      this.connect(again || this.failures > 0).then(done, done);
    }, delay);
  }
}
