import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { healthProbePath } from '../registry-core/paths.js';
import { HealthProblem, type HealthProbe } from './health.js';

/** What the job engine tells the health report about its rounds (`JobEngine.health()`). */
export interface EngineHealth {
  /** Rounds run (the engine was started); an instance that never starts them (tests, the CLI) is not judged. */
  readonly started: boolean;
  readonly closed: boolean;
  readonly startAt: number;
  readonly pollIntervalMs: number;
  /** When the last round ended and whether it reached the database (heartbeat, claim renewals, claims). */
  readonly lastRound?: { readonly at: number; readonly ok: boolean } | undefined;
}

/**
 * The components of the health report (Harbor's names where Harbor has them): the database (a query), storage (a
 * write, read-back, stat and delete of a small file under the blob store's root) and the job engine (rounds running).
 * `more`: further components, e.g. `redis` when `redis.url` is set (main-signals.ts).
 */
export function healthProbes(
  store: Store,
  storage: BlobStore,
  engine: () => EngineHealth,
  clock: Clock,
  more: Readonly<Record<string, HealthProbe>> = {},
): Record<string, HealthProbe> {
  return {
    ...more,
    database: async () => {
      await store.settings.get();
    },
    storage: async () => {
      // One file per probe, so that concurrent checks never read each other's bytes.
      const path = healthProbePath(randomUUID());
      const probe = Buffer.from(path);
      await storage.putContent(path, probe);
      try {
        if (!(await storage.getContent(path)).equals(probe)) throw new HealthProblem('storage read back other bytes');
        if ((await storage.stat(path)).size !== probe.length) throw new HealthProblem('storage reports another size');
      } finally {
        await storage.delete(path);
      }
    },
    jobservice: () => {
      const state = engine();
      if (state.closed) throw new HealthProblem('the job engine is stopped');
      if (!state.started) return Promise.resolve();
      if (state.lastRound && !state.lastRound.ok) throw new HealthProblem('the last job engine round failed');
      const since = state.lastRound?.at ?? state.startAt;
      if (clock.now() - since > Math.max(3 * state.pollIntervalMs, 10_000)) {
        throw new HealthProblem('the job engine has not completed a round recently');
      }
      return Promise.resolve();
    },
  };
}
