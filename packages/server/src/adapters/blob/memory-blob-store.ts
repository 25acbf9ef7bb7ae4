import type { Readable } from 'node:stream';
import { InvalidOffsetError, PathNotFoundError, StorageDriverError, WriterStateError } from '../../ports/blob-store.js';
import type { BlobStore, BlobWriter, FileInfo, ObjectDeleteFailure, WriterState } from '../../ports/blob-store.js';
import { bufferReadable } from './buffer-readable.js';
import { MemoryBlobWriter, nextTurn } from './memory-blob-writer.js';
import { MemoryObject } from './memory-object.js';

/**
 * Keeps objects in a map by path, for fast tests. Directories are implicit: a path is a directory while
 * some object lies below it. As on a filesystem, an object cannot sit where a directory is, nor below
 * another object. Every call yields once before acting, so concurrent callers interleave.
 */
export class MemoryBlobStore implements BlobStore {
  readonly name = 'memory';

  /** `objects` may be shared by several instances: they then see the same storage, as processes on one disk. */
  constructor(private readonly objects = new Map<string, MemoryObject>()) {}

  async getContent(path: string): Promise<Buffer> {
    await nextTurn();
    return Buffer.from(this.object(path).bytes());
  }

  async putContent(path: string, content: Uint8Array): Promise<void> {
    await nextTurn();
    this.assertPlaceable(path);
    this.objects.set(path, new MemoryObject(content));
  }

  async reader(path: string, opts: { offset?: number; length?: number } = {}): Promise<Readable> {
    await nextTurn();
    const bytes = this.object(path).bytes();
    const offset = opts.offset ?? 0;
    if (offset > bytes.length) throw new InvalidOffsetError(this.name, path, offset);
    const end = opts.length === undefined ? bytes.length : offset + opts.length;
    return bufferReadable(bytes.subarray(offset, end));
  }

  async writer(path: string, opts: { append: boolean }): Promise<BlobWriter> {
    await nextTurn();
    let object = opts.append ? this.objects.get(path) : undefined;
    if (!object) {
      this.assertPlaceable(path);
      object = new MemoryObject();
      this.objects.set(path, object);
    }
    return new MemoryBlobWriter(object, path, () => this.objects.delete(path));
  }

  async resumeWriter(state: WriterState): Promise<BlobWriter> {
    await nextTurn();
    const object = this.object(state.path);
    if (object.size < state.size) {
      throw new WriterStateError(
        this.name,
        state.path,
        `it counts ${state.size} bytes, the object holds ${object.size}`,
      );
    }
    object.truncate(state.size);
    return new MemoryBlobWriter(object, state.path, () => this.objects.delete(state.path));
  }

  async stat(path: string): Promise<FileInfo> {
    await nextTurn();
    const object = this.objects.get(path);
    if (object) return { path, size: object.size, modTime: object.modTime, isDir: false };
    const below = this.below(path);
    if (below.length === 0) throw new PathNotFoundError(this.name, path);
    const modTime = new Date(Math.max(...below.map(([, child]) => child.modTime.getTime())));
    return { path, size: 0, modTime, isDir: true };
  }

  async list(path: string): Promise<string[]> {
    await nextTurn();
    const children = this.children(path);
    if (children.length === 0) throw new PathNotFoundError(this.name, path);
    return children;
  }

  /** Atomic: one turn of the event loop re-keys the object. */
  async move(from: string, to: string): Promise<void> {
    await nextTurn();
    const object = this.objects.get(from);
    const below = this.below(from);
    if (!object && below.length === 0) throw new PathNotFoundError(this.name, from);
    if (from === to) return;
    if (object) {
      this.assertPlaceable(to);
      this.objects.delete(from);
      this.objects.set(to, object);
      return;
    }
    if (to.startsWith(`${from}/`)) throw this.failure('cannot move a directory into itself', to);
    if (this.objects.has(to) || this.below(to).length > 0) throw this.failure('destination exists', to);
    this.assertPlaceable(to);
    for (const [path, child] of below) {
      this.objects.delete(path);
      this.objects.set(`${to}${path.slice(from.length)}`, child);
    }
  }

  async delete(path: string): Promise<void> {
    await nextTurn();
    const below = this.below(path);
    if (!this.objects.delete(path) && below.length === 0) throw new PathNotFoundError(this.name, path);
    for (const [child] of below) this.objects.delete(child);
  }

  /** One turn of the event loop; objects already gone count as removed. */
  async deleteObjects(paths: readonly string[]): Promise<ObjectDeleteFailure[]> {
    await nextTurn();
    for (const path of paths) this.objects.delete(path);
    return [];
  }

  async *walk(path: string): AsyncIterable<FileInfo> {
    await nextTurn();
    for (const child of this.children(path)) {
      const object = this.objects.get(child);
      if (object) yield { path: child, size: object.size, modTime: object.modTime, isDir: false };
      else yield* this.walk(child);
    }
  }

  private object(path: string): MemoryObject {
    const object = this.objects.get(path);
    if (!object) throw new PathNotFoundError(this.name, path);
    return object;
  }

  /** Every object strictly below `path`, i.e. the content of the directory `path`. */
  private below(path: string): Array<[string, MemoryObject]> {
    const prefix = `${path}/`;
    return [...this.objects].filter(([key]) => key.startsWith(prefix));
  }

  /** Direct children of the directory `path`, as full paths, sorted; none when it is not a directory. */
  private children(path: string): string[] {
    const names = new Set<string>();
    for (const [key] of this.below(path)) names.add(key.slice(path.length + 1).split('/', 1)[0] ?? '');
    return [...names].map((name) => `${path}/${name}`).sort();
  }

  /** Refuses what a filesystem refuses: an object where a directory is, or below another object. */
  private assertPlaceable(path: string): void {
    if (this.below(path).length > 0) throw this.failure('is a directory', path);
    const segments = path.split('/');
    for (let depth = 1; depth < segments.length; depth++) {
      const parent = segments.slice(0, depth).join('/');
      if (this.objects.has(parent)) throw this.failure('not a directory', parent);
    }
  }

  private failure(reason: string, path: string): StorageDriverError {
    return new StorageDriverError(`${this.name}: ${reason}: ${path}`, this.name, path);
  }
}
