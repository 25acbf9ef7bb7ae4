import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlobStore } from '../adapters/blob/index.js';
import { openDatabase, type OpenDatabase } from '../adapters/db/index.js';
import { createTestDatabase } from '../adapters/db/postgres-test-database.js';
import type { BlobStore } from '../ports/blob-store.js';
import { ManualClock } from '../ports/clock.js';
import { UnavailableError } from '../domain/errors.js';
import { LeaseLostError } from '../ports/lease.js';
import { UploadService } from './uploads.js';
import { EventBus } from '../events/event-bus.js';
import { UnitOfWork } from '../events/unit-of-work.js';
import type { Store } from '../ports/store.js';
import { PolicyChain } from './policies.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A request body: strings are sent, promises awaited, functions called when the body gets that far. */
async function* chunks(...parts: Array<string | Promise<void> | (() => void)>): AsyncIterable<Uint8Array> {
  for (const part of parts) {
    if (typeof part === 'string') yield Buffer.from(part);
    else if (typeof part === 'function') part();
    else await part;
  }
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Two "nodes": upload services on one database and one storage root, each with its own connection. */
type Open = () => Promise<{ first: OpenDatabase; second: OpenDatabase }>;

function describeNodes(label: string, open: Open): void {
  describe(label, () => {
    async function nodes(ttlMs = 60_000, waitMs?: number) {
      const { first, second } = await open();
      const root = await mkdtemp(join(tmpdir(), 'wharf-upload-leases-'));
      cleanup.push(() => rm(root, { recursive: true, force: true }));
      const storage: BlobStore = createBlobStore({ driver: 'filesystem', rootDirectory: root });
      const clock = new ManualClock();
      const core = (store: Store) => ({
        store,
        storage,
        clock,
        work: new UnitOfWork(store, clock),
        bus: new EventBus(() => undefined),
        policies: new PolicyChain(),
      });
      const a = new UploadService(core(first.store), { leases: first.leases(clock), node: 'a', ttlMs, waitMs });
      const b = new UploadService(core(second.store), { leases: second.leases(clock), node: 'b', ttlMs, waitMs });
      const repository = 'library/leased';
      await first.store.projects.create({ name: 'library', public: true }).catch(() => undefined);
      return { a, b, clock, repository, root, store: first.store };
    }

    it('serialises PATCHes of one session on two nodes: the second waits, then sees the first’s bytes', async () => {
      const { a, b, repository } = await nodes();
      const { id } = await a.start(repository);
      const held = gate();
      const reading = gate();
      const first = a.append(repository, id, chunks('first-', reading.open, held.opened, 'chunk'));
      await reading.opened;
      let secondDone = false;
      const second = b.append(repository, id, chunks('second'), { start: 0 }).finally(() => (secondDone = true));
      const secondFailure = second.catch((err: unknown) => err);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Without the lease, node b would have written at offset 0 while node a's request was still open.
      expect(secondDone).toBe(false);
      held.open();
      expect(await first).toEqual({ id, size: 11 });
      expect(await secondFailure).toMatchObject({ reason: 'range' });
      expect(await b.append(repository, id, chunks('+b'), { start: 11 })).toEqual({ id, size: 13 });
      expect(await a.status(repository, id)).toEqual({ id, size: 13 });
    });

    it('stops a request whose lease was taken over and publishes nothing from it', async () => {
      const { a, b, clock, repository } = await nodes(300);
      const { id } = await a.start(repository);
      const held = gate();
      const reading = gate();
      const first = a
        .append(repository, id, chunks('stale-', reading.open, held.opened, 'more'))
        .catch((err: unknown) => err);
      await reading.opened;
      // Node a stalls past its lease (its renewal is not due yet in real time); node b takes the session over.
      clock.advance(300);
      // (Node a's first bytes are still in its batch, not yet written.)
      expect(await b.append(repository, id, chunks('fresh'), { start: 0 })).toEqual({ id, size: 5 });
      // Node a's next renewal (every 100 ms of real time) finds the lease gone, and its request stops.
      await new Promise((resolve) => setTimeout(resolve, 250));
      held.open();
      // The loss answers a retryable error (503 UNAVAILABLE with Retry-After on /v2), not a 500.
      const failure = await first;
      expect(failure).toBeInstanceOf(UnavailableError);
      expect((failure as Error).cause).toBeInstanceOf(LeaseLostError);
      expect(await b.status(repository, id)).toEqual({ id, size: 5 });
      expect(await b.append(repository, id, chunks('!'), { start: 5 })).toEqual({ id, size: 6 });
    });

    it('refuses a request that waits in vain for another node’s lease with a retryable error, after the wait', async () => {
      const { a, b, repository } = await nodes(60_000, 40);
      const { id } = await a.start(repository);
      const held = gate();
      const reading = gate();
      // Node a reads its body (so holds the session's lease) until the test lets it finish.
      const first = a.append(repository, id, chunks('held-', reading.open, held.opened, 'open'));
      await reading.opened;
      const started = performance.now();
      const refused = await b.append(repository, id, chunks('second'), { start: 0 }).catch((err: unknown) => err);
      // Bounded: the configured 40 ms, not the lease's time-to-live.
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(refused).toBeInstanceOf(UnavailableError);
      expect(refused).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 1 });
      expect((refused as Error).message).toContain(`upload ${id} is busy`);
      held.open();
      expect(await first).toEqual({ id, size: 9 });
      // Nothing of the refused request was kept; retrying after the holder finished succeeds.
      expect(await b.append(repository, id, chunks('+b'), { start: 9 })).toEqual({ id, size: 11 });
    });

    it('refuses the save of a stale holder: a node paused past its lease cannot overwrite the newer holder’s state', async () => {
      // A long time-to-live: node a's renewal (every 20 s of real time) never runs, so only the fence stops it.
      const { a, b, clock, repository, store } = await nodes(60_000);
      const { id } = await a.start(repository);
      const paused = gate();
      const reading = gate();
      const stale = a
        .append(repository, id, chunks(reading.open, paused.opened, 'stale-bytes'))
        .catch((err: unknown) => err);
      await reading.opened;
      // Node a pauses past its lease; node b takes the session over and saves under a greater token.
      clock.advance(60_000);
      expect(await b.append(repository, id, chunks('fresh'), { start: 0 })).toEqual({ id, size: 5 });
      const saved = await store.uploads.get(id);
      expect(saved?.fence).toBeGreaterThan(0);
      // Node a resumes, writes its chunk and tries to save the session's state with its older token.
      paused.open();
      const failure = await stale;
      expect(failure).toBeInstanceOf(UnavailableError);
      expect((failure as Error).message).toContain('taken over');
      // The newer holder's state stands: size, writer state and token unchanged.
      expect(await store.uploads.get(id)).toEqual(saved);
      expect(await b.status(repository, id)).toEqual({ id, size: 5 });
    });

    it('continues on another node from the saved writer state, dropping bytes a crash left past it', async () => {
      const { a, b, repository, root } = await nodes();
      const { id } = await a.start(repository);
      await a.append(repository, id, chunks('acknowledged-'));
      // A request cut short by a crash wrote bytes it never acknowledged (nor recorded).
      await appendFile(join(root, 'uploads', id, 'data'), 'unacknowledged');
      expect(await b.status(repository, id)).toEqual({ id, size: 13 });
      expect(await b.append(repository, id, chunks('second'), { start: 13 })).toEqual({ id, size: 19 });
      const digest = `sha256:${createHash('sha256').update('acknowledged-second-last').digest('hex')}`;
      const blob = await a.complete(repository, id, digest, chunks('-last'), { start: 19 });
      expect(blob).toEqual({ digest, size: 24 });
      const hex = digest.slice('sha256:'.length);
      expect(await readFile(join(root, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'), 'utf8')).toBe(
        'acknowledged-second-last',
      );
    });

    it('publishes exactly the received bytes when the last PATCH’s tail was never acknowledged', async () => {
      const { a, b, repository, root } = await nodes();
      const { id } = await a.start(repository);
      await a.append(repository, id, chunks('content'));
      await appendFile(join(root, 'uploads', id, 'data'), 'junk');
      const digest = `sha256:${createHash('sha256').update('content').digest('hex')}`;
      expect(await b.complete(repository, id, digest)).toEqual({ digest, size: 7 });
      const hex = digest.slice('sha256:'.length);
      expect(await readFile(join(root, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data'), 'utf8')).toBe('content');
    });

    it('leaves no lease record behind once a session ends', async () => {
      const { a, b, repository } = await nodes();
      const { id } = await a.start(repository);
      await a.append(repository, id, chunks('bytes'));
      await b.cancel(repository, id);
      const leases = (await open()).first.leases();
      expect(await leases.tryAcquire(`upload:${id}`, { holder: 'probe', ttlMs: 1000 })).toMatchObject({ token: 1 });
    });
  });
}

describeNodes('upload sessions on two nodes over SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-upload-leases-db-'));
  const path = join(dir, 'wharf.db');
  const openOne = () => openDatabase({ driver: 'sqlite', path, synchronous: 'normal' });
  const first = openOne();
  await first.store.migrate();
  const second = openOne();
  cleanup.push(async () => {
    await second.store.close();
    await first.store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { first, second };
});

describeNodes('upload sessions on two nodes over PostgreSQL', async () => {
  const database = await createTestDatabase();
  const openOne = () => openDatabase({ driver: 'postgres', url: database.url, poolSize: 4 });
  const first = openOne();
  await first.store.migrate();
  const second = openOne();
  cleanup.push(async () => {
    await second.store.close();
    await first.store.close();
    await database.drop();
  });
  return { first, second };
});
