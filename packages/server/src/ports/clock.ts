/**
 * The clock port: every decision that depends on the time of day (expiry, throttling, cache lifetimes, lease
 * deadlines, schedules) reads it here, so tests move time instead of sleeping. The composition root passes one
 * clock to everything it builds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The real time. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to: for tests and simulations. It starts at the real time (or `start`), so
 * that records it stamps sort sensibly beside records stamped by other clocks.
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds (never backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock moves forward only, not by ${ms} ms`);
    this.current += ms;
  }

  /** Moves the clock forward by `seconds` seconds. */
  advanceSeconds(seconds: number): void {
    this.advance(seconds * 1000);
  }
}
