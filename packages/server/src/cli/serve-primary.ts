import cluster, { type Worker } from 'node:cluster';
import { ClusterSignalHub, workerEndpoint } from '../adapters/signals/cluster-signals.js';
import type { WharfConfig } from '../config/index.js';
import { listenForMetrics } from '../http/metrics-route.js';
import { createLogger, prepareWharf, splitAddr } from '../main.js';
import type { MetricsAggregator, MetricsChannel } from '../metrics/cluster-metrics.js';
import type { GeneratedAdminPassword } from '../services/admin-bootstrap.js';
import { adminPasswordBanner } from './banner.js';

/** What a worker tells the primary once it listens. */
export interface WorkerReport {
  readonly wharfWorker: 'listening';
  readonly address: string;
}

function isReport(message: unknown): message is WorkerReport {
  return typeof message === 'object' && message !== null && (message as WorkerReport).wharfWorker === 'listening';
}

/** Workers dying in a row before they listen after which the primary gives up (exit status 1). */
const MAX_START_FAILURES = 5;
/** A restart waits this long, doubled for each other death within the window, at most the maximum. */
const RESTART_BASE_MS = 250;
const RESTART_MAX_MS = 30_000;
const DEATH_WINDOW_MS = 60_000;
/** After `http.shutdownTimeout`, workers get this long to exit before they are killed. */
const KILL_GRACE_MS = 10_000;

/**
 * The cluster's primary: it validated the configuration (the caller loaded it), prepares the data directory and the
 * database once (migrations, the administrator and its banner, the token key), forks `count` workers that share
 * the port (node:cluster hands connections round-robin), relays signals between them, restarts a worker that
 * dies (with backoff, logged), forwards SIGHUP (TLS reload) and SIGTERM/SIGINT (graceful stop) to every worker,
 * and resolves with the exit status once every worker is gone.
 */
export async function servePrimary(config: Readonly<WharfConfig>, count: number): Promise<number> {
  const log = createLogger(config);
  let generated: GeneratedAdminPassword | undefined;
  await prepareWharf(config, log, (notice) => (generated = notice));
  const hub = new ClusterSignalHub();
  const live = new Set<Worker>();
  /** The workers that listen, by their metrics channel (metrics/cluster-metrics.ts; only with `metrics.enabled`). */
  const listening = new Map<Worker, MetricsChannel>();
  const metrics = config.metrics.enabled
    ? new (await import('../metrics/cluster-metrics.js')).MetricsAggregator(() => listening.values())
    : undefined;
  let metricsListener: { close(): Promise<void> } | undefined;
  const restarts = new Set<NodeJS.Timeout>();
  const deaths: number[] = [];
  let startFailures = 0;
  let started = 0;
  let stopping: string | undefined;
  let status = 0;
  let finish!: (status: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = reason;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const worker of live) worker.process.kill('SIGTERM');
    void metricsListener?.close();
    setTimeout(
      () => {
        for (const worker of live) {
          log.warn({ worker: worker.id, pid: worker.process.pid }, 'a worker did not stop in time: killing it');
          worker.process.kill('SIGKILL');
        }
      },
      config.http.shutdownTimeout * 1000 + KILL_GRACE_MS,
    ).unref();
    if (live.size === 0) finish(status);
  };

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    const detach = hub.attach(workerEndpoint(worker));
    const channel = metricsChannel(worker);
    metrics?.serve(channel);
    worker.on('message', (message: unknown) => {
      if (!isReport(message) || listening.has(worker)) return;
      listening.set(worker, channel);
      startFailures = 0;
      if (started < count) {
        started += 1;
        if (started === count) {
          const fields = { address: message.address, dataDir: config.data.dir, database: config.database.driver };
          log.info({ ...fields, workers: count }, 'wharf listening');
          if (metrics)
            void serveMetrics(metrics).then((listener) => {
              metricsListener = listener;
              if (stopping) void listener?.close(); // stopped while it was opening
            });
          if (generated) process.stderr.write(adminPasswordBanner(generated));
          generated = undefined;
        }
      } else log.info({ worker: worker.id, pid: worker.process.pid }, 'worker restarted');
    });
    worker.on('exit', (code, signal) => {
      detach();
      live.delete(worker);
      const wasListening = listening.delete(worker);
      if (stopping) {
        if (live.size === 0) finish(status);
        return;
      }
      const now = Date.now();
      deaths.push(now);
      while (deaths[0]! < now - DEATH_WINDOW_MS) deaths.shift();
      if (!wasListening) startFailures += 1;
      const fields = { worker: worker.id, pid: worker.process.pid, code, signal };
      if (startFailures >= MAX_START_FAILURES) {
        log.error({ ...fields, failures: startFailures }, 'workers keep dying at start: stopping');
        status = 1;
        stopAll('failures');
        return;
      }
      const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** (deaths.length - 1));
      log.warn({ ...fields, restartInMs: delay }, 'a worker exited: restarting it');
      const timer = setTimeout(() => {
        restarts.delete(timer);
        fork();
      }, delay);
      restarts.add(timer);
    });
  };

  /** `metrics.addr`: the primary listens there and answers with every worker's metrics. */
  const serveMetrics = async (aggregator: MetricsAggregator) => {
    if (config.metrics.addr === undefined) return undefined;
    const { host, port } = splitAddr(config.metrics.addr);
    try {
      const listener = await listenForMetrics(
        { path: config.metrics.path, render: () => aggregator.render() },
        host,
        port,
      );
      log.info({ url: `${listener.url}${config.metrics.path}` }, 'serving metrics');
      return listener;
    } catch (err) {
      log.error({ err }, 'cannot listen for metrics: stopping');
      status = 1;
      stopAll('metrics');
      return undefined;
    }
  };

  process.on('SIGHUP', () => {
    for (const worker of live) worker.process.kill('SIGHUP');
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (!stopping) log.info({ signal, workers: live.size }, 'shutting down');
      stopAll(signal);
    });
  }
  for (let i = 0; i < count; i++) fork();
  return finished;
}

/** The primary's metrics channel to one worker (a send to a worker that has gone is dropped). */
function metricsChannel(worker: Worker): MetricsChannel {
  return {
    send: (message) => {
      if (worker.isConnected()) worker.send(message, undefined, () => undefined);
    },
    on: (event, listener) => worker.on(event, listener),
    off: (event, listener) => worker.off(event, listener),
  };
}
