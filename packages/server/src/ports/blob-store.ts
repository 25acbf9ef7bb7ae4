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
  /** Throws PathNotFoundError. */
  stat(path: string): Promise<FileInfo>;
  /** Direct children of a directory, as full paths, sorted. Throws PathNotFoundError. */
  list(path: string): Promise<string[]>;
  /** Atomic rename; replaces `to` if it exists. Throws PathNotFoundError when `from` is absent. */
  move(from: string, to: string): Promise<void>;
  /** Removes an object or a whole directory tree. Throws PathNotFoundError. */
  delete(path: string): Promise<void>;
  /** Every object (not directory) below `path`, depth first, in path order. Missing path: nothing. */
  walk(path: string): AsyncIterable<FileInfo>;
}

export interface BlobWriter {
  /** Bytes in the object so far, including what existed before an append. */
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and makes the content durable (fsync); the object stays at its path. The writer is closed. */
  commit(): Promise<void>;
  /** Closes without making durable guarantees, keeping what was written (to resume later). */
  close(): Promise<void>;
  /** Closes and removes the object. */
  cancel(): Promise<void>;
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

/**
 * Relative path grammar shared by every adapter: segments of [A-Za-z0-9._-] that do not start with '.',
 * so '.', '..' and hidden names (adapters' own temporary files) can never be addressed.
 */
export const STORAGE_PATH = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
