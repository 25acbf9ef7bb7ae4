/** A value of the cache: its load (shared by concurrent callers) and when the cache stops trusting it. */
export interface SharedCacheEntry<V> {
  readonly value: Promise<V>;
  /** The time (of the cache's clock) from which the value is loaded anew: its load's start plus the TTL. */
  readonly until: number;
}

/**
 * A small cache of asynchronously loaded values, each trusted for `ttlMs` after its load started, with concurrent
 * callers of one key sharing one load. A failed load is forgotten at once. At most `max` keys are remembered (the
 * oldest go first). Time comes from `now` (milliseconds), so tests move it instead of sleeping.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, SharedCacheEntry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly max = 4096,
  ) {}

  /** Forgets `key`: the next lookup loads it again (another process changed it). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets everything (messages about changes may have been lost). */
  clear(): void {
    this.entries.clear();
  }

  get(key: string, load: () => Promise<V>): Promise<V> {
    return this.entry(key, load).value;
  }

  /**
   * The entry of `key`, loaded now unless a trusted one is cached. Callers that derive something from the value may
   * keep what they derived until the entry's `until`, and be exactly as fresh as the cache.
   */
  entry(key: string, load: () => Promise<V>): SharedCacheEntry<V> {
    const at = this.now();
    const cached = this.entries.get(key);
    if (cached && at < cached.until) return cached;
    if (cached) this.entries.delete(key);
    const value = load();
    const entry = { value, until: at + this.ttlMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return entry;
  }
}
