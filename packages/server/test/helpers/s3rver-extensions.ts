// The S3 calls s3rver 3.7.1 lacks, added in front of its router so that Wharf's S3 adapter meets what real S3,
// MinIO and Ceph offer: AbortMultipartUpload, ListMultipartUploads and UploadPartCopy; and S3's answers to a part or
// a completion for an upload that is gone (NoSuchUpload), where s3rver would recreate or fail. Also fixes its
// ranged reads ending at byte 0 (`bytes=0-0` returned the whole object).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}

interface S3rverStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null>;
  putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<{ md5: string }>;
  putObject(object: { bucket: string; key: string }): Promise<unknown>;
  listObjects(bucket: string, options: ListOptions): Promise<Listing>;
}

interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}

interface Listing {
  objects: Array<{ key: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
}

interface StoredObject {
  content: Readable | null;
  range?: { start: number; end: number };
}

export interface S3rverApp {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void>>;
  store: S3rverStore;
  httpServer?: Server;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** s3rver's own error, which its error handler answers as S3 does (status, XML body). */
const S3Error = createRequire(import.meta.url)('s3rver/lib/models/error') as new (
  code: string,
  message: string,
) => Error;

export function extendS3rver(app: S3rverApp): void {
  const store = app.store;
  serializeByKey(store);
  // s3rver stops descending at the first delimiter, so a prefix holding only deeper keys is not reported: list
  // without the delimiter and group.
  const listObjects = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const delimiter = options.delimiter ?? '';
    if (delimiter === '') return listObjects(bucket, options);
    const prefix = options.prefix ?? '';
    const all = await listObjects(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const commonPrefixes = new Set<string>();
    const objects = all.objects.filter((object) => {
      const at = object.key.indexOf(delimiter, prefix.length);
      if (at >= 0) commonPrefixes.add(object.key.slice(0, at + delimiter.length));
      return at < 0;
    });
    return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated: false };
  };
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return getObject(bucket, key, options);
    const object = await getObject(bucket, key, { start: 0, end: 1 });
    if (object?.content) {
      object.content.destroy();
      object.content = createReadStream(store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 });
      object.range = { start: 0, end: 0 };
    }
    return object;
  };
  const uploadsDir = (bucket: string) => store.getResourcePath(bucket, undefined, 'uploads');
  const uploadDir = async (bucket: string, id: string): Promise<string> => {
    const dir = join(uploadsDir(bucket), id);
    try {
      await access(join(dir, 'key'));
      return dir;
    } catch {
      throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
    }
  };
  // Before the router (the last middleware): s3rver answers NotImplemented for these.
  app.middleware.splice(app.middleware.length - 1, 0, async (ctx, next) => {
    const [bucket = '', ...rest] = ctx.path.replace(/^\//, '').split('/');
    const key = decodeURIComponent(rest.join('/'));
    const uploadId = typeof ctx.query.uploadId === 'string' ? ctx.query.uploadId : undefined;
    if (ctx.method === 'GET' && key === '' && ctx.query.uploads !== undefined) {
      const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
      const uploads: Array<{ Key: string; UploadId: string }> = [];
      const ids = await readdir(uploadsDir(bucket)).catch(() => [] as string[]);
      for (const id of ids.sort()) {
        const uploadKey = await readFile(join(uploadsDir(bucket), id, 'key'), 'utf8').catch(() => undefined);
        if (uploadKey?.startsWith(prefix)) uploads.push({ Key: uploadKey, UploadId: id });
      }
      ctx.body = {
        ListMultipartUploadsResult: { Bucket: bucket, Prefix: prefix, IsTruncated: false, Upload: uploads },
      };
      return;
    }
    if (uploadId !== undefined && key !== '') {
      if (ctx.method === 'DELETE') {
        await rm(await uploadDir(bucket, uploadId), { recursive: true, force: true });
        ctx.status = 204;
        return;
      }
      if (ctx.method === 'PUT' && ctx.headers['x-amz-copy-source'] !== undefined) {
        const dir = await uploadDir(bucket, uploadId);
        const partNumber = Number(ctx.query.partNumber);
        const source = decodeURIComponent(String(ctx.headers['x-amz-copy-source'])).replace(/^\//, '');
        const [sourceBucket = '', ...sourceKey] = source.split('/');
        const range = /^bytes=(\d+)-(\d+)$/.exec(String(ctx.headers['x-amz-copy-source-range'] ?? ''));
        const object = await store.getObject(
          sourceBucket,
          sourceKey.join('/'),
          range ? { start: Number(range[1]), end: Number(range[2]) } : undefined,
        );
        if (!object?.content) throw new S3Error('NoSuchKey', 'The specified key does not exist.');
        const { md5 } = await store.putPart(bucket, uploadId, partNumber, object.content);
        await writeFile(join(dir, `${partNumber}.md5`), md5);
        ctx.body = { CopyPartResult: { ETag: JSON.stringify(md5), LastModified: new Date().toISOString() } };
        return;
      }
      if (ctx.method === 'PUT' || ctx.method === 'POST') await uploadDir(bucket, uploadId);
    }
    await next();
  });
}

/**
 * s3rver writes an object's file in place, so a reader can see part of a new version: S3 replaces objects
 * atomically. One key's reads (until their stream ends) and writes take turns here.
 */
function serializeByKey(store: S3rverStore): void {
  const turns = new Map<string, Promise<void>>();
  const acquire = async (bucket: string, key: string): Promise<() => void> => {
    const id = `${bucket}/${key}`;
    const before = turns.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const chained = before.then(() => mine);
    turns.set(id, chained);
    await before;
    return () => {
      release();
      if (turns.get(id) === chained) turns.delete(id);
    };
  };
  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    const release = await acquire(bucket, key);
    try {
      const object = await getObject(bucket, key, options);
      if (object?.content) object.content.once('close', release);
      else release();
      return object;
    } catch (err) {
      release();
      throw err;
    }
  };
  const putObject = store.putObject.bind(store);
  store.putObject = async (object) => {
    const release = await acquire(object.bucket, object.key);
    try {
      return await putObject(object);
    } finally {
      release();
    }
  };
}

/** The MD5 ETag s3rver gives a part, for tests comparing. */
export function md5Hex(content: Uint8Array): string {
  return createHash('md5').update(content).digest('hex');
}
