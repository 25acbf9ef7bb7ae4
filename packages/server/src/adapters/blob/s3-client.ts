import { Agent as HttpsAgent } from 'node:https';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';

/** S3 refuses parts below 5 MiB, except the last part of an upload. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
/** The largest part (and the largest source range of one UploadPartCopy): 5 GiB. */
export const MAX_PART_SIZE = 5 * 1024 * 1024 * 1024;
/** DeleteObjects takes at most 1000 keys per request. */
export const DELETE_BATCH = 1000;

/** `storage.s3` of the configuration. */
export interface S3StoreOptions {
  /** Endpoint URL of an S3-compatible store; unset for AWS. */
  readonly endpoint?: string | undefined;
  readonly region: string;
  readonly bucket: string;
  readonly forcePathStyle: boolean;
  /** Both or neither: without them the AWS SDK's default credential chain applies (environment, profile, …). */
  readonly accessKey?: string | undefined;
  readonly secretKey?: string | undefined;
  /** Key prefix of every object ('' for the bucket's root). */
  readonly rootDirectory: string;
  readonly storageClass: string;
  /** Part size of multipart uploads: what a writer buffers at most. At least MIN_PART_SIZE. */
  readonly chunkSize: number;
  /** Accept any TLS certificate of the endpoint (self-signed test stores). */
  readonly skipVerify: boolean;
}

export function createS3Client(opts: S3StoreOptions): S3Client {
  const credentials =
    opts.accessKey !== undefined && opts.secretKey !== undefined
      ? { accessKeyId: opts.accessKey, secretAccessKey: opts.secretKey }
      : undefined;
  return new S3Client({
    region: opts.region,
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    forcePathStyle: opts.forcePathStyle,
    ...(credentials ? { credentials } : {}),
    // Checksums only where the API requires them: S3-compatible stores (Ceph, MinIO, s3rver) do not all accept the
    // SDK's default trailing checksums, and the registry verifies every blob's digest itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: !opts.skipVerify }),
    },
  });
}

function statusOf(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
}

function nameOf(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

/** A missing object (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isMissingObject(err: unknown): boolean {
  const name = nameOf(err);
  return name === 'NoSuchKey' || name === 'NotFound' || (statusOf(err) === 404 && name !== 'NoSuchUpload');
}

/** A multipart upload that was completed or aborted meanwhile. */
export function isMissingUpload(err: unknown): boolean {
  return nameOf(err) === 'NoSuchUpload';
}

/** A range starting at or past the end of the object. */
export function isInvalidRange(err: unknown): boolean {
  return nameOf(err) === 'InvalidRange' || statusOf(err) === 416;
}

/** Maps storage paths to keys below the configured prefix, and back. */
export class KeyMapper {
  private readonly prefix: string;

  constructor(rootDirectory: string) {
    const trimmed = rootDirectory.replace(/^\/+|\/+$/g, '');
    this.prefix = trimmed === '' ? '' : `${trimmed}/`;
  }

  key(path: string): string {
    return `${this.prefix}${path}`;
  }

  /** The prefix of everything below the directory `path`. */
  dir(path: string): string {
    return `${this.prefix}${path}/`;
  }

  path(key: string): string {
    return key.slice(this.prefix.length);
  }

  /**
   * The key of a writer's hidden tail segment beside `path`: its last segment starts with a dot, which no storage
   * path can (STORAGE_PATH), so list and walk skip it and no object can collide with it.
   */
  segment(path: string, writer: string, offset: number): string {
    return `${this.segmentPrefix(path)}${writer}-${offset}`;
  }

  /** What every segment key of `path` starts with (a saved state naming another key is refused). */
  segmentPrefix(path: string): string {
    const at = path.lastIndexOf('/');
    const dir = at < 0 ? '' : path.slice(0, at + 1);
    return `${this.prefix}${dir}.${path.slice(at + 1)}.tail-`;
  }
}

/** Whether a path relative to a listed directory holds a hidden segment (a writer's tail). */
export function isHidden(relative: string): boolean {
  return relative.startsWith('.') || relative.includes('/.');
}

/** Orders paths as a depth-first walk visits them: segment by segment ('a/b' before 'a-b'). */
export function comparePaths(a: string, b: string): number {
  const x = a.replaceAll('/', '\u0000');
  const y = b.replaceAll('/', '\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}
