import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BaseBlobStore } from '../../src/adapters/blob/base-blob-store.js';
import { createS3Client } from '../../src/adapters/blob/s3-client.js';
import { S3BlobStore } from '../../src/adapters/blob/s3-blob-store.js';
import type { S3BlobWriter } from '../../src/adapters/blob/s3-blob-writer.js';
import type { BlobStore, WriterState } from '../../src/ports/blob-store.js';
import { startS3Server, type RunningS3 } from '../helpers/s3-server.js';

const MiB = 1024 * 1024;
const CHUNK = 5 * MiB;

interface Call {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** A store on `bucket` whose client records every S3 call (another "node" when opened again). */
function openStore(s3: RunningS3, bucket: string): { store: BlobStore; calls: Call[]; client: S3Client } {
  const opts = s3.options(bucket, { chunkSize: CHUNK });
  const client = createS3Client(opts);
  const calls: Call[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push({ command: context.commandName ?? '', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize' },
  );
  return { store: new BaseBlobStore(new S3BlobStore(opts, client)), calls, client };
}

function persisted(state: WriterState): WriterState {
  return JSON.parse(JSON.stringify(state)) as WriterState;
}

function named(calls: Call[], command: string): Call[] {
  return calls.filter((call) => call.command === command);
}

let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});

describe('S3BlobStore multipart uploads (s3rver)', () => {
  let bucket = '';
  beforeEach(async () => {
    bucket = await s3.createBucket();
  });

  async function openUploads(): Promise<number> {
    const page = await s3.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    return page.Uploads?.length ?? 0;
  }

  async function keys(): Promise<string[]> {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (page.Contents ?? []).map((c) => c.Key!);
  }

  it('resumes after a closed upload whose last part is below 5 MiB: re-reads only that, byte-exact', async () => {
    const node1 = openStore(s3, bucket);
    const head = randomBytes(3 * MiB + 17);
    const first = await node1.store.writer('uploads/u/data', { append: false });
    await first.write(head);
    await first.close();
    const state = persisted(first.state());
    expect(state).toMatchObject({ size: head.length, backend: { base: head.length, parts: [], segments: [] } });

    const node2 = openStore(s3, bucket);
    const resumed = (await node2.store.resumeWriter(state)) as S3BlobWriter;
    const more = randomBytes(4 * MiB + 5);
    for (let at = 0; at < more.length; at += MiB) {
      await resumed.write(more.subarray(at, at + MiB));
      // Memory stays within one part: what a write leaves buffered is below the part size.
      expect(resumed.bufferedBytes).toBeLessThan(CHUNK);
    }
    await resumed.commit();
    // The 3 MiB tail was fetched back once (one ranged GET of exactly its bytes), then sent again with new data.
    const gets = named(node2.calls, 'GetObjectCommand');
    expect(gets.filter((g) => g.input.Key === 'uploads/u/data').map((g) => g.input.Range)).toEqual([
      `bytes=0-${head.length - 1}`,
    ]);
    const parts = named(node2.calls, 'UploadPartCommand');
    expect(parts.map((p) => (p.input.Body as Buffer).length)).toEqual([CHUNK, head.length + more.length - CHUNK]);
    expect((await node1.store.getContent('uploads/u/data')).equals(Buffer.concat([head, more]))).toBe(true);
    expect(await openUploads()).toBe(0);
    expect(await keys()).toEqual(['uploads/u/data']);
  });

  it('resumes a closed upload of 5 MiB or more by a server-side copy, reading none of it back', async () => {
    const node1 = openStore(s3, bucket);
    const head = randomBytes(CHUNK + MiB + 3);
    const first = await node1.store.writer('uploads/v/data', { append: false });
    await first.write(head);
    await first.close();
    const node2 = openStore(s3, bucket);
    const resumed = await node2.store.resumeWriter(persisted(first.state()));
    const tail = randomBytes(1000);
    await resumed.write(tail);
    await resumed.commit();
    expect(named(node2.calls, 'GetObjectCommand').filter((g) => g.input.Key === 'uploads/v/data')).toEqual([]);
    expect(named(node2.calls, 'UploadPartCopyCommand').map((c) => c.input.CopySourceRange)).toEqual([
      `bytes=0-${head.length - 1}`,
    ]);
    expect((await node2.store.getContent('uploads/v/data')).equals(Buffer.concat([head, tail]))).toBe(true);
    expect(await openUploads()).toBe(0);
  });

  it('continues on another node the multipart upload of a writer dropped mid-way (parts and a tail segment)', async () => {
    const node1 = openStore(s3, bucket);
    const writer = await node1.store.writer('uploads/w/data', { append: false });
    const bytes = randomBytes(2 * CHUNK + 123_456);
    await writer.write(bytes.subarray(0, CHUNK + 100_000));
    await writer.write(bytes.subarray(CHUNK + 100_000, 2 * CHUNK + 23_456));
    const state = persisted(writer.state());
    const backend = state.backend as { uploadId: string; parts: unknown[]; segments: Array<{ size: number }> };
    expect(backend.uploadId).toEqual(expect.any(String));
    expect(backend.parts).toHaveLength(2);
    expect(backend.segments.map((s) => s.size)).toEqual([23_456]);
    expect(await openUploads()).toBe(1);
    // Node 1 dies here. Node 2 continues the same upload: it reads back the tail segment only.
    const node2 = openStore(s3, bucket);
    const resumed = await node2.store.resumeWriter(state);
    await resumed.write(bytes.subarray(2 * CHUNK + 23_456));
    expect((resumed.state().backend as { uploadId: string }).uploadId).toBe(backend.uploadId);
    await resumed.commit();
    const read = named(node2.calls, 'GetObjectCommand').map((g) => g.input.Key as string);
    expect(read).toHaveLength(1);
    expect(read[0]).toMatch(/^uploads\/w\/\.data\.tail-/);
    expect((await node2.store.getContent('uploads/w/data')).equals(bytes)).toBe(true);
    expect(await openUploads()).toBe(0);
    expect(await keys()).toEqual(['uploads/w/data']);
  });

  it('refuses a saved state whose segments are not keys of its own upload', async () => {
    const { store } = openStore(s3, bucket);
    await store.putContent('blobs/sha256/ab/abcd/data', Buffer.from('someone else'));
    const writer = await store.writer('uploads/z/data', { append: false });
    await writer.write(Buffer.from('abc'));
    const state = persisted(writer.state());
    const forged = {
      ...state,
      backend: { parts: [], base: 0, segments: [{ key: 'blobs/sha256/ab/abcd/data', size: 3 }] },
    };
    await expect(store.resumeWriter(forged)).rejects.toThrow(/not one of its own/);
    await writer.cancel();
  });

  it('aborts the multipart upload on cancel and leaves no segment behind', async () => {
    const { store } = openStore(s3, bucket);
    const writer = await store.writer('uploads/x/data', { append: false });
    await writer.write(randomBytes(CHUNK + 10));
    expect(await openUploads()).toBe(1);
    await writer.cancel();
    expect(await openUploads()).toBe(0);
    expect(await keys()).toEqual([]);
  });

  it('deleting an upload directory aborts the multipart upload a dropped writer left', async () => {
    const { store } = openStore(s3, bucket);
    const writer = await store.writer('uploads/y/data', { append: false });
    await writer.write(randomBytes(CHUNK + 10));
    await store.delete('uploads/y');
    expect(await openUploads()).toBe(0);
    expect(await keys()).toEqual([]);
  });

  it('hands out a pre-signed URL that downloads the object without credentials (s3rver does not check its signature)', async () => {
    const { store } = openStore(s3, bucket);
    const content = randomBytes(MiB + 1);
    await store.putContent('blobs/sha256/ab/abcd/data', content);
    const url = await store.redirectUrl!('blobs/sha256/ab/abcd/data', { expiresInSeconds: 60 });
    expect(url).toContain('X-Amz-Signature=');
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });

  it('deletes in DeleteObjects batches of at most 1000 keys, for bulk deletion and for a tree', async () => {
    const { store, calls } = openStore(s3, bucket);
    const paths = Array.from({ length: 2300 }, (_, i) => `blobs/sha256/${(i % 7).toString()}/${i.toString()}/data`);
    for (let at = 0; at < paths.length; at += 50) {
      await Promise.all(
        paths.slice(at, at + 50).map((Key) => s3.client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))),
      );
    }
    const bulk = paths.slice(0, 2100);
    expect(await store.deleteObjects([...bulk, 'blobs/sha256/absent/data'], 2)).toEqual([]);
    const batches = named(calls, 'DeleteObjectsCommand').map(
      (c) => (c.input.Delete as { Objects: unknown[] }).Objects.length,
    );
    expect(batches.sort((a, b) => b - a)).toEqual([1000, 1000, 101]);
    const left = [];
    for await (const file of store.walk('blobs')) left.push(file.path);
    expect(left).toEqual(
      paths.slice(2100).sort((a, b) => (a.replaceAll('/', '\0') < b.replaceAll('/', '\0') ? -1 : 1)),
    );
    calls.length = 0;
    await store.delete('blobs');
    expect(named(calls, 'DeleteObjectsCommand')).toHaveLength(1);
    expect(await keys()).toEqual([]);
  }, 120_000);
});
