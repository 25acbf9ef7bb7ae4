import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../adapters/db/index.js';
import { createTestDatabase } from '../adapters/db/postgres-test-database.js';
import { InProcessLeases } from '../adapters/lease/in-process-leases.js';
import { ManualClock } from '../ports/clock.js';
import type { Leases } from '../ports/lease.js';
import { PeriodicJob, type JobContext } from './periodic.js';

const log = pino({ level: 'silent' });
const INTERVAL_SECONDS = 60;

/** A job counting its rounds, as run by `node`. */
function countingJob(leases: Leases, clock: ManualClock, node: string, rounds: string[], work?: () => Promise<void>) {
  const ctx: JobContext = { log, leases, clock, node };
  return new PeriodicJob(
    'count',
    INTERVAL_SECONDS,
    async () => {
      rounds.push(node);
      await work?.();
    },
    ctx,
  );
}

/** Two nodes' views of one lease store, on one clock. */
type TwoNodes = (clock: ManualClock) => Promise<[Leases, Leases]>;

function describeRounds(label: string, nodes: TwoNodes): void {
  describe(label, () => {
    it('runs a round once per interval across nodes, on whichever node ticks first', async () => {
      const clock = new ManualClock();
      const [one, two] = await nodes(clock);
      const rounds: string[] = [];
      const a = countingJob(one, clock, 'node-a', rounds);
      const b = countingJob(two, clock, 'node-b', rounds);
      expect(await a.runOnce()).toBe(true);
      expect(await b.runOnce()).toBe(false);
      clock.advanceSeconds(INTERVAL_SECONDS - 1);
      expect(await b.runOnce()).toBe(false);
      clock.advanceSeconds(1);
      expect(await b.runOnce()).toBe(true);
      expect(await a.runOnce()).toBe(false);
      expect(rounds).toEqual(['node-a', 'node-b']);
    });

    it('never runs two rounds at once, on one node or across nodes', async () => {
      const clock = new ManualClock();
      const [one, two] = await nodes(clock);
      const rounds: string[] = [];
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      let inRound!: () => void;
      const started = new Promise<void>((resolve) => (inRound = resolve));
      const a = countingJob(one, clock, 'node-a', rounds, () => (inRound(), gate));
      const b = countingJob(two, clock, 'node-b', rounds);
      const first = a.runOnce();
      const again = a.runOnce();
      await started;
      // Within the round's time-to-live the other node keeps out.
      clock.advanceSeconds(INTERVAL_SECONDS / 2);
      expect(await b.runOnce()).toBe(false);
      finish();
      expect(await first).toBe(true);
      expect(await again).toBe(true);
      expect(rounds).toEqual(['node-a']);
    });

    it('lets another node take over a round whose node stopped renewing', async () => {
      const clock = new ManualClock();
      const [one, two] = await nodes(clock);
      const rounds: string[] = [];
      let aborted: unknown;
      let inRound!: () => void;
      const started = new Promise<void>((resolve) => (inRound = resolve));
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => (finish = resolve));
      const a = new PeriodicJob(
        'count',
        INTERVAL_SECONDS,
        async (signal) => {
          rounds.push('node-a');
          inRound();
          await gate;
          aborted = signal.aborted;
        },
        { log, leases: one, clock, node: 'node-a' },
      );
      const b = countingJob(two, clock, 'node-b', rounds);
      const stuck = a.runOnce();
      await started;
      clock.advanceSeconds(INTERVAL_SECONDS);
      expect(await b.runOnce()).toBe(true);
      finish();
      // node-a's round outlived its lease before a renewal was due (renewals run every third of the
      // time-to-live in real time), so it was not told; it still ends, and node-b's round ran meanwhile.
      expect(await stuck).toBe(true);
      expect(rounds).toEqual(['node-a', 'node-b']);
      expect(aborted).toBe(false);
    });
  });
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describeRounds('PeriodicJob with in-process leases', (clock) => {
  const leases = new InProcessLeases(clock);
  return Promise.resolve([leases, leases]);
});

describeRounds('PeriodicJob with PostgreSQL lease rows, two nodes', async (clock) => {
  const database = await createTestDatabase();
  const open = (): OpenDatabase => openDatabase({ driver: 'postgres', url: database.url, poolSize: 2 });
  const [one, two] = [open(), open()];
  cleanup.push(() => database.drop());
  cleanup.push(async () => {
    await one.store.close();
    await two.store.close();
  });
  await one.store.migrate();
  return [one.leases(clock), two.leases(clock)];
});
