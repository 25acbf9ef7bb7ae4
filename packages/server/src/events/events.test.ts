import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../adapters/db/index.js';
import type { DomainEvent } from '../domain/events.js';
import { ManualClock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { EventBus } from './event-bus.js';
import { OutboxRelay, retryDelayMs } from './outbox-relay.js';
import { UnitOfWork } from './unit-of-work.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function storeFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-events-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'wharf.db');
}

async function open(path: string): Promise<Store> {
  const store = openStore({ driver: 'sqlite', path, synchronous: 'normal' });
  await store.migrate();
  cleanup.push(() => store.close());
  return store;
}

/** A bus with one subscriber that remembers what it got (and fails while `failing` says so). */
function recordingBus(failing: { count: number } = { count: 0 }) {
  const errors: unknown[] = [];
  const bus = new EventBus((error) => errors.push(error));
  const seen: DomainEvent[] = [];
  bus.subscribe('recorder', ['project.created', 'artifact.pushed'], (event) => {
    if (failing.count > 0) {
      failing.count--;
      throw new Error('subscriber down');
    }
    seen.push(event);
  });
  return { bus, seen, errors };
}

describe('units of work and the outbox relay', () => {
  it('delivers events after commit, with the time and the operator', async () => {
    const clock = new ManualClock(1_000_000);
    const store = await open(await storeFile());
    const { bus, seen } = recordingBus();
    const work = new UnitOfWork(store, clock);
    const relay = new OutboxRelay(store, bus, clock, { pollMs: 0 });
    work.onCommit(relay);
    await work.run(async ({ tx, emit }) => {
      const project = await tx.projects.create({ name: 'team', public: false });
      emit({ type: 'project.created', projectId: project.id, project: 'team' }, { kind: 'user', name: 'alice' });
    });
    await relay.drain();
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'project.created',
        project: 'team',
        at: 1_000_000,
        by: { kind: 'user', name: 'alice' },
      }),
    ]);
    expect(await store.outbox.pendingCount()).toBe(0);
  });

  it('records nothing and delivers nothing for a change that rolls back', async () => {
    const clock = new ManualClock();
    const store = await open(await storeFile());
    const { bus, seen } = recordingBus();
    const work = new UnitOfWork(store, clock);
    const relay = new OutboxRelay(store, bus, clock, { pollMs: 0 });
    work.onCommit(relay);
    await expect(
      work.run(async ({ tx, emit }) => {
        const project = await tx.projects.create({ name: 'doomed', public: false });
        emit({ type: 'project.created', projectId: project.id, project: 'doomed' });
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await relay.drain();
    expect(seen).toEqual([]);
    expect(await store.projects.getByName('doomed')).toBeUndefined();
    expect(await store.outbox.pendingCount()).toBe(0);
  });

  it('loses nothing when the process dies between commit and delivery: the next relay delivers', async () => {
    const path = await storeFile();
    const clock = new ManualClock();
    const first = await open(path);
    // No relay listens: the process "dies" right after the commit.
    await new UnitOfWork(first, clock).run(async ({ tx, emit }) => {
      const project = await tx.projects.create({ name: 'kept', public: false });
      emit({ type: 'project.created', projectId: project.id, project: 'kept' });
    });
    await first.close();
    cleanup.pop();
    const second = await open(path);
    const { bus, seen } = recordingBus();
    await new OutboxRelay(second, bus, clock, { pollMs: 0 }).drain();
    expect(seen.map((e) => e.type === 'project.created' && e.project)).toEqual(['kept']);
  });

  it('takes over events claimed by a relay that died, once its claim expired', async () => {
    const clock = new ManualClock();
    const store = await open(await storeFile());
    await new UnitOfWork(store, clock).run(({ emit }) => {
      emit({ type: 'project.created', projectId: 1, project: 'orphan' });
      return Promise.resolve();
    });
    // A relay claimed the event, then died before delivering it.
    expect(await store.outbox.claim('dead', new Date(clock.now()), new Date(clock.now() + 60_000), 10)).toHaveLength(1);
    const { bus, seen } = recordingBus();
    const relay = new OutboxRelay(store, bus, clock, { pollMs: 0, claimMs: 60_000 });
    await relay.drain();
    expect(seen).toEqual([]);
    clock.advance(60_001);
    await relay.drain();
    expect(seen.map((e) => e.type === 'project.created' && e.project)).toEqual(['orphan']);
  });

  it('retries a failing subscriber with backoff and marks the event failed after the last attempt', async () => {
    const clock = new ManualClock();
    const store = await open(await storeFile());
    const failing = { count: 2 };
    const { bus, seen, errors } = recordingBus(failing);
    const work = new UnitOfWork(store, clock);
    const relay = new OutboxRelay(store, bus, clock, { pollMs: 0, maxAttempts: 3 });
    work.onCommit(relay);
    await work.run(({ emit }) => Promise.resolve(emit({ type: 'project.created', projectId: 1, project: 'flaky' })));
    await relay.drain();
    expect(seen).toEqual([]);
    clock.advance(retryDelayMs(1) - 1);
    await relay.drain();
    expect(errors).toHaveLength(1);
    clock.advance(1);
    await relay.drain();
    expect(errors).toHaveLength(2);
    clock.advance(retryDelayMs(2));
    await relay.drain();
    expect(seen.map((e) => e.type)).toEqual(['project.created']);

    failing.count = 5;
    await work.run(({ emit }) => Promise.resolve(emit({ type: 'project.created', projectId: 2, project: 'broken' })));
    for (let attempt = 1; attempt <= 3; attempt++) {
      await relay.drain();
      clock.advance(retryDelayMs(attempt));
    }
    await relay.drain();
    expect(await store.outbox.pendingCount()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('refuses transient events in a unit of work, and publishes them at once on the bus', async () => {
    const clock = new ManualClock();
    const store = await open(await storeFile());
    const errors: unknown[] = [];
    const bus = new EventBus((error) => errors.push(error));
    const pulls: string[] = [];
    bus.subscribe('pulls', ['artifact.pulled'], (event) => {
      pulls.push(event.digest);
    });
    bus.subscribe('broken', ['artifact.pulled'], () => Promise.reject(new Error('no')));
    await expect(
      new UnitOfWork(store, clock).run(({ emit }) =>
        Promise.resolve(
          emit({ type: 'artifact.pulled', repository: 'r', digest: 'd', manifestId: 1, repositoryId: 1 }),
        ),
      ),
    ).rejects.toThrow(/transient/);
    bus.publish({ type: 'artifact.pulled', repository: 'r', digest: 'd', manifestId: 1, repositoryId: 1, at: 0 });
    expect(pulls).toEqual(['d']);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(errors).toHaveLength(1);
    expect(() => bus.subscribe('pulls', ['artifact.pulled'], () => undefined)).toThrow(/registered already/);
  });
});
