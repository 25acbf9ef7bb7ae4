import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../ports/clock.js';
import { LeaseLostError, LeaseUnavailableError } from '../../ports/lease.js';
import type { Lease, Leases } from '../../ports/lease.js';

/** What an implementation's test runner hands the shared lease suite. */
export interface LeaseFixture {
  /** Leases on fresh state whose expiry reads the clock the suite passed. */
  readonly leases: Leases;
  /**
   * Another instance on the same shared state, as a second node would open it (its own connection or pool,
   * the same clock); absent for implementations that live in one process.
   */
  readonly anotherNode?: () => Promise<Leases>;
  dispose(): Promise<void>;
}

const TTL = 10_000;

/** The rejection of `promise`, or undefined when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

async function expectLost(lease: Lease): Promise<void> {
  const err = await failureOf(lease.assertHeld());
  expect(err).toBeInstanceOf(LeaseLostError);
  expect(err).toMatchObject({ lease: lease.name, holder: lease.holder });
  expect(await lease.renew()).toBe(false);
  expect(await lease.release()).toBe(false);
}

/**
 * The contract every Leases implementation passes. `make` opens leases on fresh state, reading `clock`;
 * the suite moves that clock instead of waiting. Waiting acquires poll in real time, briefly.
 */
export function describeLeases(label: string, make: (clock: ManualClock) => Promise<LeaseFixture>): void {
  describeLeasesOn(label, make, false);
}

/** The suite, plus two instances ("nodes") on the same shared state: `make` must provide `anotherNode`. */
export function describeSharedLeases(label: string, make: (clock: ManualClock) => Promise<LeaseFixture>): void {
  describeLeasesOn(label, make, true);
}

function describeLeasesOn(label: string, make: (clock: ManualClock) => Promise<LeaseFixture>, shared: boolean): void {
  describe(label, () => {
    let clock: ManualClock;
    let fixture: LeaseFixture | undefined;
    let leases: Leases;
    let name: string;

    beforeEach(async () => {
      clock = new ManualClock(1_700_000_000_000);
      fixture = await make(clock);
      leases = fixture.leases;
      name = `suite:${randomUUID()}`;
    });

    afterEach(async () => {
      const current = fixture;
      fixture = undefined;
      await current?.dispose();
    });

    const acquireFor = (holder: string, ttlMs = TTL) => leases.tryAcquire(name, { holder, ttlMs });

    describe('acquire', () => {
      it('hands out a free lease with its holder, a token and an expiry read from the clock', async () => {
        const lease = await acquireFor('a');
        expect(lease).toMatchObject({ name, holder: 'a', expiresAt: clock.now() + TTL });
        expect(lease!.token).toBeGreaterThanOrEqual(1);
        await lease!.assertHeld();
      });

      it('refuses another holder while the lease is held, and keeps names apart', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL - 1);
        expect(await acquireFor('b')).toBeUndefined();
        await a!.assertHeld();
        const other = await leases.tryAcquire(`${name}-other`, { holder: 'b', ttlMs: TTL });
        expect(other).toBeDefined();
        await a!.assertHeld();
      });

      it('lets a holder acquire its own lease again, with a new token and expiry', async () => {
        const first = await acquireFor('a');
        clock.advance(1000);
        const again = await acquireFor('a');
        expect(again!.token).toBeGreaterThan(first!.token);
        expect(again!.expiresAt).toBe(clock.now() + TTL);
        // The earlier acquisition is superseded: its token no longer holds the lease.
        await expectLost(first!);
        await again!.assertHeld();
      });

      it('refuses malformed names, holders and times-to-live', async () => {
        for (const bad of ['', 'with space', 'x'.repeat(201), 'tab\t']) {
          await expect(leases.tryAcquire(bad, { holder: 'a', ttlMs: TTL })).rejects.toBeInstanceOf(RangeError);
        }
        await expect(leases.tryAcquire(name, { holder: '', ttlMs: TTL })).rejects.toBeInstanceOf(RangeError);
        for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
          await expect(leases.tryAcquire(name, { holder: 'a', ttlMs })).rejects.toBeInstanceOf(RangeError);
        }
        const lease = await acquireFor('a');
        await expect(lease!.renew(0)).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('expiry, renewal and loss', () => {
      it('expires after its time-to-live, and another holder takes it over', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL);
        const b = await acquireFor('b');
        expect(b).toMatchObject({ holder: 'b' });
        expect(b!.token).toBeGreaterThan(a!.token);
        await expectLost(a!);
        await b!.assertHeld();
      });

      it('is lost once expired even when nobody took it over', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL);
        await expectLost(a!);
      });

      it('renewal extends it from now, for the acquisition’s time-to-live or a given one', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL - 1);
        expect(await a!.renew()).toBe(true);
        expect(a!.expiresAt).toBe(clock.now() + TTL);
        clock.advance(TTL - 1);
        expect(await acquireFor('b')).toBeUndefined();
        expect(await a!.renew(60_000)).toBe(true);
        expect(a!.expiresAt).toBe(clock.now() + 60_000);
        clock.advance(59_999);
        await a!.assertHeld();
        expect(await acquireFor('b')).toBeUndefined();
        clock.advance(1);
        expect(await acquireFor('b')).toBeDefined();
        await expectLost(a!);
      });

      it('a renewal that comes too late fails, and the expiry it reports stays the old one', async () => {
        const a = await acquireFor('a');
        const expiresAt = a!.expiresAt;
        clock.advance(TTL + 1);
        expect(await a!.renew()).toBe(false);
        expect(a!.expiresAt).toBe(expiresAt);
      });
    });

    describe('release', () => {
      it('frees the lease at once; releasing again says it is no longer held', async () => {
        const a = await acquireFor('a');
        expect(await a!.release()).toBe(true);
        await expectLost(a!);
        const b = await acquireFor('b');
        expect(b!.token).toBeGreaterThan(a!.token);
      });

      it('keeps fencing tokens increasing over acquisitions, releases, expiries and takeovers', async () => {
        const tokens: number[] = [];
        for (let round = 0; round < 6; round++) {
          const lease = await acquireFor(round % 2 ? 'a' : 'b');
          tokens.push(lease!.token);
          if (round % 3 === 0) await lease!.release();
          else clock.advance(TTL);
        }
        expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
        expect(new Set(tokens).size).toBe(tokens.length);
      });

      it('with forget, frees the name entirely; a later acquire starts afresh', async () => {
        const a = await acquireFor('a');
        expect(await a!.release({ forget: true })).toBe(true);
        await expectLost(a!);
        expect(await acquireFor('b')).toMatchObject({ holder: 'b' });
      });

      it('a lost lease cannot release (or forget) its successor’s', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL);
        const b = await acquireFor('b');
        expect(await a!.release({ forget: true })).toBe(false);
        await b!.assertHeld();
        expect(await acquireFor('c')).toBeUndefined();
      });
    });

    describe('fencing', () => {
      it('a stale holder’s token stays below every later acquisition’s, so a fenced write can refuse it', async () => {
        const a = await acquireFor('a');
        clock.advance(TTL);
        const b = await acquireFor('b');
        expect(b!.token).toBeGreaterThan(a!.token);
        expect(await b!.release()).toBe(true);
        const c = await acquireFor('c');
        expect(c!.token).toBeGreaterThan(b!.token);
        // The stale holder cannot renew its way back; acquiring anew gives it a token above every earlier one.
        expect(await a!.renew()).toBe(false);
        clock.advance(TTL);
        const again = await acquireFor('a');
        expect(again!.token).toBeGreaterThan(c!.token);
        for (const lease of [a, b, c, again]) expect(Number.isSafeInteger(lease!.token)).toBe(true);
      });
    });

    describe('waiting', () => {
      it('waits for the holder to release', async () => {
        const a = await acquireFor('a');
        const waiting = leases.acquire(name, { holder: 'b', ttlMs: TTL, waitMs: 10_000 });
        let settled = false;
        void waiting.finally(() => (settled = true));
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(settled).toBe(false);
        await a!.release();
        const b = await waiting;
        expect(b).toMatchObject({ holder: 'b' });
        expect(b.token).toBeGreaterThan(a!.token);
      });

      it('waits for the lease to expire', async () => {
        await acquireFor('a');
        const waiting = leases.acquire(name, { holder: 'b', ttlMs: TTL, waitMs: 10_000 });
        clock.advance(TTL);
        expect(await waiting).toMatchObject({ holder: 'b' });
      });

      it('gives up after waitMs with LeaseUnavailableError; waitMs 0 tries once', async () => {
        await acquireFor('a');
        const err = await failureOf(leases.acquire(name, { holder: 'b', ttlMs: TTL, waitMs: 30 }));
        expect(err).toBeInstanceOf(LeaseUnavailableError);
        expect(err).toMatchObject({ lease: name });
        expect(await failureOf(leases.acquire(name, { holder: 'b', ttlMs: TTL, waitMs: 0 }))).toBeInstanceOf(
          LeaseUnavailableError,
        );
        const free = await leases.acquire(`${name}-free`, { holder: 'b', ttlMs: TTL, waitMs: 0 });
        expect(free.holder).toBe('b');
      });
    });

    describe('concurrency', () => {
      it('of many parallel acquirers exactly one wins', async () => {
        const results = await Promise.all(
          Array.from({ length: 24 }, (_, i) => leases.tryAcquire(name, { holder: `h${i}`, ttlMs: TTL })),
        );
        const winners = results.filter((lease) => lease !== undefined);
        expect(winners).toHaveLength(1);
        await winners[0]!.assertHeld();
      });

      it('of many waiting acquirers each gets the lease in turn, never two at once', async () => {
        let inside = 0;
        let most = 0;
        const tokens: number[] = [];
        await Promise.all(
          Array.from({ length: 6 }, async (_, i) => {
            const lease = await leases.acquire(name, { holder: `w${i}`, ttlMs: TTL, waitMs: 20_000 });
            inside++;
            most = Math.max(most, inside);
            tokens.push(lease.token);
            await new Promise((resolve) => setImmediate(resolve));
            await lease.assertHeld();
            inside--;
            expect(await lease.release()).toBe(true);
          }),
        );
        expect(most).toBe(1);
        expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
      }, 30_000);
    });

    if (!shared) return;
    describe('two nodes on one database', () => {
      const nodes = async (): Promise<Leases> => {
        const open = fixture?.anotherNode;
        if (!open) throw new Error('describeSharedLeases needs a fixture with anotherNode');
        return open();
      };

      it('exclude each other, see each other’s renewals, expiries and releases', async () => {
        const other = await nodes();
        const a = await leases.tryAcquire(name, { holder: 'node1', ttlMs: TTL });
        expect(await other.tryAcquire(name, { holder: 'node2', ttlMs: TTL })).toBeUndefined();
        clock.advance(TTL - 1);
        expect(await a!.renew()).toBe(true);
        clock.advance(TTL - 1);
        expect(await other.tryAcquire(name, { holder: 'node2', ttlMs: TTL })).toBeUndefined();
        clock.advance(1);
        const b = await other.tryAcquire(name, { holder: 'node2', ttlMs: TTL });
        expect(b!.token).toBeGreaterThan(a!.token);
        await expectLost(a!);
        const waiting = leases.acquire(name, { holder: 'node1', ttlMs: TTL, waitMs: 10_000 });
        expect(await b!.release()).toBe(true);
        const again = await waiting;
        expect(again.token).toBeGreaterThan(b!.token);
      });

      it('of parallel acquirers on both nodes exactly one wins', async () => {
        const other = await nodes();
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (i % 2 ? other : leases).tryAcquire(name, { holder: `n${i % 2}-${i}`, ttlMs: TTL }),
          ),
        );
        expect(results.filter((lease) => lease !== undefined)).toHaveLength(1);
      });
    });
  });
}
