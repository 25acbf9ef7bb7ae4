/**
 * A byte-bounded LRU of immutable content (manifests), keyed by digest. Content addressed by digest never
 * changes, so entries never go stale; they are only evicted for space.
 */
export class ContentCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;
  /** Lookups answered from the cache and lookups that missed, since start (the metrics read them). */
  private found = 0;
  private missed = 0;

  constructor(private readonly maxBytes: number) {}

  get(digest: string): Buffer | undefined {
    const value = this.entries.get(digest);
    if (value) {
      this.found++;
      this.entries.delete(digest);
      this.entries.set(digest, value);
    } else {
      this.missed++;
    }
    return value;
  }

  /** Hits and misses since start, and what the cache holds now. */
  stats(): ContentCacheStats {
    return { hits: this.found, misses: this.missed, bytes: this.bytes, entries: this.entries.size };
  }

  set(digest: string, content: Buffer): void {
    if (content.length > this.maxBytes / 8 || this.entries.has(digest)) return;
    this.entries.set(digest, content);
    this.bytes += content.length;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= value.length;
    }
  }
}

export interface ContentCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly bytes: number;
  readonly entries: number;
}
