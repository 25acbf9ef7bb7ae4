import type { Readable } from 'node:stream';

/**
 * The storage driver port: a small, path-addressed file store. Everything registry-specific
 * (content addressing, upload sessions, digests) lives above it in registry-core; an adapter only
 * moves bytes. Paths are relative, '/'-separated, without '..' segments, e.g. `blobs/sha256/ab/ab…/data`.
 *
 * Every adapter passes the shared suite in adapters/blob/blob-store.suite.ts.
 */
export interface BlobStore {
  readonly name: string;
  /** Whole content of a small object. Throws PathNotFoundError. */
  getContent(path: string): Promise<Buffer>;
  /** Atomically replaces the object: readers see the old or the new content, never a part. */
  putContent(path: string, content: Uint8Array): Promise<void>;
  /** Streams the object from `offset` (default 0), `length` bytes at most. Throws PathNotFoundError, InvalidOffsetError. */
  reader(path: string, opts?: { offset?: number; length?: number }): Promise<Readable>;
  /** Opens a writer; `append` continues an existing object (a resumable upload), otherwise it starts empty. */
  writer(path: string, opts: { append: boolean }): Promise<BlobWriter>;
  /**
   * Reopens the writer whose `state()` was saved, possibly by another process or node on the same storage, to
   * append after the bytes that state counts. Bytes the object holds beyond `state.size` (written after the
   * state was saved, never acknowledged) are dropped. Throws WriterStateError when the state does not belong
   * to this driver or no longer matches the stored object (fewer bytes than it counts), PathNotFoundError when
   * the object is gone.
   */
  resumeWriter(state: WriterState): Promise<BlobWriter>;
  /** Throws PathNotFoundError. */
  stat(path: string): Promise<FileInfo>;
  /** Direct children of a directory, as full paths, sorted. Throws PathNotFoundError. */
  list(path: string): Promise<string[]>;
  /**
   * Moves an object; replaces `to` if it exists. Throws PathNotFoundError when `from` is absent. Not atomic on
   * every backend: an object store copies and then deletes, so a crash in between leaves both `from` and a
   * complete `to`. Callers must tolerate that, by repeating the move (which then completes) or by leaving the
   * source to clean-up. Readers never see a partial `to`. The filesystem adapter renames (atomic) and fsyncs
   * the destination's directory, so after it returns the move survives a power loss; the memory adapter is
   * atomic. The suite (adapters/blob/blob-store-tree.suite.ts) states each adapter's guarantee.
   */
  move(from: string, to: string): Promise<void>;
  /** Removes an object or a whole directory tree. Throws PathNotFoundError. */
  delete(path: string): Promise<void>;
  /**
   * Bulk removal of objects (garbage collection): removes each of `paths` (objects, not trees), up to `concurrency`
   * at once, and the parent directories they leave empty (a backend with directories checks each parent once per
   * call, not once per object). An object already gone counts as removed. Returns the paths that could not be
   * removed, with their errors; the others are gone when it returns.
   */
  deleteObjects(paths: readonly string[], concurrency: number): Promise<ObjectDeleteFailure[]>;
  /** Every object (not directory) below `path`, depth first, in path order. Missing path: nothing. */
  walk(path: string): AsyncIterable<FileInfo>;
  /**
   * Optional: a URL from which a client may download the object directly, valid for about `expiresInSeconds`
   * (an object store's pre-signed URL). Undefined when the backend has none (filesystem, memory): the registry
   * then streams the content itself.
   */
  redirectUrl?(path: string, opts: { expiresInSeconds: number }): Promise<string | undefined>;
}

/** An object `deleteObjects` could not remove. */
export interface ObjectDeleteFailure {
  readonly path: string;
  readonly error: unknown;
}

/**
 * What a writer needs to be resumed by another process: saved with the upload session. Plain JSON.
 * `backend` is the adapter's own (an object store's multipart upload id and part list); the filesystem's
 * is absent, its path and size being all it needs.
 */
export interface WriterState {
  readonly driver: string;
  readonly path: string;
  /** Bytes the object holds, as acknowledged by the writer when the state was taken. */
  readonly size: number;
  readonly backend?: unknown;
}

export interface BlobWriter {
  /** Bytes in the object so far, including what existed before an append. */
  readonly size: number;
  /**
   * Optional: the size of write() that this writer stores without copying it (an object store's part size). A
   * caller that gathers a stream into batches makes them this large; smaller writes cost more requests.
   */
  readonly preferredWriteSize?: number;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and makes the content durable (fsync); the object stays at its path. The writer is closed. */
  commit(): Promise<void>;
  /** Closes without making durable guarantees, keeping what was written (to resume later). */
  close(): Promise<void>;
  /** Closes and removes the object. */
  cancel(): Promise<void>;
  /**
   * The state from which `resumeWriter` continues this object, in this or another process, after this writer
   * was closed or simply dropped. Reflects the bytes whose write() has resolved.
   */
  state(): WriterState;
}

export interface FileInfo {
  readonly path: string;
  readonly size: number;
  readonly modTime: Date;
  readonly isDir: boolean;
}

export class StorageDriverError extends Error {
  constructor(
    message: string,
    readonly driver: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export class PathNotFoundError extends StorageDriverError {
  constructor(driver: string, path: string) {
    super(`${driver}: path not found: ${path}`, driver, path);
  }
}

export class InvalidPathError extends StorageDriverError {
  constructor(driver: string, path: string) {
    super(`${driver}: invalid path: ${path}`, driver, path);
  }
}

export class InvalidOffsetError extends StorageDriverError {
  constructor(
    driver: string,
    path: string,
    readonly offset: number,
  ) {
    super(`${driver}: invalid offset ${offset} for ${path}`, driver, path);
  }
}

/** A saved writer state that does not fit the driver or the stored object. */
export class WriterStateError extends StorageDriverError {
  constructor(driver: string, path: string, reason: string) {
    super(`${driver}: cannot resume the writer of ${path}: ${reason}`, driver, path);
  }
}

/**
 * Relative path grammar shared by every adapter: segments of [A-Za-z0-9._-] that do not start with '.',
 * so '.', '..' and hidden names (adapters' own temporary files) can never be addressed.
 */
export const STORAGE_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
