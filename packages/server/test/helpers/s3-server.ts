// A real S3 implementation for tests: s3rver (an S3 server in Node, storing objects as files), started in-process
// on a random port with a temporary directory, completed with the multipart calls it lacks (s3rver-extensions.ts).
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3StoreOptions } from '../../src/adapters/blob/index.js';
import { extendS3rver, type S3rverApp } from './s3rver-extensions.js';

/** s3rver's fixed credentials (it checks signatures made with them). */
export const S3RVER_ACCESS_KEY = 'S3RVER';
export const S3RVER_SECRET_KEY = 'S3RVER';

const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverApp;

export interface RunningS3 {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Directory where s3rver keeps the buckets' files. */
  readonly directory: string;
  /** A client with s3rver's credentials. */
  readonly client: S3Client;
  /** Creates a bucket with a fresh name and returns it. */
  createBucket(prefix?: string): Promise<string>;
  /** `storage.s3` options for a bucket of this server. */
  options(bucket: string, overrides?: Partial<S3StoreOptions>): S3StoreOptions;
  stop(): Promise<void>;
  /** Lets the process exit while the server still runs (a server shared by a whole test file). */
  unref(): void;
}

export async function startS3Server(): Promise<RunningS3> {
  const directory = await mkdtemp(join(tmpdir(), 'wharf-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
  extendS3rver(server);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY, secretAccessKey: S3RVER_SECRET_KEY },
  });
  return {
    endpoint,
    directory,
    client,
    async createBucket(prefix = 'wharf') {
      const bucket = `${prefix}-${randomUUID().slice(0, 8)}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return bucket;
    },
    options(bucket, overrides = {}) {
      return {
        endpoint,
        region: 'us-east-1',
        bucket,
        forcePathStyle: true,
        accessKey: S3RVER_ACCESS_KEY,
        secretKey: S3RVER_SECRET_KEY,
        rootDirectory: '',
        storageClass: 'STANDARD',
        chunkSize: 5 * 1024 * 1024,
        skipVerify: false,
        ...overrides,
      };
    },
    unref() {
      server.httpServer?.unref();
    },
    async stop() {
      client.destroy();
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
