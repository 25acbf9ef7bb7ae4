import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '../../lib/private-files.js';
import { WriterStateError } from '../../ports/blob-store.js';
import type { BlobWriter, WriterState } from '../../ports/blob-store.js';

/**
 * A BlobWriter over an open file. Each chunk goes straight to the file with `handle.write`; writes are
 * queued so that overlapping calls still land in call order, and nothing is buffered beyond the chunk
 * being written. After a failed write every later write and commit fails too: the file's tail is unknown.
 */
export class FilesystemBlobWriter implements BlobWriter {
  #size: number;
  #closed = false;
  #failure: Error | undefined;
  #tail: Promise<void> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    size: number,
    private readonly remove: () => Promise<void>,
  ) {
    this.#size = size;
  }

  /**
   * Opens `file` (storage path `path`) for writing at its end (`append`) or truncated; `remove` deletes it on
   * cancel.
   */
  static async open(
    file: string,
    path: string,
    append: boolean,
    remove: () => Promise<void>,
  ): Promise<FilesystemBlobWriter> {
    const handle = await open(file, append ? 'a' : 'w', PRIVATE_FILE_MODE);
    try {
      const { size } = await handle.stat();
      return new FilesystemBlobWriter(handle, path, size, remove);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /**
   * Reopens an existing `file` (never creating it: ENOENT when it is gone) to append after the `state.size`
   * bytes the saved state counts, cutting off any unacknowledged bytes past them.
   */
  static async resume(file: string, state: WriterState, remove: () => Promise<void>): Promise<FilesystemBlobWriter> {
    const handle = await open(file, constants.O_WRONLY | constants.O_APPEND);
    try {
      const { size } = await handle.stat();
      if (size < state.size) {
        throw new WriterStateError('filesystem', state.path, `it counts ${state.size} bytes, the file holds ${size}`);
      }
      // With O_APPEND every write lands at the end, so after the truncation writes continue at state.size.
      if (size > state.size) await handle.truncate(state.size);
      return new FilesystemBlobWriter(handle, state.path, state.size, remove);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  /** The path and the bytes written: all the filesystem needs to resume (the file is the state). */
  state(): WriterState {
    return { driver: 'filesystem', path: this.path, size: this.#size };
  }

  get size(): number {
    return this.#size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertOpen();
    const done = this.#tail.then(() => this.writeAll(chunk));
    this.#tail = done.catch(() => undefined);
    await done;
  }

  async commit(): Promise<void> {
    this.assertOpen();
    this.#closed = true;
    try {
      await this.#tail;
      if (this.#failure !== undefined) throw this.#failure;
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    await this.handle.close();
  }

  async cancel(): Promise<void> {
    this.assertOpen();
    await this.close();
    await this.remove();
  }

  private async writeAll(chunk: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset, null);
        offset += bytesWritten;
        this.#size += bytesWritten;
      }
    } catch (err) {
      this.#failure = err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  }

  private assertOpen(): void {
    if (this.#closed) throw new Error('blob writer is closed');
  }
}
