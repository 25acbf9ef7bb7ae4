import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PullBatch } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import { PullRecorder } from './pull-recorder.js';

/** A store whose pull records are captured; `fail` makes the next writes throw. */
function fakeStore() {
  const batches: PullBatch[] = [];
  const state = { fail: 0 };
  const store = {
    pulls: {
      record: (batch: PullBatch) => {
        if (state.fail > 0) {
          state.fail--;
          return Promise.reject(new Error('database away'));
        }
        batches.push(batch);
        return Promise.resolve();
      },
    },
  } as unknown as Store;
  return { store, batches, state };
}

const m1 = { id: 1, repositoryId: 10 };
const m2 = { id: 2, repositoryId: 10 };
const m3 = { id: 3, repositoryId: 20 };

describe('PullRecorder', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gathers pulls into one batch: counts per repository, the first time per manifest and tag', async () => {
    let now = 1_000;
    const { store, batches } = fakeStore();
    const recorder = new PullRecorder(store, { now: () => now, flushAfterMs: 60_000 });
    recorder.record(m1, 'v1');
    now = 1_500;
    recorder.record(m1, 'v1');
    recorder.record(m2);
    recorder.record(m3, 'latest');
    expect(batches).toEqual([]);
    await recorder.flush();
    expect(batches).toEqual([
      {
        repositories: [
          { id: 10, count: 3 },
          { id: 20, count: 1 },
        ],
        manifests: [
          { id: 1, at: new Date(1_000) },
          { id: 2, at: new Date(1_500) },
          { id: 3, at: new Date(1_500) },
        ],
        tags: [
          { repositoryId: 10, name: 'v1', at: new Date(1_000) },
          { repositoryId: 20, name: 'latest', at: new Date(1_500) },
        ],
      },
    ]);
    await recorder.flush();
    expect(batches).toHaveLength(1);
  });

  it('writes a pull time at most once per resolution, while every pull still counts', async () => {
    let now = 0;
    const { store, batches } = fakeStore();
    const recorder = new PullRecorder(store, { now: () => now, pullTimeResolutionMs: 60_000 });
    recorder.record(m1, 'v1');
    await recorder.flush();
    now = 59_999;
    recorder.record(m1, 'v1');
    await recorder.flush();
    expect(batches[1]).toEqual({ repositories: [{ id: 10, count: 1 }], manifests: [], tags: [] });
    now = 60_000;
    recorder.record(m1, 'v1');
    await recorder.flush();
    expect(batches[2]?.manifests).toEqual([{ id: 1, at: new Date(60_000) }]);
    expect(batches[2]?.tags).toEqual([{ repositoryId: 10, name: 'v1', at: new Date(60_000) }]);
  });

  it('flushes by itself after flushAfterMs', async () => {
    vi.useFakeTimers();
    const { store, batches } = fakeStore();
    const recorder = new PullRecorder(store, { flushAfterMs: 500 });
    recorder.record(m1);
    recorder.record(m2);
    await vi.advanceTimersByTimeAsync(499);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.repositories).toEqual([{ id: 10, count: 2 }]);
  });

  it('keeps a batch that failed for the next one, and reports the failure', async () => {
    let now = 0;
    const { store, batches, state } = fakeStore();
    const errors: unknown[] = [];
    const recorder = new PullRecorder(store, { now: () => now, onError: (err) => errors.push(err) });
    recorder.record(m1, 'v1');
    state.fail = 1;
    await recorder.flush();
    expect(errors).toHaveLength(1);
    now = 10;
    recorder.record(m1, 'v1');
    await recorder.flush();
    expect(batches).toEqual([
      {
        repositories: [{ id: 10, count: 2 }],
        manifests: [{ id: 1, at: new Date(0) }],
        tags: [{ repositoryId: 10, name: 'v1', at: new Date(0) }],
      },
    ]);
  });

  it('writes what is left on close and records nothing afterwards', async () => {
    const { store, batches } = fakeStore();
    const recorder = new PullRecorder(store, { flushAfterMs: 60_000 });
    recorder.record(m3);
    await recorder.close();
    expect(batches).toHaveLength(1);
    recorder.record(m3);
    await recorder.flush();
    expect(batches).toHaveLength(1);
  });

  it('never runs two writes at once', async () => {
    const { store } = fakeStore();
    let running = 0;
    let most = 0;
    const slow = {
      pulls: {
        record: async (batch: PullBatch) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          await store.pulls.record(batch);
        },
      },
    } as unknown as Store;
    const recorder = new PullRecorder(slow, { flushAfterMs: 60_000 });
    recorder.record(m1);
    const first = recorder.flush();
    recorder.record(m2);
    await Promise.all([first, recorder.flush(), recorder.flush()]);
    expect(most).toBe(1);
  });
});
