import { EVENTS_MEDIA_TYPE, type NotificationAction, type NotificationEvent } from './envelope.js';

/** One endpoint of `notifications.endpoints`, as distribution configures it (durations in milliseconds). */
export interface NotificationEndpointOptions {
  readonly name: string;
  readonly url: string;
  /** Static headers of every request; a list sends the header once per value. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly timeoutMs: number;
  /** Consecutive failures after which the endpoint backs off for `backoffMs` before the next attempt. */
  readonly threshold: number;
  readonly backoffMs: number;
  /** Events whose target has one of these media types are not sent (`ignoredmediatypes` and `ignore.mediatypes`). */
  readonly ignoredMediaTypes: readonly string[];
  readonly ignoredActions: readonly NotificationAction[];
  readonly disabled: boolean;
  /** Events waiting at most; past it the oldest is dropped (and counted), so a dead endpoint cannot exhaust memory. */
  readonly maxPending: number;
}

/** What the status page shows of one endpoint: its queue and delivery counters since the process started. */
export interface EndpointStatus {
  readonly name: string;
  /** The URL without credentials, query or fragment (they may carry secrets). */
  readonly url: string;
  readonly disabled: boolean;
  /** Events waiting to be sent, the one being sent included. */
  readonly pending: number;
  /** Events accepted into the queue. */
  readonly events: number;
  readonly successes: number;
  /** Failed attempts: non-2xx/3xx answers and errors (time-outs, refused connections). */
  readonly failures: number;
  /** Of the failures, those without an HTTP answer. */
  readonly errors: number;
  /** Events dropped because the queue was full. */
  readonly dropped: number;
  /** Answers by status code, e.g. `{"200": 3, "500": 1}`. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly consecutiveFailures: number;
  readonly lastError?: string | undefined;
  /** Milliseconds since the epoch. */
  readonly lastSuccessAt?: number | undefined;
  readonly lastFailureAt?: number | undefined;
}

export interface EndpointQueueDependencies {
  /** Milliseconds since the epoch (the clock port). */
  readonly now: () => number;
  /** Told about a failed attempt (logging). */
  readonly onFailure?: (endpoint: string, error: string) => void;
}

/**
 * One endpoint's in-memory queue, as distribution's: events are sent one per envelope, in order, one request at a
 * time, each retried until the endpoint accepts it (a 2xx or 3xx answer). After `threshold` consecutive failures the
 * endpoint backs off for `backoff` before each further attempt. Enqueuing never waits: a request that caused an
 * event never waits for its delivery. Queued events live in memory: a process that stops loses what was not sent.
 */
export class EndpointQueue {
  private readonly queue: NotificationEvent[] = [];
  private running = false;
  private closed = false;
  private readonly stopped = new AbortController();
  private counters = { events: 0, successes: 0, failures: 0, errors: 0, dropped: 0, consecutiveFailures: 0 };
  private readonly statuses: Record<string, number> = {};
  private lastError: string | undefined;
  private lastSuccessAt: number | undefined;
  private lastFailureAt: number | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    readonly options: NotificationEndpointOptions,
    private readonly deps: EndpointQueueDependencies,
  ) {}

  /** Whether this endpoint wants the event (not disabled, action and media type not ignored). */
  accepts(event: NotificationEvent): boolean {
    const { disabled, ignoredActions, ignoredMediaTypes } = this.options;
    if (disabled || this.closed) return false;
    if (ignoredActions.includes(event.action)) return false;
    const mediaType = event.target.mediaType;
    return mediaType === undefined || !ignoredMediaTypes.includes(mediaType);
  }

  /** Whether this endpoint could want events of `action` at all. */
  wantsAction(action: NotificationAction): boolean {
    return !this.options.disabled && !this.options.ignoredActions.includes(action);
  }

  /** Queues the event and starts sending if idle; returns at once. */
  enqueue(event: NotificationEvent): void {
    if (!this.accepts(event)) return;
    this.queue.push(event);
    this.counters.events++;
    if (this.queue.length > this.options.maxPending) {
      this.queue.splice(this.running ? 1 : 0, 1);
      this.counters.dropped++;
    }
    if (!this.running) {
      this.running = true;
      this.idle = this.run().finally(() => {
        this.running = false;
      });
    }
  }

  /** Resolves once the queue is empty (or the queue closed): for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.running) await this.idle;
  }

  status(): EndpointStatus {
    return {
      name: this.options.name,
      url: displayUrl(this.options.url),
      disabled: this.options.disabled,
      pending: this.queue.length,
      ...this.counters,
      statuses: { ...this.statuses },
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      lastFailureAt: this.lastFailureAt,
    };
  }

  /** Stops sending: the request under way is aborted, queued events are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopped.abort();
    await this.idle;
  }

  private async run(): Promise<void> {
    while (this.queue.length > 0 && !this.closed) {
      if (this.counters.consecutiveFailures >= this.options.threshold) {
        await this.wait(this.options.backoffMs);
        if (this.closed) break;
      }
      const event = this.queue[0]!;
      const failure = await this.send(event);
      if (failure === undefined) {
        this.queue.shift();
        this.counters.successes++;
        this.counters.consecutiveFailures = 0;
        this.lastSuccessAt = this.deps.now();
      } else if (!this.closed) {
        this.counters.failures++;
        this.counters.consecutiveFailures++;
        this.lastError = failure;
        this.lastFailureAt = this.deps.now();
        this.deps.onFailure?.(this.options.name, failure);
      }
    }
  }

  /** Sends one envelope; undefined when the endpoint accepted it, else why not. */
  private async send(event: NotificationEvent): Promise<string | undefined> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.options.headers)) {
      for (const item of typeof value === 'string' ? [value] : value) headers.append(name, item);
    }
    headers.set('content-type', EVENTS_MEDIA_TYPE);
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ events: [event] }),
        redirect: 'manual',
        signal: AbortSignal.any([this.stopped.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await res.body?.cancel().catch(() => undefined);
      const code = String(res.status);
      this.statuses[code] = (this.statuses[code] ?? 0) + 1;
      return res.status >= 200 && res.status < 400 ? undefined : `HTTP ${res.status}`;
    } catch (error) {
      this.counters.errors++;
      if (error instanceof Error && error.name === 'TimeoutError')
        return `no answer within ${this.options.timeoutMs} ms`;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return `${error instanceof Error ? error.message : String(error)}${cause}`;
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.stopped.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }
}

function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '';
  }
}
