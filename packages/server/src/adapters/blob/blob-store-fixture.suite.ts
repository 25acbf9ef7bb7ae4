import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../ports/blob-store.js';

/** What an adapter's test runner hands the shared BlobStore suite. */
export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** A fresh store instance on the same storage (another process on the same root, bucket, …). */
  reopen(): Promise<BlobStore>;
  /**
   * What the adapter's move guarantees: an atomic rename, or a copy then a delete (a crash in between leaves
   * both objects). The suite checks what every adapter must do either way (a repeated move completes).
   */
  readonly move: 'atomic' | 'copy-then-delete';
  /** Whether redirectUrl hands out URLs (object stores) or always undefined (filesystem, memory). */
  readonly redirects: boolean;
  /** Releases the store and whatever backs it. */
  dispose(): Promise<void>;
}

/** The store of the running test and the unique prefix that test writes below. */
export class SuiteContext {
  store!: BlobStore;
  fixture!: BlobStoreFixture;
  prefix = '';

  /** `relative` below the test's own prefix. */
  path(relative: string): string {
    return `${this.prefix}/${relative}`;
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new Error(`expected Buffer chunks, got ${typeof chunk}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The rejection of `promise`, or undefined when it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  );
}

export function randomContent(size: number): Buffer {
  return randomBytes(size);
}

export function text(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}
