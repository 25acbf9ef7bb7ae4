import type { Worker } from 'node:cluster';
import type { Signals } from '../../ports/signals.js';
import { checkSignal, SignalHandlers } from './in-process-signals.js';

/** One signal as it crosses node:cluster's IPC channel (the key tells it from cluster's and other libraries' messages). */
export interface SignalEnvelope {
  readonly wharfSignal: 1;
  readonly channel: string;
  readonly message: string;
}

/**
 * One end of an IPC channel: a worker's `process` (towards the primary) or the primary's `Worker` (towards one
 * worker); `processEndpoint()` and `workerEndpoint()` make them from node's objects.
 */
export interface IpcEndpoint {
  /** Sends one message; `done` is told when it was handed to the channel, or why not. */
  send(envelope: SignalEnvelope, done: (error: Error | null) => void): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

function isEnvelope(message: unknown): message is SignalEnvelope {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<SignalEnvelope>;
  return m.wharfSignal === 1 && typeof m.channel === 'string' && typeof m.message === 'string';
}

/** This process's channel to its parent (a cluster worker's to the primary). */
export function processEndpoint(proc: NodeJS.Process = process): IpcEndpoint {
  const send = proc.send?.bind(proc);
  if (!send) throw new Error('cluster signals need an IPC channel to the primary (this process has none)');
  return {
    send: (envelope, done) => void send(envelope, undefined, undefined, done),
    on: (event, listener) => proc.on(event, listener),
    off: (event, listener) => proc.off(event, listener),
  };
}

/** The primary's channel to one worker. */
export function workerEndpoint(worker: Worker): IpcEndpoint {
  return {
    send: (envelope, done) => void worker.send(envelope, undefined, done),
    on: (event, listener) => worker.on(event, listener),
    off: (event, listener) => worker.off(event, listener),
  };
}

/**
 * Signals between the workers of one machine over node:cluster's IPC channels: a worker's publish goes to the
 * primary (its `ClusterSignalHub`), which sends it to every worker, the publisher included. A channel keeps the
 * order of what one worker sent; it lives as long as the worker, so nothing is lost short of the worker's death
 * (and a restarted worker starts with empty caches): `onReconnect` handlers are never called.
 */
export class ClusterSignals implements Signals {
  readonly kind = 'cluster';
  private readonly handlers: SignalHandlers;
  private closed = false;
  private readonly listener = (message: unknown) => {
    if (!this.closed && isEnvelope(message)) this.handlers.deliver(message.channel, message.message);
  };

  constructor(
    private readonly primary: IpcEndpoint,
    onError?: (err: unknown, channel: string) => void,
  ) {
    this.handlers = new SignalHandlers(onError);
    primary.on('message', this.listener);
  }

  publish(channel: string, message: string): Promise<void> {
    checkSignal(channel, message);
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.primary.send({ wharfSignal: 1, channel, message }, (error) => (error ? reject(error) : resolve())),
    );
  }

  subscribe(channel: string, handler: (message: string) => void): () => void {
    return this.handlers.subscribe(channel, handler);
  }

  onReconnect(handler: () => void): () => void {
    return this.handlers.onReconnect(handler);
  }

  close(): Promise<void> {
    this.closed = true;
    this.primary.off('message', this.listener);
    this.handlers.clear();
    return Promise.resolve();
  }
}

/**
 * The primary's half: relays every signal a worker sends to every attached worker (the sender too). A worker
 * that has gone is detached by the caller; a send to a closing channel is dropped (signals are hints).
 */
export class ClusterSignalHub {
  private readonly workers = new Set<IpcEndpoint>();

  /** Relays what `worker` publishes and sends it what the others publish; returns the function that detaches it. */
  attach(worker: IpcEndpoint): () => void {
    const listener = (message: unknown) => {
      if (isEnvelope(message)) this.broadcast(message);
    };
    worker.on('message', listener);
    this.workers.add(worker);
    return () => {
      worker.off('message', listener);
      this.workers.delete(worker);
    };
  }

  private broadcast(envelope: SignalEnvelope): void {
    const copy: SignalEnvelope = { wharfSignal: 1, channel: envelope.channel, message: envelope.message };
    for (const worker of this.workers) {
      try {
        worker.send(copy, () => undefined);
      } catch {
        // The worker is exiting; its channel closed before the primary noticed.
      }
    }
  }
}
