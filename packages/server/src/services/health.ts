/** Harbor's health report: every component's status, and `healthy` overall only when all of them are. */
export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  readonly components: readonly ComponentHealth[];
}

export interface ComponentHealth {
  readonly name: string;
  readonly status: 'healthy' | 'unhealthy';
  readonly error?: string;
}

/** A probe that resolves when its component works and throws (or times out) when it does not. */
export type HealthProbe = () => Promise<void>;

/**
 * A probe failure whose message may be shown to anyone (`/api/v2.0/health` is public): other errors are reported as
 * the component's generic failure, and only logged with their detail.
 */
export class HealthProblem extends Error {}

/** Runs every probe concurrently, each bounded by `timeoutMs`; components are reported in name order. */
export async function checkHealth(
  probes: Readonly<Record<string, HealthProbe>>,
  timeoutMs = 5_000,
): Promise<HealthReport> {
  const names = Object.keys(probes).sort();
  const components = await Promise.all(names.map((name) => probeOnce(name, probes[name]!, timeoutMs)));
  return reportOf(components);
}

function reportOf(components: readonly ComponentHealth[]): HealthReport {
  const status = components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy';
  return { status, components };
}

async function probeOnce(
  name: string,
  probe: HealthProbe,
  timeoutMs: number,
  onDetail?: (name: string, error: unknown) => void,
): Promise<ComponentHealth> {
  try {
    await withTimeout(probe(), timeoutMs);
    return { name, status: 'healthy' };
  } catch (error) {
    if (error instanceof HealthProblem || onDetail === undefined) {
      return { name, status: 'unhealthy', error: error instanceof Error ? error.message : String(error) };
    }
    onDetail(name, error);
    return { name, status: 'unhealthy', error: `${name} check failed` };
  }
}

export interface HealthMonitorOptions {
  /** Milliseconds since the epoch: the clock port. */
  readonly now: () => number;
  /** How long a component's result is reused (a probe storm costs one probe per component per this long). */
  readonly cacheMs?: number;
  /** How long a probe may take before its component counts as unhealthy. */
  readonly timeoutMs?: number;
  /** Told the detail of a failure that the report shows only generically (logging). */
  readonly onFailure?: (component: string, error: unknown) => void;
}

/**
 * The components a node cannot serve correctly without: /readyz fails while one of them is unhealthy. Not Redis:
 * it is optional (signals are hints whose loss the caches' lifetimes bound, rate limits fail open), and an outage of
 * it must not take every node out of the load balancer at once.
 */
const READINESS = ['database'] as const;

interface Cached {
  readonly at: number;
  readonly result: Promise<ComponentHealth>;
}

/**
 * The components' health for `/api/v2.0/health`, `/readyz` and the status page, each probe's result reused for
 * `cacheMs` (1 s) and shared by concurrent callers, so orchestrators and monitors probing often cost one database
 * query and one storage probe a second. Errors from the components are shown as short generic messages (the report
 * is public); their detail goes to `onFailure`. Readiness: only once the instance has started (migrations ran) and
 * not while it shuts down, and only while the database answers.
 */
export class HealthMonitor {
  private readonly cache = new Map<string, Cached>();
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private state: 'starting' | 'ready' | 'stopping' = 'starting';

  constructor(
    private readonly probes: Readonly<Record<string, HealthProbe>>,
    private readonly opts: HealthMonitorOptions,
  ) {
    this.cacheMs = opts.cacheMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? 2000;
  }

  /** The instance finished starting: migrations ran, the administrator exists. */
  markReady(): void {
    if (this.state === 'starting') this.state = 'ready';
  }

  /** The instance is shutting down: not ready any more. */
  markStopping(): void {
    this.state = 'stopping';
  }

  /** Every component, in name order. */
  async report(): Promise<HealthReport> {
    const names = Object.keys(this.probes).sort();
    return reportOf(await Promise.all(names.map((name) => this.component(name))));
  }

  /** Ready for traffic: started, not stopping, and the database (and Redis, when configured) answer. */
  async ready(): Promise<{ ready: boolean; reason?: string }> {
    if (this.state !== 'ready') return { ready: false, reason: this.state };
    for (const name of READINESS) {
      if (!this.probes[name]) continue;
      if ((await this.component(name)).status !== 'healthy') return { ready: false, reason: name };
    }
    return { ready: true };
  }

  private component(name: string): Promise<ComponentHealth> {
    const now = this.opts.now();
    const cached = this.cache.get(name);
    if (cached && now - cached.at < this.cacheMs && now >= cached.at) return cached.result;
    const result = probeOnce(name, this.probes[name]!, this.timeoutMs, this.opts.onFailure ?? (() => undefined));
    this.cache.set(name, { at: now, result });
    return result;
  }
}

async function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthProblem(`no answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
