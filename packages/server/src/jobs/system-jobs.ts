import type { JobEngine, JobType } from './engine.js';

/** A job type the system schedules itself, every `intervalSeconds` (0: never). */
export interface SystemJob {
  readonly type: JobType;
  readonly intervalSeconds: number;
}

/**
 * Registers each system job and keeps its schedule in step with its configured interval: `@every <n>s` for the
 * system vendor id (-1), first run one interval after it was (re)scheduled; an interval of 0 removes the schedule.
 * Idempotent: every node calls it at start, and an unchanged schedule keeps its next run.
 */
export async function scheduleSystemJobs(engine: JobEngine, jobs: readonly SystemJob[]): Promise<void> {
  for (const job of jobs) {
    engine.register(job.type);
    if (job.intervalSeconds > 0) {
      await engine.schedules.upsert({ vendorType: job.type.name, cron: `@every ${Math.round(job.intervalSeconds)}s` });
    } else {
      await engine.schedules.delete(job.type.name);
    }
  }
}
