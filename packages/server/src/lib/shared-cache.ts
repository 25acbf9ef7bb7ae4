/**
 * A small cache of asynchronously loaded values, each trusted for `ttlMs` after its load started, with concurrent
 * callers of one key sharing one load. A failed load is forgotten at once. At most `max` keys are remembered (the
 * oldest go first). Time comes from `now` (milliseconds), so tests move it instead of sleeping.
 */
export class SharedCache<V> {
  private readonly entries = new Map<string, { readonly at: number; readonly value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly max = 4096,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.now();
    const entry = this.entries.get(key);
    if (entry && at - entry.at < this.ttlMs) return entry.value;
    if (entry) this.entries.delete(key);
    const value = load();
    this.entries.set(key, { at, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }
}
