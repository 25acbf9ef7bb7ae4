import type { EventBus } from '../events/event-bus.js';
import type { ManifestRecord, PullBatch } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';

export interface PullRecorderOptions {
  /** How long pulls gather in memory before one batch writes them. */
  readonly flushAfterMs?: number;
  /** The pull time of a manifest (or tag) is written at most once per this interval. */
  readonly pullTimeResolutionMs?: number;
  /** Told when a batch could not be written; its pulls are kept for the next one. */
  readonly onError?: (err: unknown) => void;
  readonly now?: () => number;
}

interface TagPull {
  readonly repositoryId: number;
  readonly name: string;
  at: number;
}

/**
 * Records manifest pulls (GET /v2/<name>/manifests/<reference>) for the management API: each repository's pull
 * count and each manifest's and tag's last pull time, as Harbor shows them. Recording costs a few map updates on
 * the pull path; the database sees one batch per `flushAfterMs`, written in the background, and each manifest's
 * or tag's pull time at most once per `pullTimeResolutionMs` (the first pull in that window is the one kept).
 */
export class PullRecorder {
  private counts = new Map<number, number>();
  private manifestTimes = new Map<number, number>();
  private tagTimes = new Map<string, TagPull>();
  /** When each manifest's (by id) and tag's (`<repository id>:<name>`) pull time was last written, oldest first. */
  private readonly manifestsWritten = new Map<number, number>();
  private readonly tagsWritten = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly flushAfterMs: number;
  private readonly resolutionMs: number;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly opts: PullRecorderOptions = {},
  ) {
    this.flushAfterMs = opts.flushAfterMs ?? 1000;
    this.resolutionMs = opts.pullTimeResolutionMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Subscribes to the bus's `artifact.pulled` events (published by the core for every manifest GET). */
  subscribeTo(bus: EventBus): void {
    bus.subscribe('pull-recorder', ['artifact.pulled'], (event) =>
      this.record({ id: event.manifestId, repositoryId: event.repositoryId }, event.tag),
    );
  }

  /** Notes one pull of `manifest`, by `tag` when it was pulled by tag. Never waits and never throws. */
  record(manifest: Pick<ManifestRecord, 'id' | 'repositoryId'>, tag?: string): void {
    if (this.closed) return;
    const at = this.now();
    this.counts.set(manifest.repositoryId, (this.counts.get(manifest.repositoryId) ?? 0) + 1);
    if (this.due(this.manifestsWritten, manifest.id, at) && !this.manifestTimes.has(manifest.id)) {
      this.manifestTimes.set(manifest.id, at);
    }
    if (tag !== undefined) {
      const key = `${manifest.repositoryId}:${tag}`;
      if (this.due(this.tagsWritten, key, at) && !this.tagTimes.has(key)) {
        this.tagTimes.set(key, { repositoryId: manifest.repositoryId, name: tag, at });
      }
    }
    this.schedule();
  }

  /** Writes what has gathered so far (tests and shutdown call this; otherwise a timer does). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.counts.size === 0 && this.manifestTimes.size === 0 && this.tagTimes.size === 0) return;
    const counts = this.counts;
    const manifestTimes = this.manifestTimes;
    const tagTimes = this.tagTimes;
    this.counts = new Map();
    this.manifestTimes = new Map();
    this.tagTimes = new Map();
    this.flushing = this.write(counts, manifestTimes, tagTimes).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  /** Stops recording and writes what is left. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async write(
    counts: Map<number, number>,
    manifestTimes: Map<number, number>,
    tagTimes: Map<string, TagPull>,
  ): Promise<void> {
    const batch: PullBatch = {
      repositories: [...counts].map(([id, count]) => ({ id, count })),
      manifests: [...manifestTimes].map(([id, at]) => ({ id, at: new Date(at) })),
      tags: [...tagTimes.values()].map((t) => ({ repositoryId: t.repositoryId, name: t.name, at: new Date(t.at) })),
    };
    try {
      await this.store.pulls.record(batch);
    } catch (err) {
      this.opts.onError?.(err);
      if (!this.closed) this.keep(counts, manifestTimes, tagTimes);
      return;
    }
    for (const [id, at] of manifestTimes) markWritten(this.manifestsWritten, id, at);
    for (const [key, pull] of tagTimes) markWritten(this.tagsWritten, key, pull.at);
    const cutoff = this.now() - this.resolutionMs;
    forgetUntil(this.manifestsWritten, cutoff);
    forgetUntil(this.tagsWritten, cutoff);
  }

  /** Puts a batch that failed back in front of what gathered meanwhile, for the next flush. */
  private keep(counts: Map<number, number>, manifestTimes: Map<number, number>, tagTimes: Map<string, TagPull>) {
    for (const [id, count] of counts) this.counts.set(id, (this.counts.get(id) ?? 0) + count);
    for (const [id, at] of manifestTimes) this.manifestTimes.set(id, Math.max(at, this.manifestTimes.get(id) ?? 0));
    for (const [key, pull] of tagTimes) {
      const newer = this.tagTimes.get(key);
      this.tagTimes.set(key, newer && newer.at > pull.at ? newer : pull);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.flushAfterMs);
    this.timer.unref();
  }

  private due<K>(written: Map<K, number>, key: K, at: number): boolean {
    const last = written.get(key);
    return last === undefined || at - last >= this.resolutionMs;
  }
}

/** Notes a write, moving the key to the end so that the map stays ordered by write time. */
function markWritten<K>(written: Map<K, number>, key: K, at: number): void {
  written.delete(key);
  written.set(key, at);
}

/** Forgets writes at or before `cutoff` (they no longer hold back the next one). */
function forgetUntil<K>(written: Map<K, number>, cutoff: number): void {
  for (const [key, at] of written) {
    if (at > cutoff) break;
    written.delete(key);
  }
}
