import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../domain/events.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const T0 = 1_700_000_000_000;

function pushed(n: number, at = T0): DomainEvent {
  return {
    type: 'artifact.pushed',
    repository: 'library/app',
    digest: `sha256:${String(n).padStart(64, '0')}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    size: n,
    at,
    by: { kind: 'user', name: 'alice', id: 3 },
  };
}

/** The outbox of domain events (ports/outbox.ts), on every backend. */
export function describeOutboxRecords(fresh: FreshStore): void {
  describe('outbox', () => {
    it('keeps appended events in order, whole, until delivered', async () => {
      const store = await fresh();
      await store.outbox.append([pushed(1), pushed(2)]);
      await store.outbox.append([pushed(3)]);
      expect(await store.outbox.pendingCount()).toBe(3);
      const claimed = await store.outbox.claim('a', new Date(T0), new Date(T0 + 60_000), 10);
      expect(claimed.map((e) => e.event)).toEqual([pushed(1), pushed(2), pushed(3)]);
      expect(claimed.map((e) => e.attempts)).toEqual([0, 0, 0]);
      expect(claimed[0]!.id).toBeLessThan(claimed[1]!.id);
      await store.outbox.markDelivered(
        claimed.map((e) => e.id),
        new Date(T0 + 1),
      );
      expect(await store.outbox.pendingCount()).toBe(0);
      expect(await store.outbox.claim('a', new Date(T0 + 120_000), new Date(T0 + 180_000), 10)).toEqual([]);
    });

    it('writes nothing for a transaction that rolls back', async () => {
      const store = await fresh();
      await expect(
        store.transaction(async (tx) => {
          await tx.outbox.append([pushed(1)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await store.transaction((tx) => tx.outbox.append([pushed(2)]));
      const claimed = await store.outbox.claim('a', new Date(T0), new Date(T0 + 1000), 10);
      expect(claimed.map((e) => e.event.type === 'artifact.pushed' && e.event.size)).toEqual([2]);
    });

    it('gives an event to one claimant at a time, and again once the claim expired', async () => {
      const store = await fresh();
      await store.outbox.append([pushed(1), pushed(2), pushed(3)]);
      const first = await store.outbox.claim('a', new Date(T0), new Date(T0 + 1000), 2);
      expect(first.map((e) => e.event.type === 'artifact.pushed' && e.event.size)).toEqual([1, 2]);
      const second = await store.outbox.claim('b', new Date(T0 + 10), new Date(T0 + 1000), 10);
      expect(second.map((e) => e.event.type === 'artifact.pushed' && e.event.size)).toEqual([3]);
      expect(await store.outbox.claim('b', new Date(T0 + 20), new Date(T0 + 1000), 10)).toEqual([]);
      // a's claim ran out (a died): b takes the events over.
      const taken = await store.outbox.claim('b', new Date(T0 + 1001), new Date(T0 + 2000), 10);
      expect(taken.map((e) => e.event.type === 'artifact.pushed' && e.event.size)).toEqual([1, 2, 3]);
    });

    it('lets concurrent claimants share events without overlap', async () => {
      const store = await fresh();
      await store.outbox.append(Array.from({ length: 40 }, (_, i) => pushed(i + 1)));
      const claims = await Promise.all(
        ['a', 'b', 'c', 'd'].map((holder) => store.outbox.claim(holder, new Date(T0), new Date(T0 + 60_000), 15)),
      );
      const ids = claims.flat().map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    });

    it('retries a released event after its time and stops at a failed one', async () => {
      const store = await fresh();
      await store.outbox.append([pushed(1), pushed(2)]);
      const [one, two] = await store.outbox.claim('a', new Date(T0), new Date(T0 + 60_000), 10);
      await store.outbox.release(one!.id, new Date(T0 + 5000), 'subscriber down');
      await store.outbox.fail(two!.id, new Date(T0), 'gave up');
      expect(await store.outbox.claim('a', new Date(T0 + 4999), new Date(T0 + 60_000), 10)).toEqual([]);
      const retried = await store.outbox.claim('a', new Date(T0 + 5000), new Date(T0 + 60_000), 10);
      expect(retried.map((e) => [e.id, e.attempts])).toEqual([[one!.id, 1]]);
      expect(await store.outbox.pendingCount()).toBe(1);
    });

    it('purges delivered and failed events older than the cut-off, never pending ones', async () => {
      const store = await fresh();
      await store.outbox.append([pushed(1), pushed(2), pushed(3)]);
      const [one, two] = await store.outbox.claim('a', new Date(T0), new Date(T0 + 60_000), 2);
      await store.outbox.markDelivered([one!.id], new Date(T0 + 10));
      await store.outbox.fail(two!.id, new Date(T0 + 20), 'gave up');
      expect(await store.outbox.purge(new Date(T0 + 15))).toBe(1);
      expect(await store.outbox.purge(new Date(T0 + 1_000_000))).toBe(1);
      expect(await store.outbox.pendingCount()).toBe(1);
    });
  });
}
