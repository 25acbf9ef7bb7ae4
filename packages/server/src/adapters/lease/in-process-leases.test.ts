import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../ports/clock.js';
import { describeLeases } from './lease.suite.js';
import { InProcessLeases } from './in-process-leases.js';

describeLeases('InProcessLeases', (clock) =>
  Promise.resolve({ leases: new InProcessLeases(clock), dispose: () => Promise.resolve() }),
);

describe('InProcessLeases fencing tokens', () => {
  const opts = { holder: 'h', ttlMs: 1000 };

  it('keep growing after forget, and after a restart (a new instance), where nothing was kept', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const leases = new InProcessLeases(clock);
    const first = await leases.tryAcquire('upload:x', opts);
    expect(await first!.release({ forget: true })).toBe(true);
    const second = await leases.tryAcquire('upload:x', opts);
    expect(second!.token).toBeGreaterThan(first!.token);
    // Many acquisitions within one millisecond, then a restart a millisecond later: still greater.
    let last = second!;
    for (let i = 0; i < 50; i++) {
      await last.release({ forget: true });
      last = (await leases.tryAcquire('upload:x', opts))!;
    }
    clock.advance(1);
    const restarted = await new InProcessLeases(clock).tryAcquire('upload:x', opts);
    expect(restarted!.token).toBeGreaterThan(last.token);
    expect(Number.isSafeInteger(restarted!.token)).toBe(true);
  });
});
