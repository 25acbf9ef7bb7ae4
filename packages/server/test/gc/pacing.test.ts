import { describe, expect, it } from 'vitest';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import { systemOperator } from '../../src/domain/events.js';
import { GarbageCollector } from '../../src/gc/collector.js';
import { RequestGauge } from '../../src/lib/request-gauge.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { ManualClock } from '../../src/ports/clock.js';
import { pushImage } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const clock = new ManualClock(Date.now());
/** The concurrency of every bulk deletion the collector asked for, in order. */
const concurrencies: number[] = [];
let storage: BlobStore | undefined;

function recordingStorage(root: string): BlobStore {
  const inner = createBlobStore({ driver: 'filesystem', rootDirectory: root });
  storage = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'deleteObjects') {
        return (paths: readonly string[], concurrency: number) => {
          concurrencies.push(concurrency);
          return target.deleteObjects(paths, concurrency);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return storage;
}

// Tag history (tags.restoreWindow) would keep deleted artifacts' blobs: these tests are of GC alone (tag-history.test.ts).
const reg = useOciTestRegistry({ WHARF_TAGS_RESTOREWINDOW: '0' }, { clock, storage: recordingStorage });

async function garbage(repo: string): Promise<void> {
  for (const tag of ['a', 'b']) {
    const image = await pushImage(reg.app, repo, tag);
    await reg.app.inject({ method: 'DELETE', url: `/v2/${repo}/manifests/${image.digest}` });
  }
}

function collector(requests: RequestGauge): GarbageCollector {
  const { store, registry } = reg.wharf;
  return new GarbageCollector({
    store,
    storage: storage!,
    registry,
    clock,
    actor: { by: systemOperator('gc') },
    requests,
  });
}

const RUN = { deleteUntagged: false, dryRun: false, workers: 5, timeWindowMs: 0 };
const quiet = () => ({ signal: new AbortController().signal, log: () => undefined });

describe('garbage collection yields to requests', () => {
  it('deletes content `workers` at a time when no request is being served, one at a time while one is', async () => {
    const gauge = new RequestGauge();
    await garbage('pacing/idle');
    concurrencies.length = 0;
    const idle = await collector(gauge).run(RUN, quiet());
    expect(idle.blobsDeleted).toBeGreaterThan(0);
    expect(concurrencies).toEqual([5]);

    await garbage('pacing/busy');
    concurrencies.length = 0;
    gauge.begin(); // a request in flight for the whole run
    const busy = await collector(gauge).run(RUN, quiet());
    gauge.end();
    expect(busy.blobsDeleted).toBeGreaterThan(0);
    expect(concurrencies.length).toBeGreaterThan(0);
    expect(concurrencies.every((c) => c === 1)).toBe(true);
  });
});
