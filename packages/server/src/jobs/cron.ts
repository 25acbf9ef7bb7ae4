import { Cron } from 'croner';
import { InvalidError } from '../domain/errors.js';

const EVERY = /^@every (\d{1,9})s$/;

/**
 * Checks a schedule's cron: Harbor's six fields with seconds first (`0 0 3 * * *`: 03:00:00 every day, UTC), or
 * `@every <n>s` (robfig/cron's descriptor, which Harbor's scheduler accepts too; Wharf's system purges use it to
 * keep their configured intervals). Throws InvalidError otherwise.
 */
export function checkCron(cron: string): void {
  nextRunAfter(cron, 0);
}

/** The first run strictly after `afterMs` (ms since the epoch), UTC. */
export function nextRunAfter(cron: string, afterMs: number): number {
  const every = EVERY.exec(cron);
  if (every) {
    const seconds = Number(every[1]);
    if (seconds < 1) throw new InvalidError('field', `the interval of "${cron}" must be at least 1 second`);
    return afterMs + seconds * 1000;
  }
  let pattern: Cron;
  try {
    pattern = new Cron(cron, { paused: true, timezone: 'UTC', mode: '6-part' });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidError('field', `invalid cron "${cron}": ${reason}`);
  }
  const next = pattern.nextRun(new Date(afterMs));
  if (!next) throw new InvalidError('field', `cron "${cron}" never fires`);
  return next.getTime();
}
