import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { WriterStateError } from '../../ports/blob-store.js';
import type { BlobWriter, WriterState } from '../../ports/blob-store.js';
import { isMissingObject, isMissingUpload, MAX_PART_SIZE, MIN_PART_SIZE, type KeyMapper } from './s3-client.js';

/** What the store hands its writers. */
export interface S3Context {
  readonly client: S3Client;
  readonly bucket: string;
  readonly keys: KeyMapper;
  readonly storageClass: string;
  readonly chunkSize: number;
}

export interface S3Part {
  /** Part number (1-based). */
  readonly n: number;
  readonly etag: string;
  readonly size: number;
}

/** A hidden object holding tail bytes that are not in a part yet (written so that write() is durable). */
export interface S3Segment {
  readonly key: string;
  readonly size: number;
}

/**
 * WriterState.backend of the S3 driver. The bytes counted by `size` are, in order: the parts of the open multipart
 * upload `uploadId`, or the first `base` bytes of the completed object at the path; then the segments.
 */
export interface S3Backend {
  readonly uploadId?: string | undefined;
  readonly parts: readonly S3Part[];
  readonly base: number;
  readonly segments: readonly S3Segment[];
}

/** Another writer completed or aborted this writer's upload (it resumed the same session elsewhere). */
class SupersededError extends Error {}

/**
 * A BlobWriter as an S3 multipart upload. Full parts of `chunkSize` go up as soon as they are gathered; the tail
 * (less than one part) stays in memory and, so that every resolved write() is in storage, is also written as a
 * hidden segment object per write (only the bytes of that write). commit() and close() complete the upload (a tail
 * too small for a part of its own is the last part), so that the object at the path holds every byte: readers and
 * the upload's digest check see it. Resuming an object of at least 5 MiB copies it into a new upload server-side
 * (UploadPartCopy); a smaller one, or the tail segments of a dropped writer, are read back: at most one part.
 */
export class S3BlobWriter implements BlobWriter {
  readonly preferredWriteSize: number;
  #size: number;
  #uploadId: string | undefined;
  #parts: S3Part[];
  #base: number;
  #segments: S3Segment[];
  /** Whether base and segments are in `buffer` (a resumed writer reads them back when it first needs them). */
  #loaded: boolean;
  #buffer: Buffer[] = [];
  #buffered = 0;
  #dirty = false;
  #closed = false;
  #failure: Error | undefined;
  #tail: Promise<void> = Promise.resolve();
  readonly #token = randomBytes(6).toString('hex');

  constructor(
    private readonly ctx: S3Context,
    private readonly path: string,
    size: number,
    backend: S3Backend,
    /** The size of the object at the path when opened: a resumed writer with nothing to add may leave it alone. */
    private readonly objectSize: number | undefined,
  ) {
    this.preferredWriteSize = ctx.chunkSize;
    this.#size = size;
    this.#uploadId = backend.uploadId;
    this.#parts = [...backend.parts];
    this.#base = backend.base;
    this.#segments = [...backend.segments];
    this.#loaded = backend.base === 0 && backend.segments.length === 0;
  }

  get size(): number {
    return this.#size;
  }

  /** Bytes held in memory (at most one part until the next write returns). */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  state(): WriterState {
    const backend: S3Backend = {
      ...(this.#uploadId !== undefined ? { uploadId: this.#uploadId } : {}),
      parts: this.#parts,
      base: this.#base,
      segments: this.#segments,
    };
    return { driver: 's3', path: this.path, size: this.#size, backend: JSON.parse(JSON.stringify(backend)) };
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.assertOpen();
    const copy = Buffer.from(chunk);
    await this.queue(() => this.append(copy));
  }

  async commit(): Promise<void> {
    this.assertOpen();
    this.#closed = true;
    await this.queue(() => this.complete());
  }

  /** Completes the upload like commit, so that the object holds what was written; a superseded writer changes nothing. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail;
    if (this.#failure !== undefined) return;
    try {
      await this.complete();
    } catch (err) {
      if (!(err instanceof SupersededError)) throw err;
    }
  }

  async cancel(): Promise<void> {
    this.assertOpen();
    this.#closed = true;
    await this.#tail;
    if (this.#uploadId !== undefined) {
      await this.ctx.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.ctx.bucket, Key: this.key, UploadId: this.#uploadId }))
        .catch((err: unknown) => {
          if (!isMissingUpload(err)) throw err;
        });
    }
    await this.removeKeys([...this.#segments.map((s) => s.key), this.key]);
  }

  private get key(): string {
    return this.ctx.keys.key(this.path);
  }

  private async queue(op: () => Promise<void>): Promise<void> {
    const done = this.#tail.then(async () => {
      if (this.#failure !== undefined) throw this.#failure;
      try {
        await op();
      } catch (err) {
        this.#failure = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
    });
    this.#tail = done.catch(() => undefined);
    await done;
  }

  private async append(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    await this.load();
    this.#dirty = true;
    this.#buffer.push(chunk);
    this.#buffered += chunk.length;
    let flushed = false;
    while (this.#buffered >= this.ctx.chunkSize) {
      await this.uploadPart(this.take(this.ctx.chunkSize));
      flushed = true;
    }
    const spent = flushed ? this.#segments.map((s) => s.key) : [];
    if (flushed) {
      // Every byte before this write is in a part now: base and segments are spent.
      this.#segments = [];
      this.#base = 0;
    }
    // The bytes of this write that remain in memory go to a segment, so that the write is in storage.
    const pending = Math.min(chunk.length, this.#buffered);
    if (pending > 0) {
      const key = this.ctx.keys.segment(this.path, this.#token, this.#size + chunk.length - pending);
      await this.ctx.client.send(
        new PutObjectCommand({ Bucket: this.ctx.bucket, Key: key, Body: chunk.subarray(chunk.length - pending) }),
      );
      this.#segments.push({ key, size: pending });
    }
    this.#size += chunk.length;
    // Removed only now, so that a writer dropped on the way leaves no segment its state does not name.
    if (spent.length > 0) await this.removeKeys(spent);
  }

  /** Puts base and segments into play: a large base is copied into a new upload, the rest read back into memory. */
  private async load(): Promise<void> {
    if (this.#loaded) return;
    if (this.#base >= MIN_PART_SIZE && this.#parts.length === 0 && this.#uploadId === undefined) {
      await this.copyBase();
    }
    const pieces: Array<{ key: string; range?: string }> = [];
    if (this.#base > 0) pieces.push({ key: this.key, range: `bytes=0-${this.#base - 1}` });
    for (const segment of this.#segments) pieces.push({ key: segment.key });
    for (const piece of pieces) {
      const bytes = await this.fetch(piece.key, piece.range);
      this.#buffer.push(bytes);
      this.#buffered += bytes.length;
    }
    this.#loaded = true;
  }

  /** Copies the first `base` bytes of the object into a new upload, in parts of at most 5 GiB, server-side. */
  private async copyBase(): Promise<void> {
    const uploadId = await this.createUpload();
    const count = Math.ceil(this.#base / MAX_PART_SIZE);
    const piece = Math.ceil(this.#base / count);
    const source = `${this.ctx.bucket}/${encodeURIComponent(this.key).replaceAll('%2F', '/')}`;
    for (let n = 1, start = 0; start < this.#base; n++, start += piece) {
      const end = Math.min(this.#base, start + piece);
      const copied = await this.ctx.client.send(
        new UploadPartCopyCommand({
          Bucket: this.ctx.bucket,
          Key: this.key,
          UploadId: uploadId,
          PartNumber: n,
          CopySource: source,
          CopySourceRange: `bytes=${start}-${end - 1}`,
        }),
      );
      this.#parts.push({ n, etag: copied.CopyPartResult?.ETag ?? '', size: end - start });
    }
    this.#base = 0;
  }

  private async fetch(key: string, range?: string): Promise<Buffer> {
    try {
      const got = await this.ctx.client.send(new GetObjectCommand({ Bucket: this.ctx.bucket, Key: key, Range: range }));
      return Buffer.from(await got.Body!.transformToByteArray());
    } catch (err) {
      if (isMissingObject(err)) throw new WriterStateError('s3', this.path, `${key} is gone`);
      throw err;
    }
  }

  private take(count: number): Buffer {
    const all = Buffer.concat(this.#buffer, this.#buffered);
    const rest = all.subarray(count);
    this.#buffer = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.#buffered = rest.length;
    return all.subarray(0, count);
  }

  private async createUpload(): Promise<string> {
    const created = await this.ctx.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.ctx.bucket,
        Key: this.key,
        StorageClass: this.ctx.storageClass as StorageClass,
      }),
    );
    if (!created.UploadId) throw new Error(`s3: no upload id for ${this.path}`);
    this.#uploadId = created.UploadId;
    return created.UploadId;
  }

  private async uploadPart(body: Buffer): Promise<void> {
    const uploadId = this.#uploadId ?? (await this.createUpload());
    const n = (this.#parts.at(-1)?.n ?? 0) + 1;
    try {
      const uploaded = await this.ctx.client.send(
        new UploadPartCommand({
          Bucket: this.ctx.bucket,
          Key: this.key,
          UploadId: uploadId,
          PartNumber: n,
          Body: body,
        }),
      );
      this.#parts.push({ n, etag: uploaded.ETag ?? '', size: body.length });
    } catch (err) {
      throw isMissingUpload(err) ? new SupersededError(`s3: the upload of ${this.path} was taken over`) : err;
    }
  }

  /** Makes the object at the path hold exactly the bytes counted, then forgets the upload and the segments. */
  private async complete(): Promise<void> {
    if (!this.#dirty && this.#uploadId === undefined && this.#segments.length === 0 && this.#base === this.#size) {
      // Nothing written: an object already holding exactly the bytes counted is left as it is.
      const current = this.objectSize ?? (await this.headSize());
      if (current === this.#size) return;
    }
    await this.load();
    await this.assertCurrent();
    if (this.#uploadId === undefined) {
      const body = this.take(this.#buffered);
      await this.ctx.client.send(
        new PutObjectCommand({
          Bucket: this.ctx.bucket,
          Key: this.key,
          Body: body,
          StorageClass: this.ctx.storageClass as StorageClass,
        }),
      );
    } else {
      if (this.#buffered > 0 || this.#parts.length === 0) await this.uploadPart(this.take(this.#buffered));
      try {
        await this.ctx.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.ctx.bucket,
            Key: this.key,
            UploadId: this.#uploadId,
            MultipartUpload: { Parts: this.#parts.map((p) => ({ PartNumber: p.n, ETag: p.etag })) },
          }),
        );
      } catch (err) {
        throw isMissingUpload(err) ? new SupersededError(`s3: the upload of ${this.path} was taken over`) : err;
      }
    }
    const spent = this.#segments.map((s) => s.key);
    this.#uploadId = undefined;
    this.#parts = [];
    this.#segments = [];
    this.#base = this.#size;
    this.#dirty = false;
    this.#loaded = false;
    await this.removeKeys(spent);
  }

  /** A writer whose last segment is gone was taken over by another (that completed and removed it): it stops. */
  private async assertCurrent(): Promise<void> {
    const last = this.#segments.at(-1);
    if (!last) return;
    try {
      await this.ctx.client.send(new HeadObjectCommand({ Bucket: this.ctx.bucket, Key: last.key }));
    } catch (err) {
      if (isMissingObject(err)) throw new SupersededError(`s3: the upload of ${this.path} was taken over`);
      throw err;
    }
  }

  private async headSize(): Promise<number | undefined> {
    try {
      const head = await this.ctx.client.send(new HeadObjectCommand({ Bucket: this.ctx.bucket, Key: this.key }));
      return head.ContentLength ?? 0;
    } catch (err) {
      if (isMissingObject(err)) return undefined;
      throw err;
    }
  }

  private async removeKeys(keys: string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += 1000) {
      const batch = keys.slice(at, at + 1000);
      await this.ctx.client.send(
        new DeleteObjectsCommand({
          Bucket: this.ctx.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  private assertOpen(): void {
    if (this.#closed) throw new Error('blob writer is closed');
  }
}
