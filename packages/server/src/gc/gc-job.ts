import { InvalidError } from '../domain/errors.js';
import type { JobEngine, JobType } from '../jobs/engine.js';
import type { GarbageCollector, GcOptions, GcResult } from './collector.js';

/** The job type (Harbor's vendor type) of garbage collection. */
export const GC_JOB = 'GARBAGE_COLLECTION';

/** Harbor's GC job parameters, as its API takes them (`time_window` in hours). */
export interface GcJobParams {
  readonly delete_untagged?: boolean;
  readonly dry_run?: boolean;
  readonly workers?: number;
  readonly time_window?: number;
}

/**
 * Checks and completes Harbor's GC parameters: booleans, `workers` an integer from 1 to 5 (default 1),
 * `time_window` hours at least 0 (default the configured window). Unknown keys are dropped. InvalidError otherwise.
 */
export function gcParams(input: unknown, defaultTimeWindowHours: number): Required<GcJobParams> {
  const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const bool = (key: string): boolean => {
    const value = raw[key];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw new InvalidError('field', `${key} must be a boolean`);
    return value;
  };
  const workers = raw.workers ?? 1;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1 || workers > 5) {
    throw new InvalidError(
      'field',
      `invalid number of workers: ${JSON.stringify(workers)}; workers must be greater than 0 and at most 5`,
    );
  }
  const timeWindow = raw.time_window ?? defaultTimeWindowHours;
  if (typeof timeWindow !== 'number' || !Number.isFinite(timeWindow) || timeWindow < 0) {
    throw new InvalidError('field', 'time_window must be a number of hours, at least 0');
  }
  return { delete_untagged: bool('delete_untagged'), dry_run: bool('dry_run'), workers, time_window: timeWindow };
}

/** The result as kept in the execution's extra attributes (next to the parameters). */
export function resultAttrs(result: GcResult): Record<string, number | boolean> {
  return {
    purged_artifacts: result.artifactsDeleted,
    purged_blobs: result.blobsDeleted,
    freed_space: result.bytesFreed,
    dry_run: result.dryRun,
  };
}

/**
 * Garbage collection as a job type: one at a time across every node; the run is the collector's, with the task's
 * signal (a stop ends it between pages) and log. Its result goes to the execution's extra attributes and the log.
 */
export function gcJob(
  gc: GarbageCollector,
  engine: JobEngine,
  opts: { readonly defaultTimeWindowSeconds: number },
): JobType<GcJobParams> {
  return {
    name: GC_JOB,
    concurrency: 1,
    run: async ({ params, execution, log, signal }) => {
      const p = gcParams(params, opts.defaultTimeWindowSeconds / 3600);
      // A scheduled run's execution starts without them: Harbor's job_parameters show what the run used.
      await engine.executions.annotate(execution.id, p);
      const options: GcOptions = {
        deleteUntagged: p.delete_untagged,
        dryRun: p.dry_run,
        workers: p.workers,
        timeWindowMs: Math.round(p.time_window * 3_600_000),
      };
      const result = await gc.run(options, { signal, log: (line) => log.info(line) });
      log.info(
        `${result.dryRun ? 'dry run: would free' : 'freed'} ${result.bytesFreed} bytes (${formatBytes(result.bytesFreed)}): ` +
          `${result.artifactsDeleted} artifacts and ${result.blobsDeleted} blobs ` +
          `(${result.orphansDeleted} orphaned files) ${result.dryRun ? 'would be ' : ''}deleted`,
      );
      await engine.executions.annotate(execution.id, resultAttrs(result));
      return resultAttrs(result);
    },
  };
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
