import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { BlobStore, FileInfo, ObjectDeleteFailure } from '../ports/blob-store.js';
import { PathNotFoundError } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { BlobRecord } from '../ports/metadata-store.js';
import type { Store } from '../ports/store.js';
import type { Actor } from '../registry-core/core.js';
import { BLOBS_ROOT, blobDataPath } from '../registry-core/paths.js';
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
  /** Wall time of the scan for orphaned content (listing `blobs/` and looking the digests up), in ms. */
  readonly orphanScanMs: number;
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
  /** The requests being served (the HTTP layer counts them): the collector yields to them. None: never paced. */
  readonly requests?: RequestLoad | undefined;
}

/** What the collector reads of the request gauge (`lib/request-gauge.ts`). */
export interface RequestLoad {
  readonly inFlight: number;
  readonly started: number;
}

const PAGE = 500;
/** Blobs marked per transaction of the mark, and so per page of the sweep's content deletions. */
const MARK_PAGE = 2_000;
/** Blobs whose records go per transaction. */
const RECORDS_SLICE = 500;

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
    const ms: Timings = { mark: 0, content: 0, records: 0, orphans: 0, pacer: new Pacer(this.deps.requests) };
    if (!opts.dryRun) {
      for (let after: string | undefined; ;) {
        await this.pause(run, ms);
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
    const swept = opts.dryRun ? await this.count(before, run, ms) : await this.markAndSweep(before, workers, run, ms);
    blobsDeleted += swept.count;
    bytesFreed += swept.bytes;
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
        `${Math.round(ms.content)} ms, records ${Math.round(ms.records)} ms), orphan scan ${Math.round(ms.orphans)} ms`,
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
      orphanScanMs: Math.round(ms.orphans),
    };
  }

  /** A dry run's mark: counts the unreferenced blobs older than the window, changing nothing. */
  private async count(before: number, run: GcRun, ms: Timings): Promise<{ count: number; bytes: number }> {
    let count = 0;
    let bytes = 0;
    for (let after: string | undefined; ;) {
      await this.pause(run, ms);
      const page = await timed(ms, 'mark', () => this.deps.store.garbage.unreferencedBlobs(before, after, PAGE));
      if (page.length === 0) break;
      after = page.at(-1)?.digest;
      count += page.length;
      bytes += sizeOf(page);
    }
    return { count, bytes };
  }

  /**
   * The mark and the sweep, pipelined by page of `MARK_PAGE`: a page is marked (one transaction), then its content
   * deletion starts and runs in the background (the thread pool) while the previous page's records go and the next
   * page is marked. A page's records go only once its content is gone (a push that then records the digest again
   * stores the content again).
   */
  private async markAndSweep(
    before: number,
    workers: number,
    run: GcRun,
    ms: Timings,
  ): Promise<{ count: number; bytes: number }> {
    const { store } = this.deps;
    let count = 0;
    let bytes = 0;
    let inFlight: Promise<BlobRecord[]> | undefined;
    try {
      for (let after: string | undefined; ;) {
        await this.pause(run, ms);
        const page = await timed(ms, 'mark', () =>
          store.transaction((tx) => tx.garbage.markUnreferenced(before, after, ms.pacer.size(MARK_PAGE))),
        );
        const done = inFlight ? await timed(ms, 'content', () => inFlight!) : [];
        inFlight =
          page.marked.length > 0 ? this.deleteContent(page.marked, ms.pacer.concurrency(workers), run) : undefined;
        if (done.length > 0) {
          await this.removeRecords(done, ms);
          count += done.length;
          bytes += sizeOf(done);
        }
        if (page.last === undefined) break;
        after = page.last;
      }
    } finally {
      // A stopped run still waits for the deletions it started (their blobs stay marked for the next run).
      const last = inFlight ? await timed(ms, 'content', () => inFlight!) : [];
      inFlight = undefined;
      if (last.length > 0 && !run.signal.aborted) {
        await this.removeRecords(last, ms);
        count += last.length;
        bytes += sizeOf(last);
      }
    }
    return { count, bytes };
  }

  /**
   * Between pages: stops when asked, and lets requests run (on SQLite every query completes synchronously, so a
   * run that never waited for I/O would hold the event loop for all its pages).
   */
  private async pause(run: GcRun, ms?: Timings): Promise<void> {
    await (ms ? ms.pacer.pause(ms.mark + ms.records + ms.orphans) : nextTurn());
    run.signal.throwIfAborted();
  }

  /**
   * Content in storage under `blobs/` without a blob record (an upload moved into place whose transaction failed,
   * a push a quota refused, a crash), last modified at or before `before`: each is first recorded `deleting` (an
   * insert that does nothing when a record exists, which is then left alone), so a push about to record it is told
   * to retry, then swept like any marked blob. The scan lists the blob directories (`blobs/<algorithm>/<xx>/`, one
   * listing per prefix) and looks their digests up in pages of `PAGE`; only a digest without a record costs a
   * `stat` of its data (its size and age). A dry run only counts.
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
    let page: string[] = [];
    const flush = async () => {
      const digests = page;
      page = [];
      if (digests.length === 0) return;
      await this.pause(run, ms);
      const known = await store.garbage.recorded(digests);
      const orphaned: BlobRecord[] = [];
      for (const digest of digests) {
        if (known.has(digest)) continue;
        const file = await statOrUndefined(storage, blobDataPath(requireDigest(digest)));
        if (file && !file.isDir && file.modTime.getTime() <= before) orphaned.push({ digest, size: file.size });
      }
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
    const t0 = performance.now();
    const swept = ms.content + ms.records;
    for (const algorithmDir of await listOrEmpty(storage, BLOBS_ROOT)) {
      for (const prefixDir of await listOrEmpty(storage, algorithmDir)) {
        for (const blobDir of await listOrEmpty(storage, prefixDir)) {
          const digest = digestOfBlobDir(blobDir);
          if (digest === undefined) continue;
          page.push(digest);
          if (page.length >= PAGE) await flush();
        }
      }
    }
    await flush();
    // The scan's own time: the sweep of what it found is counted in the sweep.
    ms.orphans += performance.now() - t0 - (ms.content + ms.records - swept);
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

  /** Deletes the content of blobs marked `deleting`, then their records; returns the blobs removed. */
  private async sweep(marked: readonly BlobRecord[], workers: number, run: GcRun, ms: Timings): Promise<BlobRecord[]> {
    const gone = await timed(ms, 'content', () => this.deleteContent(marked, ms.pacer.concurrency(workers), run));
    if (gone.length > 0) await this.removeRecords(gone, ms);
    return gone;
  }

  /**
   * Deletes the content of blobs marked `deleting` (`workers` at a time; content already gone counts as deleted);
   * returns the blobs whose content is gone. Never rejects: a deletion that fails leaves its blob marked for the
   * next run.
   */
  private async deleteContent(marked: readonly BlobRecord[], workers: number, run: GcRun): Promise<BlobRecord[]> {
    if (run.signal.aborted || marked.length === 0) return [];
    const paths = marked.map((blob) => blobDataPath(requireDigest(blob.digest)));
    let failures: ObjectDeleteFailure[];
    try {
      failures = await this.deps.storage.deleteObjects(paths, workers);
    } catch (err) {
      run.log(`could not delete ${marked.length} blobs: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
    if (failures.length === 0) return [...marked];
    const failed = new Set(failures.map((f) => f.path));
    for (const { path, error } of failures) {
      run.log(`could not delete ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return marked.filter((_, i) => !failed.has(paths[i]!));
  }

  /**
   * The records of blobs whose content is gone, in transactions of `RECORDS_SLICE` with a turn of the event loop
   * between them (on SQLite a transaction holds the one connection): the projects that linked them stop counting
   * them (quotas), then the records and repository links go.
   */
  private async removeRecords(gone: readonly BlobRecord[], ms: Timings): Promise<void> {
    const { store } = this.deps;
    for (let i = 0, slice = RECORDS_SLICE; i < gone.length; i += slice) {
      if (i > 0) await ms.pacer.pause(ms.mark + ms.records + ms.orphans);
      slice = ms.pacer.size(RECORDS_SLICE);
      const digests = gone.slice(i, i + slice).map((b) => b.digest);
      await timed(ms, 'records', () =>
        store.transaction(async (tx) => {
          await tx.quotas.releaseCollected(digests);
          await tx.garbage.removeDeleting(digests);
        }),
      );
    }
  }
}

/** `blobs/<algorithm>/<xx>/<hex>` → `<algorithm>:<hex>`; undefined for anything else. */
function digestOfBlobDir(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.length !== 4 || parts[0] !== BLOBS_ROOT) return undefined;
  const [algorithm, prefix, hex] = [parts[1]!, parts[2]!, parts[3]!];
  if (!/^[a-z0-9]+$/.test(algorithm) || !/^[a-f0-9]{32,128}$/.test(hex) || !hex.startsWith(prefix)) return undefined;
  return `${algorithm}:${hex}`;
}

async function listOrEmpty(storage: BlobStore, path: string): Promise<string[]> {
  try {
    return await storage.list(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return []; // none, or deleted meanwhile
    throw err;
  }
}

async function statOrUndefined(storage: BlobStore, path: string): Promise<FileInfo | undefined> {
  try {
    return await storage.stat(path);
  } catch (err) {
    if (err instanceof PathNotFoundError) return undefined;
    throw err;
  }
}

/** Wall time per part of a run, in ms (reported, never used for decisions). */
interface Timings {
  mark: number;
  content: number;
  records: number;
  orphans: number;
  readonly pacer: Pacer;
}

/** The collector's largest share of the time while requests are being served. */
const SHARE_UNDER_LOAD = 0.2;
/** The longest wait between two pieces of work. */
const MAX_WAIT_MS = 250;

/**
 * Keeps garbage collection from taking the event loop from requests. On SQLite every statement completes
 * synchronously, so the collector's transactions hold the event loop (and the one connection) while they run.
 * Between pieces of work, `pause` asks the request gauge whether requests were served since the last pause: if so
 * it waits long enough for the collector's own statements to stay within `SHARE_UNDER_LOAD` of the time, its
 * transactions take a quarter of the rows (`size`) and the content deletions run one at a time (`concurrency`); otherwise (or without a gauge) it yields one turn and goes on
 * at full speed.
 */
class Pacer {
  private startedAtLast: number;
  private ownAtLast = 0;
  private loaded = false;

  constructor(private readonly requests: RequestLoad | undefined) {
    this.startedAtLast = requests?.started ?? 0;
  }

  /** Rows per transaction: `rows`, or a quarter of it (at least 100) while requests are being served. */
  size(rows: number): number {
    return this.loaded ? Math.max(100, Math.floor(rows / 4)) : rows;
  }

  /** Content deletions to run at once: `workers`, or 1 while requests are being served. */
  concurrency(workers: number): number {
    return this.loaded ? 1 : workers;
  }

  /** `ownTotal`: the run's statement time so far (ms). */
  async pause(ownTotal: number): Promise<void> {
    const own = Math.max(0, ownTotal - this.ownAtLast);
    const started = this.requests?.started ?? 0;
    this.loaded = (this.requests?.inFlight ?? 0) > 0 || started !== this.startedAtLast;
    if (this.loaded) await sleep(Math.min(MAX_WAIT_MS, (own * (1 - SHARE_UNDER_LOAD)) / SHARE_UNDER_LOAD));
    else await nextTurn();
    this.startedAtLast = this.requests?.started ?? 0;
    this.ownAtLast = ownTotal;
  }
}

async function timed<T>(ms: Timings, part: Exclude<keyof Timings, 'pacer'>, fn: () => Promise<T>): Promise<T> {
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
