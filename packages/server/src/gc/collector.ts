import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { BlobStore } from '../ports/blob-store.js';
import { PathNotFoundError } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { BlobRecord } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import type { Actor } from '../registry-core/core.js';
import { BLOBS_ROOT, blobDir } from '../registry-core/paths.js';
import { requireDigest } from '../registry-core/references.js';
import type { Registry } from '../registry-core/registry.js';

/** Harbor's GC job parameters, in Wharf's units. */
export interface GcOptions {
  /** Delete untagged artifacts first (Harbor's `delete_untagged`). */
  readonly deleteUntagged: boolean;
  /** Only count what would go. */
  readonly dryRun: boolean;
  /** Parallel content deletions, 1 to 5 (Harbor's `workers`). */
  readonly workers: number;
  /** Content written or referenced more recently than this is kept (Harbor's `time_window`, in hours there). */
  readonly timeWindowMs: number;
}

export interface GcResult {
  /** Untagged artifacts deleted (or that would be, in a dry run), accessories and children included. */
  readonly artifactsDeleted: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
  /** Blobs a previous run had marked and not finished, finished by this one (included in the counts above). */
  readonly leftoversFinished: number;
  /** Content files in storage without a blob record, deleted (included in the counts above). */
  readonly orphansDeleted: number;
  readonly dryRun: boolean;
  /**
   * Wall time (for reports and benchmarks, never for decisions) spent finding unreferenced blobs and marking them
   * `deleting` (the mark), and deleting their content and records (the sweep, leftovers included), in ms.
   */
  readonly markMs: number;
  readonly sweepMs: number;
}

/** Where a run writes its log lines and learns that it must stop. */
export interface GcRun {
  readonly signal: AbortSignal;
  log(line: string): void;
}

export interface CollectorDependencies {
  readonly store: Store;
  readonly storage: BlobStore;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Who deletes untagged artifacts: the job's system context. */
  readonly actor: Actor;
}

const PAGE = 500;

/**
 * Online garbage collection over the database's references (docs/architecture.md, "Garbage collection"): pushes
 * and pulls go on while it runs. 1. Blobs left `deleting` by a run that died are finished. 2. With
 * `deleteUntagged`, untagged artifacts older than the time window go through the core (its policies and events).
 * 3. Unreferenced blobs older than the window are marked `deleting` in a compare-and-set that re-checks their
 * references under the rows' locks; their content is deleted from storage (`workers` at once), then their records.
 * A push that touched a blob before the mark keeps it; one that comes after finds it `deleting` and is told to retry.
 */
export class GarbageCollector {
  constructor(private readonly deps: CollectorDependencies) {}

  async run(opts: GcOptions, run: GcRun): Promise<GcResult> {
    const { clock } = this.deps;
    const workers = Math.min(5, Math.max(1, Math.trunc(opts.workers)));
    const before = clock.now() - Math.max(0, opts.timeWindowMs);
    run.log(
      `garbage collection: ${opts.dryRun ? 'dry run, ' : ''}time window ${opts.timeWindowMs / 3_600_000} h, ` +
        `${workers} workers, ${opts.deleteUntagged ? '' : 'not '}deleting untagged artifacts`,
    );
    let blobsDeleted = 0;
    let bytesFreed = 0;
    let leftoversFinished = 0;
    const ms: Timings = { mark: 0, content: 0, records: 0 };
    if (!opts.dryRun) {
      for (let after: string | undefined; ;) {
        await this.pause(run);
        const leftovers = await timed(ms, 'records', () => this.deps.store.garbage.deletingBlobs(after, PAGE));
        if (leftovers.length === 0) break;
        after = leftovers.at(-1)?.digest;
        const removed = await this.sweep(leftovers, workers, run, ms);
        leftoversFinished += removed.length;
        blobsDeleted += removed.length;
        bytesFreed += sizeOf(removed);
      }
      if (leftoversFinished > 0) run.log(`finished ${leftoversFinished} blobs an earlier run had marked`);
    }
    const artifactsDeleted = opts.deleteUntagged ? await this.untagged(before, opts.dryRun, run) : 0;
    for (let after: string | undefined; ;) {
      await this.pause(run);
      const candidates = await timed(ms, 'mark', () => this.deps.store.garbage.unreferencedBlobs(before, after, PAGE));
      if (candidates.length === 0) break;
      after = candidates.at(-1)?.digest;
      if (opts.dryRun) {
        blobsDeleted += candidates.length;
        bytesFreed += sizeOf(candidates);
        continue;
      }
      const marked = await timed(ms, 'mark', () =>
        this.deps.store.transaction((tx) =>
          tx.garbage.markDeleting(
            candidates.map((c) => c.digest),
            before,
          ),
        ),
      );
      const removed = await this.sweep(marked, workers, run, ms);
      blobsDeleted += removed.length;
      bytesFreed += sizeOf(removed);
    }
    // Tag history (tags.restoreWindow) holds the content of deleted and moved tags and deleted artifacts.
    const holds = await this.deps.store.tagHistory.restoreHolds(before);
    if (holds.blobs > 0) {
      run.log(
        `${opts.dryRun ? 'would keep' : 'kept'} ${holds.blobs} blobs, ${holds.bytes} bytes, for tag restore ` +
          `(until ${new Date(holds.until ?? before).toISOString()} at the latest)`,
      );
    }
    const orphans = await this.orphans(before, opts.dryRun, workers, run, ms);
    blobsDeleted += orphans.count;
    bytesFreed += orphans.bytes;
    const verb = opts.dryRun ? 'would delete' : 'deleted';
    run.log(
      `${verb} ${artifactsDeleted} untagged artifacts and ${blobsDeleted} blobs, ${bytesFreed} bytes; mark ` +
        `${Math.round(ms.mark)} ms, sweep ${Math.round(ms.content + ms.records)} ms (content ` +
        `${Math.round(ms.content)} ms, records ${Math.round(ms.records)} ms)`,
    );
    return {
      artifactsDeleted,
      blobsDeleted,
      bytesFreed,
      leftoversFinished,
      orphansDeleted: orphans.count,
      dryRun: opts.dryRun,
      markMs: Math.round(ms.mark),
      sweepMs: Math.round(ms.content + ms.records),
    };
  }

  /**
   * Between pages: stops when asked, and lets requests run (on SQLite every query completes synchronously, so a
   * run that never waited for I/O would hold the event loop for all its pages).
   */
  private async pause(run: GcRun): Promise<void> {
    await nextTurn();
    run.signal.throwIfAborted();
  }

  /**
   * Content in storage under `blobs/` without a blob record (an upload moved into place whose transaction failed,
   * a push a quota refused, a crash), last modified at or before `before`: each is first recorded `deleting` (an
   * insert that does nothing when a record exists, which is then left alone), so a push about to record it is told
   * to retry, then swept like any marked blob. Pages of `PAGE` files; a dry run only counts.
   */
  private async orphans(
    before: number,
    dryRun: boolean,
    workers: number,
    run: GcRun,
    ms: Timings,
  ): Promise<{ count: number; bytes: number }> {
    const { store, storage, clock } = this.deps;
    let count = 0;
    let bytes = 0;
    let page: BlobRecord[] = [];
    const flush = async () => {
      const candidates = page;
      page = [];
      if (candidates.length === 0) return;
      await this.pause(run);
      const known = await store.garbage.recorded(candidates.map((c) => c.digest));
      const orphaned = candidates.filter((c) => !known.has(c.digest));
      if (orphaned.length === 0) return;
      if (dryRun) {
        count += orphaned.length;
        bytes += sizeOf(orphaned);
        return;
      }
      const claimed: BlobRecord[] = [];
      for (const orphan of orphaned) {
        const now = clock.now();
        if (await store.transaction((tx) => tx.garbage.claimOrphan(orphan.digest, orphan.size, now))) {
          claimed.push(orphan);
        }
      }
      const removed = await this.sweep(claimed, workers, run, ms);
      for (const blob of removed) run.log(`deleted orphaned content ${blob.digest} (${blob.size} bytes)`);
      count += removed.length;
      bytes += sizeOf(removed);
    };
    for await (const file of storage.walk(BLOBS_ROOT)) {
      const digest = digestOfDataPath(file.path);
      if (!digest || file.isDir || file.modTime.getTime() > before) continue;
      page.push({ digest, size: file.size });
      if (page.length >= PAGE) await flush();
    }
    await flush();
    return { count, bytes };
  }

  /** Deletes untagged artifacts (older than the window) through the core; counts them in a dry run. */
  private async untagged(before: number, dryRun: boolean, run: GcRun): Promise<number> {
    const { store, registry, actor } = this.deps;
    let deleted = 0;
    for (let afterId = 0; ;) {
      await this.pause(run);
      const page = await store.garbage.untaggedManifests(before, afterId, PAGE);
      if (page.length === 0) break;
      afterId = page.at(-1)?.id ?? afterId;
      for (const manifest of page) {
        if (dryRun) {
          deleted += 1;
          continue;
        }
        const repository = await store.repositories.get(manifest.repository);
        if (repository && (await registry.artifacts.deleteUntagged(repository, manifest.digest, actor))) {
          deleted += 1;
          run.log(`deleted untagged artifact ${manifest.repository}@${manifest.digest}`);
        }
      }
    }
    return deleted;
  }

  /**
   * Deletes the content of blobs marked `deleting` (`workers` at a time; content already gone counts as deleted),
   * then their records; returns the blobs removed. A deletion that fails leaves its blob marked for the next run.
   */
  private async sweep(marked: readonly BlobRecord[], workers: number, run: GcRun, ms: Timings): Promise<BlobRecord[]> {
    const { storage, store } = this.deps;
    const t0 = performance.now();
    const gone: BlobRecord[] = [];
    let next = 0;
    const worker = async () => {
      while (next < marked.length) {
        const blob = marked[next++]!;
        if (run.signal.aborted) return;
        try {
          await storage.delete(blobDir(requireDigest(blob.digest)));
          gone.push(blob);
        } catch (err) {
          if (err instanceof PathNotFoundError) gone.push(blob);
          else run.log(`could not delete ${blob.digest}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(workers, marked.length) }, worker));
    ms.content += performance.now() - t0;
    if (gone.length === 0) return [];
    const digests = gone.map((b) => b.digest);
    await timed(ms, 'records', () =>
      store.transaction(async (tx) => {
        // The projects that linked them stop counting them (quotas), then the records go.
        await tx.quotas.releaseCollected(digests);
        await tx.garbage.removeDeleting(digests);
      }),
    );
    return gone;
  }
}

/** `blobs/<algorithm>/<xx>/<hex>/data` → `<algorithm>:<hex>`; undefined for anything else. */
function digestOfDataPath(path: string): string | undefined {
  const parts = path.split('/');
  const at = parts.lastIndexOf(BLOBS_ROOT);
  if (at < 0 || parts.length !== at + 5 || parts[at + 4] !== 'data') return undefined;
  const [algorithm, prefix, hex] = [parts[at + 1]!, parts[at + 2]!, parts[at + 3]!];
  if (!/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]{32,128}$/.test(hex) || !hex.startsWith(prefix)) return undefined;
  return `${algorithm}:${hex}`;
}

/** Wall time per part of a run, in ms (reported, never used for decisions). */
interface Timings {
  mark: number;
  content: number;
  records: number;
}

async function timed<T>(ms: Timings, part: keyof Timings, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    ms[part] += performance.now() - t0;
  }
}

function sizeOf(blobs: readonly BlobRecord[]): number {
  return blobs.reduce((sum, blob) => sum + blob.size, 0);
}
