import type { Logger } from 'pino';

/**
 * Runs a job every `intervalSeconds` (first run after one interval), never two runs at once, and waits
 * for a running one on stop. The job/execution model of later issues builds on this.
 */
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalSeconds: number,
    private readonly work: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (this.intervalSeconds <= 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Runs the job now unless a run is in progress; resolves when that run ends. Never throws. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      const started = Date.now();
      try {
        const result = await this.work();
        this.log.info({ job: this.name, result, ms: Date.now() - started }, 'job finished');
      } catch (err) {
        this.log.error({ job: this.name, err }, 'job failed');
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
