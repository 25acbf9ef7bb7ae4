import type { Readable } from 'node:stream';
import { InvalidOffsetError, InvalidPathError, STORAGE_PATH, WriterStateError } from '../../ports/blob-store.js';
import type { BlobStore, BlobWriter, FileInfo, ObjectDeleteFailure, WriterState } from '../../ports/blob-store.js';

/**
 * Wraps any adapter with the checks every driver shares, so adapters only move bytes: each path must
 * match STORAGE_PATH (which also keeps the filesystem adapter inside its root), and reader ranges must
 * be non-negative integers. createBlobStore always hands out adapters wrapped in this.
 */
export class BaseBlobStore implements BlobStore {
  readonly name: string;

  constructor(private readonly driver: BlobStore) {
    this.name = driver.name;
  }

  async getContent(path: string): Promise<Buffer> {
    this.checkPath(path);
    return await this.driver.getContent(path);
  }

  async putContent(path: string, content: Uint8Array): Promise<void> {
    this.checkPath(path);
    await this.driver.putContent(path, content);
  }

  async reader(path: string, opts: { offset?: number; length?: number } = {}): Promise<Readable> {
    this.checkPath(path);
    const { offset, length } = opts;
    if (offset !== undefined && !isCount(offset)) throw new InvalidOffsetError(this.name, path, offset);
    if (length !== undefined && !isCount(length)) {
      throw new RangeError(`${this.name}: invalid length ${length} for ${path}`);
    }
    return await this.driver.reader(path, opts);
  }

  async writer(path: string, opts: { append: boolean }): Promise<BlobWriter> {
    this.checkPath(path);
    return await this.driver.writer(path, opts);
  }

  async resumeWriter(state: WriterState): Promise<BlobWriter> {
    const shape = state as Partial<Record<keyof WriterState, unknown>> | null;
    const path = typeof shape?.path === 'string' ? shape.path : '';
    if (typeof shape !== 'object' || shape === null || shape.driver !== this.name) {
      throw new WriterStateError(this.name, path, 'the state belongs to another driver');
    }
    this.checkPath(path);
    if (typeof shape.size !== 'number' || !isCount(shape.size)) {
      throw new WriterStateError(this.name, path, `invalid size ${String(shape.size)}`);
    }
    return await this.driver.resumeWriter(state);
  }

  async redirectUrl(path: string, opts: { expiresInSeconds: number }): Promise<string | undefined> {
    this.checkPath(path);
    if (!Number.isSafeInteger(opts.expiresInSeconds) || opts.expiresInSeconds < 1) {
      throw new RangeError(`${this.name}: invalid redirect lifetime ${opts.expiresInSeconds} s`);
    }
    return this.driver.redirectUrl ? await this.driver.redirectUrl(path, opts) : undefined;
  }

  async stat(path: string): Promise<FileInfo> {
    this.checkPath(path);
    return await this.driver.stat(path);
  }

  async list(path: string): Promise<string[]> {
    this.checkPath(path);
    return await this.driver.list(path);
  }

  async move(from: string, to: string): Promise<void> {
    this.checkPath(from);
    this.checkPath(to);
    await this.driver.move(from, to);
  }

  async delete(path: string): Promise<void> {
    this.checkPath(path);
    await this.driver.delete(path);
  }

  async deleteObjects(paths: readonly string[], concurrency: number): Promise<ObjectDeleteFailure[]> {
    for (const path of paths) this.checkPath(path);
    return await this.driver.deleteObjects(paths, Math.max(1, Math.trunc(concurrency)));
  }

  async *walk(path: string): AsyncIterable<FileInfo> {
    this.checkPath(path);
    yield* this.driver.walk(path);
  }

  private checkPath(path: string): void {
    if (!STORAGE_PATH.test(path)) throw new InvalidPathError(this.name, path);
  }
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
