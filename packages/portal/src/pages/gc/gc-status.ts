import type { GCHistory } from '../../api/models';

/** How often the history and a log are read again while a run is pending or running. */
export const GC_REFRESH_MS = 3000;

export function isActive(run: GCHistory): boolean {
  return run.job_status === 'Pending' || run.job_status === 'Running';
}
