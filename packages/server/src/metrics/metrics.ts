import client, { type Counter, type Histogram, type Registry } from 'prom-client';
import type { EventBus } from '../events/event-bus.js';
import type { EventOfType } from '../domain/events.js';
import type { Clock } from '../ports/clock.js';
import type { MetricsRecords, PoolUse, ProjectFigures } from '../ports/metrics-records.js';

/** The HTTP duration buckets, seconds: registry requests range from sub-millisecond HEADs to minutes-long uploads. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Job durations: from a purge's milliseconds to a long GC. */
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600];

/** A pending-task queue of the job engine (jobs/engine.ts `queues.list()`). */
export interface QueueFigures {
  readonly jobType: string;
  readonly count: number;
  readonly latency: number;
}

/** A worker of the job engine (`workers('all')`): its pool and what it runs ('' when idle). */
export interface WorkerFigures {
  readonly poolId: string;
  readonly jobName: string;
}

/** Where the metrics read what they expose at scrape time; the composition root wires these. */
export interface MetricsSources {
  readonly clock: Clock;
  /** Figures from the database are reused this long (a scrape stays a few bounded queries at most). */
  readonly cacheMs: number;
  readonly records: MetricsRecords;
  /** The database pool's connections; undefined on SQLite (then no pool metric is exposed). */
  readonly poolUse: () => PoolUse | undefined;
  /** Requests being served now. */
  readonly inFlight: () => number;
  /** The manifest content cache's counts since start. */
  readonly manifestCache: () => { readonly hits: number; readonly misses: number; readonly bytes: number };
  readonly queues: () => Promise<readonly QueueFigures[]>;
  readonly workers: () => Promise<readonly WorkerFigures[]>;
  /** Each component's health (`harbor_up`). */
  readonly health: () => Promise<{ readonly components: readonly { name: string; status: string }[] }>;
  /** `harbor_system_info`'s labels. */
  readonly systemInfo: () => Promise<{ authMode: string; selfRegistration: boolean; version: string }>;
}

/** A (route, method, status)'s counts: plain numbers on the request path, folded into prom-client at scrape time. */
interface HttpChildren {
  readonly labels: readonly [string, string, string];
  readonly duration: client.Histogram.Internal<string>;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** What the last scrape handed prom-client already. */
  readonly folded: { requests: number; bytesIn: number; bytesOut: number };
}

interface Snapshot {
  readonly projects: readonly ProjectFigures[];
  readonly openUploads: number;
  readonly queues: readonly QueueFigures[];
  readonly workers: readonly WorkerFigures[];
  readonly health: readonly { name: string; status: string }[];
  readonly info: { authMode: string; selfRegistration: boolean; version: string };
}

/**
 * Wharf's Prometheus metrics, on a registry of their own (prom-client's default one stays untouched). Created only
 * when `metrics.enabled` is set: otherwise nothing here is loaded, registered or called.
 *
 * Three kinds of figures:
 * - counted as things happen: HTTP requests (through `requestFinished`, the HTTP layer's observer hook), registry
 *   operations and job executions (domain events on the bus);
 * - read at scrape time from in-process state: requests in flight, cache hits, the pool;
 * - read at scrape time from the database (Harbor's exporter metrics, queues, open uploads), cached `cacheMs`.
 */
export class WharfMetrics {
  readonly registry: Registry = new client.Registry();
  private readonly duration: Histogram<string>;
  private readonly operations: Counter<string>;
  private readonly executions: Counter<string>;
  private readonly executionDuration: Histogram<string>;
  /** route → method → status → the label children: a request's accounting allocates nothing once seen. */
  private readonly children = new Map<string, Map<string, Map<number, HttpChildren>>>();
  private snapshotAt = -Infinity;
  private snapshotting: Promise<Snapshot> | undefined;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry });
    const httpLabels = ['route', 'method', 'code'] as const;
    const children = this.children;
    /** A counter whose per-request increments live in HttpChildren: each scrape adds what came since the last. */
    const foldedCounter = (name: string, help: string, field: 'requests' | 'bytesIn' | 'bytesOut') =>
      new client.Counter({
        name,
        help,
        labelNames: httpLabels,
        registers,
        collect() {
          for (const byMethod of children.values()) {
            for (const byStatus of byMethod.values()) {
              for (const c of byStatus.values()) {
                const delta = c[field] - c.folded[field];
                if (delta > 0) this.labels(...c.labels).inc(delta);
                c.folded[field] = c[field];
              }
            }
          }
        },
      });
    foldedCounter(
      'wharf_http_requests_total',
      'HTTP requests answered, by route template, method and status code.',
      'requests',
    );
    this.duration = new client.Histogram({
      name: 'wharf_http_request_duration_seconds',
      help: 'Time from the first byte of a request to the end of its response, by route template, method and status.',
      labelNames: httpLabels,
      buckets: HTTP_BUCKETS,
      registers,
    });
    foldedCounter(
      'wharf_http_request_bytes_total',
      'Request body bytes received, by route template, method and status code.',
      'bytesIn',
    );
    foldedCounter(
      'wharf_http_response_bytes_total',
      'Response bytes sent (headers and body), by route template, method and status code.',
      'bytesOut',
    );
    new client.Gauge({
      name: 'wharf_http_requests_in_flight',
      help: 'HTTP requests being served.',
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    this.operations = new client.Counter({
      name: 'wharf_registry_operations_total',
      help: 'Blob and manifest operations: pull, push, mount, delete (committed ones, counted on delivery).',
      labelNames: ['object', 'operation'],
      registers,
    });
    for (const [object, operations] of [
      ['manifest', ['pull', 'push', 'delete']],
      ['blob', ['pull', 'push', 'mount', 'delete']],
    ] as const) {
      for (const operation of operations) this.operations.labels(object, operation).inc(0);
    }
    this.executions = new client.Counter({
      name: 'wharf_job_executions_total',
      help: "Job executions that finished, by vendor type (Harbor's: GARBAGE_COLLECTION, RETENTION, …) and status.",
      labelNames: ['type', 'status'],
      registers,
    });
    this.executionDuration = new client.Histogram({
      name: 'wharf_job_execution_duration_seconds',
      help: 'Duration of finished job executions, by vendor type and status.',
      labelNames: ['type', 'status'],
      buckets: JOB_BUCKETS,
      registers,
    });
    this.scrapeTimeMetrics(registers);
  }

  /** The HTTP layer's observer (http/request-observer.ts): one answered request. */
  requestFinished(
    route: string,
    method: string,
    status: number,
    seconds: number,
    bytesIn: number,
    bytesOut: number,
  ): void {
    let byMethod = this.children.get(route);
    if (byMethod === undefined) this.children.set(route, (byMethod = new Map<string, Map<number, HttpChildren>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, HttpChildren>()));
    let c = byStatus.get(status);
    if (c === undefined) {
      const code = String(status);
      c = {
        labels: [route, method, code],
        duration: this.duration.labels(route, method, code),
        requests: 0,
        bytesIn: 0,
        bytesOut: 0,
        folded: { requests: 0, bytesIn: 0, bytesOut: 0 },
      };
      byStatus.set(status, c);
    }
    c.requests++;
    c.bytesIn += bytesIn;
    c.bytesOut += bytesOut;
    c.duration.observe(seconds);
  }

  /** Counts registry operations and job executions from the bus (registered in subscribers.ts). */
  subscribeTo(bus: EventBus): void {
    const op = (object: string, operation: string) => this.operations.labels(object, operation);
    const counters = {
      'artifact.pulled': op('manifest', 'pull'),
      'artifact.pushed': op('manifest', 'push'),
      'artifact.deleted': op('manifest', 'delete'),
      'blob.pulled': op('blob', 'pull'),
      'blob.pushed': op('blob', 'push'),
      'blob.mounted': op('blob', 'mount'),
      'blob.deleted': op('blob', 'delete'),
    } as const;
    const types = Object.keys(counters) as (keyof typeof counters)[];
    bus.subscribe('metrics-registry-operations', types, (event) => {
      counters[event.type].inc();
    });
    bus.subscribe('metrics-job-executions', ['execution.finished'], (event: EventOfType<'execution.finished'>) => {
      this.executions.labels(event.vendorType, event.status).inc();
      this.executionDuration
        .labels(event.vendorType, event.status)
        .observe(Math.max(0, event.endTime - event.startTime) / 1000);
    });
  }

  /** The exposition in Prometheus's text format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** The database figures, read at most once per `cacheMs` (concurrent scrapes share one read). */
  private snapshot(): Promise<Snapshot> {
    const now = this.sources.clock.now();
    if (this.snapshotting && now - this.snapshotAt < this.sources.cacheMs) return this.snapshotting;
    this.snapshotAt = now;
    const reading = this.readSnapshot();
    this.snapshotting = reading;
    reading.catch(() => {
      if (this.snapshotting === reading) this.snapshotting = undefined; // the next scrape tries again
    });
    return reading;
  }

  private async readSnapshot(): Promise<Snapshot> {
    const s = this.sources;
    const [projects, openUploads, queues, workers, health, info] = await Promise.all([
      s.records.projectFigures(),
      s.records.openUploads(),
      s.queues(),
      s.workers(),
      s.health().then((h) => h.components),
      s.systemInfo(),
    ]);
    return { projects, openUploads, queues, workers, health, info };
  }

  private scrapeTimeMetrics(registers: Registry[]): void {
    const sources = this.sources;
    const snapshot = () => this.snapshot();
    /** A gauge set from the snapshot at every scrape (reset first: a deleted project's series disappears). */
    const fromSnapshot = (
      name: string,
      help: string,
      labelNames: readonly string[],
      fill: (gauge: client.Gauge<string>, s: Snapshot) => void,
    ) =>
      new client.Gauge({
        name,
        help,
        labelNames,
        registers,
        // The database's figures: every worker of a cluster reads the same, so one is shown (cluster-metrics.ts).
        aggregator: 'first',
        async collect() {
          const s = await snapshot();
          this.reset();
          fill(this, s);
        },
      });

    new client.Counter({
      name: 'wharf_manifest_cache_requests_total',
      help: 'Manifest lookups in the in-memory content cache since start, by result (hit or miss).',
      labelNames: ['result'],
      registers,
      collect() {
        const { hits, misses } = sources.manifestCache();
        this.reset();
        this.labels('hit').inc(hits);
        this.labels('miss').inc(misses);
      },
    });
    new client.Gauge({
      name: 'wharf_manifest_cache_bytes',
      help: 'Bytes of manifests held by the in-memory content cache.',
      registers,
      collect() {
        this.set(sources.manifestCache().bytes);
      },
    });
    if (sources.poolUse() !== undefined) {
      new client.Gauge({
        name: 'wharf_db_pool_connections',
        help: 'PostgreSQL pool connections by state (total, idle, max) and queries waiting for one (waiting).',
        labelNames: ['state'],
        registers,
        collect() {
          const use = sources.poolUse();
          if (!use) return;
          this.labels('total').set(use.total);
          this.labels('idle').set(use.idle);
          this.labels('waiting').set(use.waiting);
          this.labels('max').set(use.max);
        },
      });
    }
    fromSnapshot('wharf_uploads_active', 'Upload sessions open (started, not yet finished or cancelled).', [], (g, s) =>
      g.set(s.openUploads),
    );
    fromSnapshot('wharf_job_queue_depth', 'Pending tasks of the job engine, by job type.', ['type'], (g, s) => {
      for (const q of s.queues) g.labels(q.jobType).set(q.count);
    });
    // Harbor's exporter names (its `harbor-exporter` component), same labels and meanings.
    fromSnapshot('harbor_project_total', 'Projects, by whether they are public.', ['public'], (g, s) => {
      g.labels('true').set(s.projects.filter((p) => p.public).length);
      g.labels('false').set(s.projects.filter((p) => !p.public).length);
    });
    fromSnapshot('harbor_project_repo_total', 'Repositories per project.', ['project_name', 'public'], (g, s) => {
      for (const p of s.projects) g.labels(p.name, String(p.public)).set(p.repositories);
    });
    fromSnapshot('harbor_project_member_total', 'Members per project.', ['project_name'], (g, s) => {
      for (const p of s.projects) g.labels(p.name).set(p.members);
    });
    fromSnapshot('harbor_project_quota_usage_byte', 'Storage used per project, in bytes.', ['project_name'], (g, s) => {
      for (const p of s.projects) if (p.quotaUsed !== null) g.labels(p.name).set(p.quotaUsed);
    });
    fromSnapshot(
      'harbor_project_quota_byte',
      'Storage limit per project, in bytes (-1: unlimited).',
      ['project_name'],
      (g, s) => {
        for (const p of s.projects) if (p.quotaHard !== null) g.labels(p.name).set(p.quotaHard);
      },
    );
    fromSnapshot(
      'harbor_artifact_pulled',
      "Pulls of each project's artifacts counted so far.",
      ['project_name'],
      (g, s) => {
        for (const p of s.projects) g.labels(p.name).set(p.pulls);
      },
    );
    fromSnapshot('harbor_up', 'Whether a component answers (1) or not (0).', ['component'], (g, s) => {
      g.labels('core').set(1);
      for (const c of s.health) g.labels(c.name).set(c.status === 'healthy' ? 1 : 0);
    });
    fromSnapshot('harbor_task_queue_size', 'Pending tasks, by job type.', ['type'], (g, s) => {
      for (const q of s.queues) g.labels(q.jobType).set(q.count);
    });
    fromSnapshot(
      'harbor_task_queue_latency',
      'Seconds the oldest pending task of a type has waited.',
      ['type'],
      (g, s) => {
        for (const q of s.queues) g.labels(q.jobType).set(q.latency);
      },
    );
    fromSnapshot('harbor_task_concurrency', 'Tasks running now, by job type and pool.', ['type', 'pool'], (g, s) => {
      const counts = new Map<string, { type: string; pool: string; n: number }>();
      for (const w of s.workers) {
        if (w.jobName === '') continue;
        const key = `${w.jobName}\u0000${w.poolId}`;
        const entry = counts.get(key) ?? { type: w.jobName, pool: w.poolId, n: 0 };
        entry.n++;
        counts.set(key, entry);
      }
      for (const { type, pool, n } of counts.values()) g.labels(type, pool).set(n);
    });
    fromSnapshot(
      'harbor_system_info',
      'Information about the instance (value 1).',
      ['auth_mode', 'harbor_version', 'self_registration'],
      (g, s) => {
        g.labels(s.info.authMode, s.info.version, String(s.info.selfRegistration)).set(1);
      },
    );
  }
}
