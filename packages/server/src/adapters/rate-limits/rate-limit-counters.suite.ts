import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimitCounters, RateRule } from '../../ports/rate-limits.js';

/** What an implementation's test runner hands the shared counters suite. */
export interface RateLimitCountersFixture {
  /** Counters on a fresh store (Redis: a key prefix of their own, so nothing needs flushing). */
  readonly counters: RateLimitCounters;
  /** Another process's counters on the same store, as a second node opens them; absent for in-process counters. */
  readonly anotherNode?: () => Promise<RateLimitCounters>;
  dispose(): Promise<void>;
}

const rule = (requests: number, windowSeconds = 60, name = 'pull.authenticated'): RateRule => ({
  name,
  requests,
  windowSeconds,
});

/** The contract every RateLimitCounters implementation passes (windows are real time: the library reads Date.now). */
export function describeRateLimitCounters(
  name: string,
  make: () => Promise<RateLimitCountersFixture>,
  opts: { shared: boolean },
): void {
  describe(`RateLimitCounters: ${name}`, () => {
    let fixture: RateLimitCountersFixture;
    let counters: RateLimitCounters;
    beforeEach(async () => {
      fixture = await make();
      counters = fixture.counters;
    });
    afterEach(async () => fixture.dispose());

    it('allows the rule’s requests in a window, counting down, then refuses until the window ends', async () => {
      const key = `user:${randomUUID()}`;
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await counters.consume(rule(3), key));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
      const refused = decisions[3]!;
      expect(refused.resetMs).toBeGreaterThan(55_000);
      expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    });

    it('counts each key and each rule on its own', async () => {
      const a = `ip:${randomUUID()}`;
      const b = `ip:${randomUUID()}`;
      expect((await counters.consume(rule(1), a)).allowed).toBe(true);
      expect((await counters.consume(rule(1), a)).allowed).toBe(false);
      expect((await counters.consume(rule(1), b)).allowed).toBe(true);
      expect((await counters.consume(rule(1, 60, 'push.authenticated'), a)).allowed).toBe(true);
      // A rule changed in place (another limit) counts afresh rather than against the old limit's count.
      expect((await counters.consume(rule(2), a)).allowed).toBe(true);
    });

    it('counts concurrent requests exactly: of 20 at once under a limit of 7, 7 pass', async () => {
      const key = `robot$${randomUUID()}`;
      const decisions = await Promise.all(Array.from({ length: 20 }, () => counters.consume(rule(7), key)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(7);
    });

    it('starts the count over when the window ends', async () => {
      const key = `user:${randomUUID()}`;
      expect((await counters.consume(rule(1, 1), key)).allowed).toBe(true);
      const refused = await counters.consume(rule(1, 1), key);
      expect(refused.allowed).toBe(false);
      expect(refused.resetMs).toBeLessThanOrEqual(1000);
      await new Promise((r) => setTimeout(r, refused.resetMs + 50));
      expect((await counters.consume(rule(1, 1), key)).allowed).toBe(true);
    });

    // In-process counters are one process's by definition: only shared stores promise this.
    if (!opts.shared) return;
    it('shares the count with another node on the same store', async () => {
      expect(fixture.anotherNode).toBeDefined();
      const other = await fixture.anotherNode!();
      try {
        const key = `user:${randomUUID()}`;
        expect((await counters.consume(rule(2), key)).allowed).toBe(true);
        expect((await other.consume(rule(2), key)).allowed).toBe(true);
        expect((await counters.consume(rule(2), key)).allowed).toBe(false);
        expect((await other.consume(rule(2), key)).allowed).toBe(false);
      } finally {
        await other.close();
      }
    });
  });
}
