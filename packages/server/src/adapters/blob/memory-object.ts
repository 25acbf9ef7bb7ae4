/** One object of the memory store: its bytes, kept as appended parts until someone reads them. */
export class MemoryObject {
  #parts: Buffer[];
  #size: number;
  #modTime = new Date();

  constructor(content: Uint8Array = new Uint8Array(0)) {
    this.#parts = [Buffer.from(content)];
    this.#size = content.length;
  }

  get size(): number {
    return this.#size;
  }

  get modTime(): Date {
    return this.#modTime;
  }

  /** Keeps a copy of `chunk`: callers may reuse their buffer. */
  append(chunk: Uint8Array): void {
    this.#parts.push(Buffer.from(chunk));
    this.#size += chunk.length;
    this.#modTime = new Date();
  }

  /** Drops everything past the first `size` bytes. */
  truncate(size: number): void {
    if (size >= this.#size) return;
    this.#parts = [Buffer.from(this.bytes().subarray(0, size))];
    this.#size = size;
    this.#modTime = new Date();
  }

  /** The content so far. Buffers are never written after they are stored, so this is a stable snapshot. */
  bytes(): Buffer {
    if (this.#parts.length !== 1) this.#parts = [Buffer.concat(this.#parts, this.#size)];
    return this.#parts[0] ?? Buffer.alloc(0);
  }
}
