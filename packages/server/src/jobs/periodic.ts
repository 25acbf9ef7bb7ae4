import type { Logger } from 'pino';
import type { Clock } from '../ports/clock.js';
import { LeaseUnavailableError, type Leases } from '../ports/lease.js';
import { holdLease } from '../registry-core/lease-holding.js';

/** What every periodic job needs besides its work: where it logs, the leases the nodes share, the clock. */
export interface JobContext {
  readonly log: Logger;
  readonly leases: Leases;
  readonly clock: Clock;
  /** This process's holder id (unique per process). */
  readonly node: string;
}

/**
 * Runs a job every `intervalSeconds` (first run after one interval), never two runs at once, and waits
 * for a running one on stop. Each node ticks on its own timer, but a round runs only under the job's lease
 * (`job:<name>`, time-to-live one interval, renewed while the round runs): the node that takes it runs the
 * round and then keeps the lease until it expires, so the other nodes of a deployment skip their ticks and
 * a round runs once per interval wherever it is scheduled. A node that dies mid-round loses the lease after
 * an interval and another takes over. The work's `signal` is aborted if the lease is lost mid-round.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalSeconds: number,
    private readonly work: (signal: AbortSignal) => Promise<unknown>,
    private readonly ctx: JobContext,
  ) {}

  start(): void {
    if (this.intervalSeconds <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /**
   * Runs a round now unless one is in progress here, or another node holds the job's lease (it ran or is
   * running this interval's round); resolves when the round ends, with whether it ran. Never throws.
   */
  runOnce(): Promise<boolean> {
    return (this.running ??= this.round().finally(() => (this.running = undefined)));
  }

  private async round(): Promise<boolean> {
    const { log, clock, leases, node } = this.ctx;
    let ran = false;
    try {
      await holdLease(
        leases,
        `job:${this.name}`,
        { holder: node, ttlMs: Math.max(1000, Math.round(this.intervalSeconds * 1000)), waitMs: 0 },
        async ({ signal }) => {
          ran = true;
          const started = clock.now();
          const result = await this.work(signal);
          log.info({ job: this.name, result, ms: clock.now() - started }, 'job finished');
        },
        (outcome) => (outcome.ok ? 'keep' : 'release'),
      );
    } catch (err) {
      if (err instanceof LeaseUnavailableError) {
        log.debug({ job: this.name }, 'job skipped: another node holds its lease');
      } else {
        log.error({ job: this.name, err }, 'job failed');
      }
    }
    return ran;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
