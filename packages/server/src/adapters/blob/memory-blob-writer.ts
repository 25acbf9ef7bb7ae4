import type { BlobWriter, WriterState } from '../../ports/blob-store.js';
import type { MemoryObject } from './memory-object.js';

/** A BlobWriter appending to one MemoryObject; `remove` deletes the object's path on cancel. */
export class MemoryBlobWriter implements BlobWriter {
  #closed = false;

  constructor(
    private readonly object: MemoryObject,
    private readonly path: string,
    private readonly remove: () => void,
  ) {}

  state(): WriterState {
    return { driver: 'memory', path: this.path, size: this.object.size };
  }

  get size(): number {
    return this.object.size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertOpen();
    await nextTurn();
    this.assertOpen();
    this.object.append(chunk);
  }

  async commit(): Promise<void> {
    this.assertOpen();
    await nextTurn();
    this.#closed = true;
  }

  async close(): Promise<void> {
    await nextTurn();
    this.#closed = true;
  }

  async cancel(): Promise<void> {
    this.assertOpen();
    await nextTurn();
    this.#closed = true;
    this.remove();
  }

  private assertOpen(): void {
    if (this.#closed) throw new Error('blob writer is closed');
  }
}

/** Lets other callers run, as real I/O would, so concurrent use interleaves like it does on disk. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
