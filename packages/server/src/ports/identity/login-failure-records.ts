/** Consecutive failed logins of one key: an account (`user:<name>`) or a client address (`ip:<address>`). */
export interface LoginFailureRecord {
  readonly key: string;
  readonly failures: number;
  readonly lastFailureAt: Date;
  /** Logins of this key are refused until then; null when not locked. */
  readonly lockedUntil: Date | null;
}

export interface LoginFailurePolicy {
  /** A failure this long after the previous one starts counting from 1 again. */
  readonly windowMs?: number;
  /** Once the count reaches this, the key is locked for `lockMs` from the failure's time. */
  readonly lockAfter?: number;
  readonly lockMs?: number;
  /**
   * When set, the lock grows with every failure past `lockAfter`: `lockMs`, twice that, four times that, … up to
   * `maxLockMs` (computed in the same atomic statement, so concurrent failures on several nodes grow it correctly).
   */
  readonly maxLockMs?: number;
}

/**
 * Failed-login counters shared by every node on the same database: each update is one atomic statement, so
 * concurrent failures on several stateless nodes all count.
 */
export interface LoginFailureRecords {
  /** Counts a failure at `at` atomically and returns the counter after it. */
  increment(key: string, at: Date, policy?: LoginFailurePolicy): Promise<LoginFailureRecord>;
  /**
   * Counts an attempt at `at` before its password is checked, unless the key is locked at `at`: one atomic
   * statement, so that of any number of concurrent attempts (on any node) on an unlocked key at most `lockAfter`
   * are let through. Returns the counter after it, or undefined (nothing counted) when the key is locked.
   */
  reserve(key: string, at: Date, policy?: LoginFailurePolicy): Promise<LoginFailureRecord | undefined>;
  /**
   * Takes back one reserved attempt whose password was not checked, or was right: one failure less, and the
   * lock lifted when the count falls below `lockAfter` again (the lock the reservation set on reaching it).
   */
  release(key: string, policy?: Pick<LoginFailurePolicy, 'lockAfter'>): Promise<void>;
  get(key: string): Promise<LoginFailureRecord | undefined>;
  /** Clears the counter (after a successful login); false when there was none. */
  reset(key: string): Promise<boolean>;
  /** Deletes counters whose last failure is older than `before` and which are not locked past it. */
  purgeBefore(before: Date): Promise<number>;
}
