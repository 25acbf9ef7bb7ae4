import { randomUUID, type Hash } from 'node:crypto';
import { InvalidError, NotFoundError, UnavailableError } from '../domain/errors.js';
import { newHash, type Digest, type DigestAlgorithm } from '../lib/digest.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import { PathNotFoundError, type BlobStore, type BlobWriter, type WriterState } from '../ports/blob-store.js';
import { LeaseLostError, LeaseUnavailableError, type Leases } from '../ports/lease.js';
import type { BlobRecord, UploadRecord } from '../ports/metadata-store.js';
import { pipeHashed } from './chunk-writer.js';
import { holdLease, type AfterWork, type Outcome } from './lease-holding.js';
import type { Actor, CoreDependencies } from './core.js';
import { blobDataPath, UPLOAD_ID, uploadDataPath, uploadDir, UPLOADS_ROOT } from './paths.js';
import { requireDigest, requireName } from './references.js';
import { blobBeingCollected } from './collection-guard.js';
import { ensureRepository } from './repository-records.js';

export interface UploadStatus {
  readonly id: string;
  /** Bytes received so far. */
  readonly size: number;
}

/** Where a chunk claims to start (from Content-Range); absent for a streamed PATCH. */
export interface ChunkPosition {
  readonly start: number;
}

type Body = AsyncIterable<Uint8Array>;

/** How the nodes of a deployment keep each other out of a session. */
export interface UploadCoordination {
  readonly leases: Leases;
  /** This process's holder id. */
  readonly node: string;
  /** Time-to-live of a session's lease, renewed while a request works on it (default 60 s). */
  readonly ttlMs?: number;
  /**
   * How long a request waits (real time) for another node's request on the same session before it is refused
   * with a retryable UnavailableError (default 5 s, `uploads.sessionLockWait`).
   */
  readonly waitMs?: number;
}

const DEFAULT_LEASE_TTL_MS = 60_000;
export const DEFAULT_SESSION_LOCK_WAIT_MS = 5_000;

/** What work on a session sees of its lease: the loss signal, the held check and the fencing token. */
interface SessionHold {
  readonly signal: AbortSignal | undefined;
  readonly assertHeld: () => Promise<void>;
  /** The lease's fencing token, which every save of the session carries; undefined without coordination. */
  readonly fence: number | undefined;
}

/**
 * Blob upload sessions: started, appended to in order, completed against a digest, or cancelled.
 * Session records live in the database and bytes in storage, so a session survives a restart. The
 * running sha256 of each active session is kept in memory; after a restart it is rebuilt by reading
 * back what was received.
 *
 * Requests on one session are serialised: by an in-process mutex first (cheap: concurrent requests of one
 * node queue there), then, with `coordination`, by the session's lease (`upload:<id>`), so that requests
 * on different nodes cannot interleave either. A request whose lease is lost (not renewed in time) stops
 * writing and fails before it publishes anything. Every save of the session carries the lease's fencing token
 * and is refused once a newer holder saved, so a node that lost the lease (paused past its time-to-live while
 * another took over) cannot overwrite the newer state. A request that waits in vain for the lease, or loses
 * it, fails with UnavailableError (retryable: 503 with Retry-After on /v2).
 */
export class UploadService {
  private readonly hashes = new Map<string, { hash: Hash; size: number }>();
  private readonly locks = new KeyedMutex();

  private readonly store: CoreDependencies['store'];
  private readonly storage: BlobStore;

  constructor(
    private readonly core: CoreDependencies,
    private readonly coordination?: UploadCoordination,
  ) {
    this.store = core.store;
    this.storage = core.storage;
  }

  private now(): Date {
    return new Date(this.core.clock.now());
  }

  async start(name: string, actor: Actor = {}): Promise<UploadStatus> {
    requireName(name);
    await this.core.policies.beforeWrite({ kind: 'upload.start', repository: name }, actor);
    const id = randomUUID();
    const at = this.now();
    // The data file appears with the first byte received; until then the session has 0 bytes.
    const writerState = JSON.stringify(this.emptyState(id));
    await this.store.uploads.create({ id, repository: name, startedAt: at, updatedAt: at, writerState });
    return { id, size: 0 };
  }

  /**
   * What the session has received. Waits for a request of this node still working on the session (one
   * that is ending after its client broke off records what it kept); another node's reads the saved state.
   */
  async status(name: string, id: string): Promise<UploadStatus> {
    return this.locks.run(id, async () => {
      const session = await this.session(name, id);
      return { id, size: (await this.received(session)).size };
    });
  }

  async append(
    name: string,
    id: string,
    body: Body,
    position?: ChunkPosition,
    actor: Actor = {},
  ): Promise<UploadStatus> {
    return this.exclusive(id, ok('release'), async ({ signal, fence }) => {
      const received = await this.received(await this.session(name, id));
      await this.core.policies.beforeWrite({ kind: 'upload.chunk', repository: name, uploadId: id }, actor);
      const size = received.size;
      if (position && position.start !== size) {
        throw new InvalidError('range', `chunk starts at byte ${position.start} but ${size} bytes were received`, {
          expected: size,
        });
      }
      const state = await this.write(id, received, body, { durable: false, signal, fence });
      await this.save(id, state, fence);
      return { id, size: state.size };
    });
  }

  /** Appends an optional last chunk, verifies the digest and publishes the blob into the repository. */
  async complete(
    name: string,
    id: string,
    digestText: string,
    body?: Body,
    position?: ChunkPosition,
    actor: Actor = {},
  ) {
    return this.exclusive(id, ok('forget'), async ({ signal, assertHeld, fence }): Promise<BlobRecord> => {
      let received = await this.received(await this.session(name, id));
      const digest = requireDigest(digestText);
      // Refused before the last chunk is read (read-only mode); the chain sees the blob again at publication.
      if (body) await this.core.policies.beforeWrite({ kind: 'upload.chunk', repository: name, uploadId: id }, actor);
      if (position && position.start !== received.size) {
        throw new InvalidError(
          'range',
          `chunk starts at byte ${position.start} but ${received.size} bytes were received`,
        );
      }
      // With a last chunk, its write ends with the fsync publishing needs; without one, publish does it.
      if (body) received = await this.write(id, received, body, { durable: true, signal, fence });
      const size = received.size;
      const actual = await this.finalHash(id, size, digest.algorithm);
      if (actual !== digest.hex) {
        await this.discard(id);
        throw new InvalidError(
          'digest',
          `upload content has digest ${digest.algorithm}:${actual}, not ${digest.value}`,
        );
      }
      // Publishing cannot be undone: make sure no other node has taken the session over meanwhile (the lease is
      // still ours, and no newer holder saved the session).
      await assertHeld();
      if (fence !== undefined) await this.save(id, received, fence);
      return this.publish(name, id, digest, received, { durable: body !== undefined, fence }, actor);
    });
  }

  /** A whole blob in one request (POST ?digest=). */
  async monolithic(name: string, digestText: string, body: Body, actor: Actor = {}): Promise<BlobRecord> {
    requireName(name);
    const digest = requireDigest(digestText);
    await this.core.policies.beforeWrite({ kind: 'upload.start', repository: name }, actor);
    const id = randomUUID();
    const writer = await this.storage.writer(uploadDataPath(id), { append: false });
    const hash = newHash(digest.algorithm);
    let size: number;
    try {
      size = await pipeHashed(body, writer, hash);
      await writer.commit();
    } catch (err) {
      await writer.cancel().catch(() => undefined);
      await this.removeDir(id);
      throw err;
    }
    const actual = hash.digest('hex');
    if (actual !== digest.hex) {
      await this.removeDir(id);
      throw new InvalidError('digest', `content has digest ${digest.algorithm}:${actual}, not ${digest.value}`);
    }
    return this.publish(name, id, digest, { ...this.emptyState(id), size }, { durable: true }, actor);
  }

  async cancel(name: string, id: string, actor: Actor = {}): Promise<void> {
    await this.exclusive(id, ok('forget'), async () => {
      await this.session(name, id);
      await this.core.policies.beforeWrite({ kind: 'upload.cancel', repository: name, uploadId: id }, actor);
      await this.discard(id);
    });
  }

  /**
   * Removes sessions untouched since `before`, and upload directories that have no session record
   * (left by a process killed during a monolithic upload) and are older than `before`.
   */
  async purgeStale(before: Date, signal?: AbortSignal): Promise<number> {
    let purged = 0;
    const busy = new Set<string>();
    for (;;) {
      signal?.throwIfAborted();
      const stale = (await this.store.uploads.staleSince(before, 100 + busy.size)).filter((u) => !busy.has(u.id));
      for (const upload of stale) {
        // Decide again under the session's lock: a chunk in flight may have refreshed it meanwhile. A session
        // that another node is working on right now is left alone.
        try {
          await this.exclusive(
            upload.id,
            () => 'check',
            async () => {
              const current = await this.store.uploads.get(upload.id);
              if (!current || current.updatedAt >= before) return;
              await this.discard(upload.id);
              purged++;
            },
            { wait: false },
          );
        } catch (err) {
          if (!(err instanceof LeaseUnavailableError)) throw err;
          busy.add(upload.id);
        }
      }
      if (stale.length < 100) break;
    }
    for await (const file of this.storage.walk(UPLOADS_ROOT)) {
      const id = file.path.split('/')[1] ?? '';
      if (file.modTime >= before || (await this.store.uploads.get(id))) continue;
      await this.removeDir(id);
      purged++;
    }
    return purged;
  }

  /**
   * Runs `work` on session `id` alone: under the in-process mutex, then (with coordination) under the
   * session's lease, which `after` releases, forgets (the session ended) or, for 'check', forgets only when
   * the session record is gone. Failures always check. With `wait`, a lease another node keeps past the wait,
   * or one lost during the work, fails the request with a retryable UnavailableError; without, the lease's own
   * errors pass (the purge skips busy sessions).
   */
  private exclusive<T>(
    id: string,
    after: (outcome: Outcome<T>) => AfterWork | 'check',
    work: (hold: SessionHold) => Promise<T>,
    opts: { wait: boolean } = { wait: true },
  ): Promise<T> {
    return this.locks.run(id, async () => {
      const coordination = this.coordination;
      if (!coordination) return work({ signal: undefined, assertHeld: () => Promise.resolve(), fence: undefined });
      const ttlMs = coordination.ttlMs ?? DEFAULT_LEASE_TTL_MS;
      const waitMs = opts.wait ? (coordination.waitMs ?? DEFAULT_SESSION_LOCK_WAIT_MS) : 0;
      try {
        return await holdLease(
          coordination.leases,
          `upload:${id}`,
          { holder: coordination.node, ttlMs, waitMs },
          (held) => work({ signal: held.signal, assertHeld: () => held.assertHeld(), fence: held.lease.token }),
          async (outcome) => {
            const next = outcome.ok ? after(outcome) : 'check';
            if (next !== 'check') return next;
            return UPLOAD_ID.test(id) && (await this.store.uploads.get(id)) ? 'release' : 'forget';
          },
        );
      } catch (err) {
        if (!opts.wait) throw err;
        if (err instanceof LeaseUnavailableError) {
          throw new UnavailableError(
            `upload ${id} is busy: another request on it is still running (waited ${err.waitedMs} ms); try again`,
            retryAfterSeconds(waitMs),
            { cause: err },
          );
        }
        if (err instanceof LeaseLostError) throw takenOver(id, err);
        throw err;
      }
    });
  }

  /**
   * Saves the session's writer state, fenced by the lease's token when there is one: a newer holder's save
   * refuses it (UnavailableError). Without coordination a save never fails (a vanished session is not an error).
   */
  private async save(id: string, state: WriterState, fence: number | undefined): Promise<void> {
    const saved = await this.store.uploads.touch(id, this.now(), JSON.stringify(state), fence);
    if (!saved && fence !== undefined) throw takenOver(id);
  }

  private async session(name: string, id: string): Promise<UploadRecord> {
    requireName(name);
    const upload = UPLOAD_ID.test(id) ? await this.store.uploads.get(id) : undefined;
    if (!upload || upload.repository !== name) throw new NotFoundError('upload', id);
    return upload;
  }

  private emptyState(id: string): WriterState {
    return { driver: this.storage.name, path: uploadDataPath(id), size: 0 };
  }

  /**
   * What the session has received: the writer state saved with it (by whichever node wrote last; bytes
   * past it were never acknowledged), or, for sessions saved before writer states were kept, the data file.
   */
  private async received(session: UploadRecord): Promise<WriterState> {
    if (session.writerState !== undefined) return JSON.parse(session.writerState) as WriterState;
    try {
      return { ...this.emptyState(session.id), size: (await this.storage.stat(uploadDataPath(session.id))).size };
    } catch (err) {
      if (err instanceof PathNotFoundError) return this.emptyState(session.id);
      throw err;
    }
  }

  /** Reopens the session's data where `state` says it ends (starting it afresh while it holds nothing). */
  private openWriter(id: string, state: WriterState): Promise<BlobWriter> {
    return state.size === 0
      ? this.storage.writer(uploadDataPath(id), { append: false })
      : this.storage.resumeWriter(state);
  }

  /** Appends `body`; returns the writer's new state. A body that fails keeps (and records) what was written. */
  private async write(
    id: string,
    received: WriterState,
    body: Body,
    opts: { durable: boolean; signal?: AbortSignal | undefined; fence: number | undefined },
  ): Promise<WriterState> {
    const state = await this.hashState(id, received.size);
    const writer = await this.openWriter(id, received);
    try {
      const written = await pipeHashed(body, writer, state.hash, opts.signal);
      await (opts.durable ? writer.commit() : writer.close());
      this.hashes.set(id, { hash: state.hash, size: received.size + written });
      return writer.state();
    } catch (err) {
      // The hash has seen bytes the file may not hold: rebuild it from the file next time.
      this.hashes.delete(id);
      await writer.close().catch(() => undefined);
      // The prefix that reached storage stays received (a client that broke off resumes after it), unless the
      // session's lease was lost: then another node owns the session's state.
      // (A save the fence refuses means the same.)
      if (!opts.signal?.aborted) {
        await this.store.uploads
          .touch(id, this.now(), JSON.stringify(writer.state()), opts.fence)
          .catch(() => undefined);
      }
      throw err;
    }
  }

  private async hashState(id: string, size: number): Promise<{ hash: Hash }> {
    const cached = this.hashes.get(id);
    if (cached && cached.size === size) return cached;
    return { hash: size === 0 ? newHash('sha256') : await this.hashFile(id, 'sha256', size) };
  }

  /** The hash of the first `size` bytes of the session's data (anything past them was never acknowledged). */
  private async hashFile(id: string, algorithm: DigestAlgorithm, size: number): Promise<Hash> {
    const hash = newHash(algorithm);
    const reader = await this.storage.reader(uploadDataPath(id), { length: size });
    for await (const chunk of reader) hash.update(chunk as Buffer);
    return hash;
  }

  private async finalHash(id: string, size: number, algorithm: DigestAlgorithm): Promise<string> {
    const cached = this.hashes.get(id);
    this.hashes.delete(id);
    if (algorithm === 'sha256' && cached && cached.size === size) return cached.hash.digest('hex');
    if (size === 0) return newHash(algorithm).digest('hex');
    return (await this.hashFile(id, algorithm, size)).digest('hex');
  }

  /**
   * Moves verified content into place (unless already there) and records it, in that order; the policies see the
   * completed blob inside the transaction that links it (`upload.complete`), so a refusal links nothing. Content moved
   * into place for a refused upload is unreferenced and left to garbage collection. Content that is recorded but was
   * lost from storage is put back from this upload.
   */
  private async publish(
    name: string,
    id: string,
    digest: Digest,
    received: WriterState,
    opts: { durable: boolean; fence?: number | undefined },
    actor: Actor,
  ) {
    const size = received.size;
    const existing = await this.store.blobs.get(digest.value);
    // Content garbage collection is deleting is neither relied on nor written over; the session stays for a retry.
    if (existing?.deleting) throw blobBeingCollected(digest.value);
    const stored = existing !== undefined && (await this.isStored(blobDataPath(digest)));
    if (!stored) {
      if (!opts.durable) {
        // Bytes that arrived by PATCH (or none at all): make them durable before they become the blob. Resuming
        // also cuts off bytes past the received size (a request cut short by a crash left them).
        const sync = await this.openWriter(id, received);
        await sync.commit();
      }
      // The move also removes the session's directory, now empty.
      await this.storage.move(uploadDataPath(id), blobDataPath(digest));
    }
    const blob: BlobRecord = { digest: digest.value, size: existing?.size ?? size };
    await this.core.work.run(async ({ tx, emit }) => {
      const repo = await ensureRepository(tx, name);
      const linked = existing ? (await tx.blobs.linkedOf(repo.id, [blob.digest])).has(blob.digest) : false;
      await this.core.policies.beforeWrite(
        { kind: 'upload.complete', repository: name, digest: blob.digest, size: blob.size, newToRepository: !linked },
        { tx, emit, by: actor.by },
      );
      // The session ends in the transaction that publishes, unless a newer holder of its lease saved it since.
      if (opts.fence !== undefined && !(await tx.uploads.touch(id, this.now(), undefined, opts.fence))) {
        throw takenOver(id);
      }
      // Records the blob, or touches the recorded one (its row lock keeps garbage collection off it until commit).
      if (!(await tx.blobs.put(blob, this.core.clock.now()))) throw blobBeingCollected(blob.digest);
      // Garbage collection may have marked and deleted this content (and its record) between the check above and
      // the put, which then recorded it anew: under the row's lock now, the content must still be there.
      if (!(await this.isStored(blobDataPath(digest)))) throw blobBeingCollected(blob.digest);
      await tx.blobs.link(repo.id, blob.digest);
      await tx.uploads.delete(id);
      // Distribution notifies every completed upload, also of a blob the repository held already.
      emit({ type: 'blob.pushed', repository: name, digest: blob.digest, size: blob.size }, actor.by);
    });
    if (stored) await this.removeDir(id);
    return blob;
  }

  private async isStored(path: string): Promise<boolean> {
    try {
      await this.storage.stat(path);
      return true;
    } catch (err) {
      if (err instanceof PathNotFoundError) return false;
      throw err;
    }
  }

  private async discard(id: string): Promise<void> {
    this.hashes.delete(id);
    await this.removeDir(id);
    await this.store.uploads.delete(id);
  }

  private async removeDir(id: string): Promise<void> {
    try {
      await this.storage.delete(uploadDir(id));
    } catch (err) {
      if (!(err instanceof PathNotFoundError)) throw err;
    }
  }
}

/** Seconds a client should wait before repeating a request refused after waiting `waitMs` for the session. */
function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** This node lost the session's lease (paused past its time-to-live) and another node took the session over. */
function takenOver(id: string, cause?: unknown): UnavailableError {
  return new UnavailableError(
    `upload ${id} was taken over by another request while this one stalled; try again`,
    1,
    cause === undefined ? undefined : { cause },
  );
}

/** An `after` for exclusive(): `onSuccess` when the work succeeded (failures always check the record). */
function ok(onSuccess: AfterWork): () => AfterWork {
  return () => onSuccess;
}
