import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
  type StorageClass,
  type _Object,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InvalidOffsetError, PathNotFoundError, StorageDriverError, WriterStateError } from '../../ports/blob-store.js';
import type { BlobStore, BlobWriter, FileInfo, ObjectDeleteFailure, WriterState } from '../../ports/blob-store.js';
import { bufferReadable } from './buffer-readable.js';
import {
  comparePaths,
  createS3Client,
  DELETE_BATCH,
  isHidden,
  isInvalidRange,
  isMissingObject,
  KeyMapper,
  MAX_PART_SIZE,
  type S3StoreOptions,
} from './s3-client.js';
import { S3BlobWriter, type S3Context } from './s3-blob-writer.js';
import { backendOf } from './s3-writer-state.js';

/** Part size of a multipart copy (objects above 5 GiB, which CopyObject refuses). */
const COPY_PART_SIZE = 1024 * 1024 * 1024;

/**
 * Stores each object under `<rootDirectory>/<path>` in one bucket of S3 or an S3-compatible store, with the AWS SDK
 * v3. Directories are key prefixes, as in distribution's s3-aws driver: a path is a directory while some object lies
 * below it. Writers are multipart uploads (s3-blob-writer.ts); moves copy then delete.
 */
export class S3BlobStore implements BlobStore {
  readonly name = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly keys: KeyMapper;
  private readonly ctx: S3Context;

  constructor(
    private readonly opts: S3StoreOptions,
    client?: S3Client,
  ) {
    this.client = client ?? createS3Client(opts);
    this.bucket = opts.bucket;
    this.keys = new KeyMapper(opts.rootDirectory);
    this.ctx = {
      client: this.client,
      bucket: this.bucket,
      keys: this.keys,
      storageClass: opts.storageClass,
      chunkSize: opts.chunkSize,
    };
  }

  async getContent(path: string): Promise<Buffer> {
    try {
      const got = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.key(path) }));
      return Buffer.from(await got.Body!.transformToByteArray());
    } catch (err) {
      throw this.translate(err, path);
    }
  }

  /** One PutObject (atomic in S3), after checking that no object is an ancestor and no directory is there. */
  async putContent(path: string, content: Uint8Array): Promise<void> {
    await this.assertPlaceable(path);
    await this.put(path, Buffer.from(content));
  }

  async reader(path: string, opts: { offset?: number; length?: number } = {}): Promise<Readable> {
    const offset = opts.offset ?? 0;
    if (opts.length === 0) {
      const size = (await this.stat(path)).size;
      if (offset > size) throw new InvalidOffsetError(this.name, path, offset);
      return bufferReadable(Buffer.alloc(0));
    }
    const range =
      offset === 0 && opts.length === undefined
        ? undefined
        : `bytes=${offset}-${opts.length === undefined ? '' : offset + opts.length - 1}`;
    try {
      const got = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.key(path), Range: range }),
      );
      return got.Body as Readable;
    } catch (err) {
      if (!isInvalidRange(err)) throw this.translate(err, path);
    }
    // The range starts at or past the end: nothing at the end, an error past it.
    const size = (await this.head(path))?.size;
    if (size === undefined) throw new PathNotFoundError(this.name, path);
    if (offset > size) throw new InvalidOffsetError(this.name, path, offset);
    return bufferReadable(Buffer.alloc(0));
  }

  /** Creates (or truncates) the object at once, empty, unless appending to one that exists. */
  async writer(path: string, opts: { append: boolean }): Promise<BlobWriter> {
    const existing = opts.append ? await this.head(path) : undefined;
    if (existing) return new S3BlobWriter(this.ctx, path, existing.size, emptyBackend(existing.size), existing.size);
    await this.put(path, Buffer.alloc(0));
    return new S3BlobWriter(this.ctx, path, 0, emptyBackend(0), 0);
  }

  /**
   * Continues the saved state's upload when its tail segments are still there; otherwise (the writer completed since,
   * which removes them) the first `state.size` bytes of the object at the path.
   */
  async resumeWriter(state: WriterState): Promise<BlobWriter> {
    const backend = backendOf(state);
    const segmentPrefix = this.keys.segmentPrefix(state.path);
    if (backend.segments.some((s) => !s.key.startsWith(segmentPrefix) || s.key.includes('/', segmentPrefix.length))) {
      throw new WriterStateError(this.name, state.path, 'a segment is not one of its own');
    }
    if (backend.segments.length > 0 || backend.uploadId !== undefined) {
      const present = await Promise.all(backend.segments.map((s) => this.exists(s.key)));
      if (present.every(Boolean) && (backend.uploadId === undefined || (await this.uploadOpen(state, backend)))) {
        return new S3BlobWriter(this.ctx, state.path, state.size, backend, undefined);
      }
    }
    const object = await this.head(state.path);
    if (!object) throw new PathNotFoundError(this.name, state.path);
    if (object.size < state.size) {
      const reason = `it counts ${state.size} bytes, the object holds ${object.size}`;
      throw new WriterStateError(this.name, state.path, reason);
    }
    return new S3BlobWriter(this.ctx, state.path, state.size, emptyBackend(state.size), object.size);
  }

  async stat(path: string): Promise<FileInfo> {
    const object = await this.head(path);
    if (object) return { path, size: object.size, modTime: object.modTime, isDir: false };
    for await (const entry of this.listAll(this.keys.dir(path))) {
      if (isHidden(this.keys.path(entry.Key!).slice(path.length + 1))) continue;
      return { path, size: 0, modTime: entry.LastModified ?? new Date(0), isDir: true };
    }
    throw new PathNotFoundError(this.name, path);
  }

  /** Objects and common prefixes (directories) directly below `path`. */
  async list(path: string): Promise<string[]> {
    const prefix = this.keys.dir(path);
    const names = new Set<string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }),
      );
      for (const entry of page.Contents ?? []) names.add(entry.Key!.slice(prefix.length));
      for (const common of page.CommonPrefixes ?? []) names.add(common.Prefix!.slice(prefix.length, -1));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const visible = [...names].filter((name) => name !== '' && !name.startsWith('.'));
    if (visible.length === 0) throw new PathNotFoundError(this.name, path);
    return visible.map((name) => `${path}/${name}`).sort();
  }

  /** CopyObject (a multipart copy above 5 GiB), then DeleteObject of the source: both exist for a moment. */
  async move(from: string, to: string): Promise<void> {
    const source = await this.head(from);
    if (!source) throw new PathNotFoundError(this.name, from);
    if (from === to) return;
    const copySource = `${this.bucket}/${encodeKey(this.keys.key(from))}`;
    const target = { Bucket: this.bucket, Key: this.keys.key(to) };
    if (source.size <= MAX_PART_SIZE) {
      await this.client.send(
        new CopyObjectCommand({
          ...target,
          CopySource: copySource,
          StorageClass: this.opts.storageClass as StorageClass,
        }),
      );
    } else {
      await this.multipartCopy(copySource, source.size, target);
    }
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keys.key(from) }));
  }

  /** The object and every key below it (writers' segments included), and multipart uploads left there. */
  async delete(path: string): Promise<void> {
    const keys: string[] = [];
    if (await this.head(path)) keys.push(this.keys.key(path));
    for await (const entry of this.listAll(this.keys.dir(path))) keys.push(entry.Key!);
    await this.abortUploads(this.keys.dir(path));
    if (keys.length === 0) throw new PathNotFoundError(this.name, path);
    const failures = await this.deleteKeys(keys, 4);
    if (failures.length > 0) throw failures[0]!.error;
  }

  /** DeleteObjects in batches of 1000 keys, up to `concurrency` batches at once. */
  async deleteObjects(paths: readonly string[], concurrency: number): Promise<ObjectDeleteFailure[]> {
    const failures = await this.deleteKeys(
      paths.map((path) => this.keys.key(path)),
      concurrency,
    );
    return failures.map(({ key, error }) => ({ path: this.keys.path(key), error }));
  }

  /** One listing without delimiter (1000 keys a request), ordered as a depth-first walk. */
  async *walk(path: string): AsyncIterable<FileInfo> {
    const files: FileInfo[] = [];
    for await (const entry of this.listAll(this.keys.dir(path))) {
      const child = this.keys.path(entry.Key!);
      if (isHidden(child.slice(path.length + 1)) || child.endsWith('/')) continue;
      files.push({ path: child, size: entry.Size ?? 0, modTime: entry.LastModified ?? new Date(0), isDir: false });
    }
    files.sort((a, b) => comparePaths(a.path, b.path));
    yield* files;
  }

  /** A pre-signed GET URL of the object. */
  async redirectUrl(path: string, opts: { expiresInSeconds: number }): Promise<string | undefined> {
    return await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.key(path) }), {
      expiresIn: opts.expiresInSeconds,
    });
  }

  private async put(path: string, body: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.keys.key(path),
        Body: body,
        StorageClass: this.opts.storageClass as StorageClass,
      }),
    );
  }

  private async head(path: string): Promise<{ size: number; modTime: Date } | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keys.key(path) }));
      return { size: head.ContentLength ?? 0, modTime: head.LastModified ?? new Date(0) };
    } catch (err) {
      if (isMissingObject(err)) return undefined;
      throw err;
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isMissingObject(err)) return false;
      throw err;
    }
  }

  /** Whether the state's multipart upload is still in progress (not completed nor aborted by another writer). */
  private async uploadOpen(state: WriterState, backend: { uploadId?: string | undefined }): Promise<boolean> {
    const key = this.keys.key(state.path);
    const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: key }));
    return (page.Uploads ?? []).some((u) => u.Key === key && u.UploadId === backend.uploadId);
  }

  /** As a filesystem: no object below another object, and none where a directory is. */
  private async assertPlaceable(path: string): Promise<void> {
    const segments = path.split('/');
    const ancestors = segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'));
    const [objects, below] = await Promise.all([
      Promise.all(ancestors.map((ancestor) => this.head(ancestor))),
      this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.keys.dir(path), MaxKeys: 1 })),
    ]);
    const blocking = objects.findIndex(Boolean);
    if (blocking >= 0) throw this.failure('not a directory', ancestors[blocking]!);
    if ((below.KeyCount ?? 0) > 0) throw this.failure('is a directory', path);
  }

  private async *listAll(prefix: string): AsyncIterable<_Object> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async abortUploads(prefix: string): Promise<void> {
    const page = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix }));
    for (const upload of page.Uploads ?? []) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }))
        .catch(() => undefined);
    }
  }

  private async deleteKeys(
    keys: readonly string[],
    concurrency: number,
  ): Promise<Array<{ key: string; error: unknown }>> {
    const batches: string[][] = [];
    for (let at = 0; at < keys.length; at += DELETE_BATCH) batches.push(keys.slice(at, at + DELETE_BATCH));
    const failures: Array<{ key: string; error: unknown }> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        try {
          const result = await this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
          for (const error of result.Errors ?? []) {
            const failure = new Error(`s3: cannot delete ${error.Key}: ${error.Code} ${error.Message}`);
            failures.push({ key: error.Key ?? '', error: failure });
          }
        } catch (error) {
          for (const key of batch) failures.push({ key, error });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, concurrency), batches.length) }, worker));
    return failures;
  }

  private async multipartCopy(copySource: string, size: number, target: { Bucket: string; Key: string }) {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ ...target, StorageClass: this.opts.storageClass as StorageClass }),
    );
    const uploadId = created.UploadId!;
    try {
      const parts: Array<{ PartNumber: number; ETag: string }> = [];
      for (let n = 1, start = 0; start < size; n++, start += COPY_PART_SIZE) {
        const end = Math.min(size, start + COPY_PART_SIZE);
        const copied = await this.client.send(
          new UploadPartCopyCommand({
            ...target,
            UploadId: uploadId,
            PartNumber: n,
            CopySource: copySource,
            CopySourceRange: `bytes=${start}-${end - 1}`,
          }),
        );
        parts.push({ PartNumber: n, ETag: copied.CopyPartResult?.ETag ?? '' });
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({ ...target, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId })).catch(() => undefined);
      throw err;
    }
  }

  private translate(err: unknown, path: string): unknown {
    return isMissingObject(err) ? new PathNotFoundError(this.name, path) : err;
  }

  private failure(reason: string, path: string): StorageDriverError {
    return new StorageDriverError(`${this.name}: ${reason}: ${path}`, this.name, path);
  }
}

function emptyBackend(base: number) {
  return { parts: [], base, segments: [] };
}

/** A key as x-amz-copy-source wants it: URL-encoded, slashes kept. */
export function encodeKey(key: string): string {
  return encodeURIComponent(key).replaceAll('%2F', '/');
}
