import { SIGNAL_CHANNEL, SIGNAL_MAX_BYTES, type Signals } from '../../ports/signals.js';

/** Checks a channel name and a message against the port's rules; every adapter calls it before sending. */
export function checkSignal(channel: string, message: string): void {
  if (!SIGNAL_CHANNEL.test(channel)) throw new RangeError(`invalid signal channel: ${JSON.stringify(channel)}`);
  if (Buffer.byteLength(message) > SIGNAL_MAX_BYTES)
    throw new RangeError(`signal message on ${channel} exceeds ${SIGNAL_MAX_BYTES} bytes`);
}

/**
 * Handlers per channel, called in order; a handler that throws does not stop the others. Adapters deliver what
 * they receive through it.
 */
export class SignalHandlers {
  private readonly channels = new Map<string, Set<(message: string) => void>>();
  private readonly reconnects = new Set<() => void>();

  constructor(private readonly onError: (err: unknown, channel: string) => void = () => undefined) {}

  subscribe(channel: string, handler: (message: string) => void): () => void {
    if (!SIGNAL_CHANNEL.test(channel)) throw new RangeError(`invalid signal channel: ${JSON.stringify(channel)}`);
    let set = this.channels.get(channel);
    if (!set) this.channels.set(channel, (set = new Set()));
    const own = (message: string) => handler(message);
    set.add(own);
    return () => {
      set.delete(own);
      if (set.size === 0 && this.channels.get(channel) === set) this.channels.delete(channel);
    };
  }

  onReconnect(handler: () => void): () => void {
    const own = () => handler();
    this.reconnects.add(own);
    return () => this.reconnects.delete(own);
  }

  /** The channels somebody listens to (an adapter subscribes to these on its connection). */
  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  deliver(channel: string, message: string): void {
    for (const handler of [...(this.channels.get(channel) ?? [])]) {
      try {
        handler(message);
      } catch (err) {
        this.onError(err, channel);
      }
    }
  }

  reconnected(): void {
    for (const handler of [...this.reconnects]) {
      try {
        handler();
      } catch (err) {
        this.onError(err, '(reconnect)');
      }
    }
  }

  clear(): void {
    this.channels.clear();
    this.reconnects.clear();
  }
}

/** One process, nobody else to tell: messages go to this process's handlers, asynchronously (as over a wire). */
export class InProcessSignals implements Signals {
  readonly kind = 'in-process';
  private readonly handlers: SignalHandlers;
  private closed = false;

  constructor(onError?: (err: unknown, channel: string) => void) {
    this.handlers = new SignalHandlers(onError);
  }

  publish(channel: string, message: string): Promise<void> {
    checkSignal(channel, message);
    if (this.closed) return Promise.resolve();
    queueMicrotask(() => {
      if (!this.closed) this.handlers.deliver(channel, message);
    });
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    return this.handlers.subscribe(channel, handler);
  }

  onReconnect(handler: () => void): () => void {
    return this.handlers.onReconnect(handler);
  }

  close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
    return Promise.resolve();
  }
}
