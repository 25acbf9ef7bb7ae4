import { randomUUID } from 'node:crypto';
import client, { type Registry } from 'prom-client';

/**
 * Metrics of a cluster's workers (`http.workers`), shown as one exposition: each worker counts its own requests and
 * jobs; a scrape, whichever worker or listener gets it, is answered by the primary, which collects every listening
 * worker's metrics over the IPC channel and adds them up with prom-client's `AggregatorRegistry.aggregate`
 * (counters and histograms summed; the figures read from the database are the same in every worker and marked
 * `aggregator: 'first'` in metrics.ts). Loaded only when `metrics.enabled` is set.
 */

type Exposition = { readonly contentType: string; readonly body: string };

interface MetricsMessage {
  readonly wharfMetrics: 'collect' | 'collected' | 'scrape' | 'scraped';
  readonly id: string;
  readonly metrics?: unknown[];
  readonly body?: string;
  readonly contentType?: string;
  readonly error?: string;
}

function isMessage(message: unknown): message is MetricsMessage {
  return (
    typeof message === 'object' && message !== null && typeof (message as MetricsMessage).wharfMetrics === 'string'
  );
}

/** One end of an IPC channel, as in adapters/signals/cluster-signals.ts. */
export interface MetricsChannel {
  send(message: MetricsMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

const TIMEOUT_MS = 5000;

/** Waits for the answer with `id` on `channel`. */
function answerOn(channel: MetricsChannel, id: string, kind: MetricsMessage['wharfMetrics']): Promise<MetricsMessage> {
  return new Promise((resolve, reject) => {
    const listener = (message: unknown) => {
      if (!isMessage(message) || message.id !== id || message.wharfMetrics !== kind) return;
      clearTimeout(timer);
      channel.off('message', listener);
      if (message.error !== undefined) reject(new Error(message.error));
      else resolve(message);
    };
    const timer = setTimeout(() => {
      channel.off('message', listener);
      reject(new Error('a worker did not hand over its metrics within 5 s'));
    }, TIMEOUT_MS);
    channel.on('message', listener);
  });
}

/**
 * The worker's half: answers the primary's collection requests with `registry`'s metrics, and returns the render
 * function of this worker's metrics endpoint (which asks the primary for everybody's).
 */
export function workerMetrics(registry: Registry, primary: MetricsChannel): () => Promise<Exposition> {
  primary.on('message', (message: unknown) => {
    if (!isMessage(message) || message.wharfMetrics !== 'collect') return;
    const id = message.id;
    registry.getMetricsAsJSON().then(
      (metrics) => primary.send({ wharfMetrics: 'collected', id, metrics }),
      (err: unknown) => primary.send({ wharfMetrics: 'collected', id, error: String(err) }),
    );
  });
  return async () => {
    const id = randomUUID();
    const answer = answerOn(primary, id, 'scraped');
    primary.send({ wharfMetrics: 'scrape', id });
    const { contentType, body } = await answer;
    return { contentType: contentType!, body: body! };
  };
}

/** The primary's half: collects from the workers that listen, and answers their scrapes. */
export class MetricsAggregator {
  constructor(private readonly workers: () => Iterable<MetricsChannel>) {}

  /** Every listening worker's metrics, added up. */
  async render(): Promise<Exposition> {
    const collected = await Promise.all(
      [...this.workers()].map((worker) => {
        const id = randomUUID();
        const answer = answerOn(worker, id, 'collected');
        worker.send({ wharfMetrics: 'collect', id });
        return answer;
      }),
    );
    const registry = client.AggregatorRegistry.aggregate(
      collected.map(
        (message) => (message.metrics ?? []) as client.MetricObjectWithValues<client.MetricValue<string>>[],
      ),
    );
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  /** Answers the scrapes `worker` forwards (its metrics endpoint on the main listener). */
  serve(worker: MetricsChannel): void {
    worker.on('message', (message: unknown) => {
      if (!isMessage(message) || message.wharfMetrics !== 'scrape') return;
      const id = message.id;
      this.render().then(
        ({ contentType, body }) => worker.send({ wharfMetrics: 'scraped', id, contentType, body }),
        (err: unknown) => worker.send({ wharfMetrics: 'scraped', id, error: String(err) }),
      );
    });
  }
}
