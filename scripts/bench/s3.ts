/** BENCH_STORAGE=s3: one s3rver process for both registries (a bucket each), and each registry's S3 settings. */
import { mkdirSync } from 'node:fs';
import { startPortChild } from './port-child.js';

/** s3rver's fixed credentials (it checks the signatures made with them). */
export const S3RVER_KEY = 'S3RVER';
export const S3_REGION = 'us-east-1';

export interface BenchS3 {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts s3rver with the given buckets below `directory`; resolves once it listens. */
export async function startS3(directory: string, buckets: readonly string[], logFile: string): Promise<BenchS3> {
  mkdirSync(directory, { recursive: true });
  const child = await startPortChild('s3rver-main.js', [directory, ...buckets], logFile);
  return { endpoint: child.url, pid: child.pid, stop: () => child.stop() };
}

/** Wharf's `storage.*` for a bucket of the bench's s3rver, as environment. */
export function wharfS3Env(s3: BenchS3, bucket: string): Record<string, string> {
  return {
    WHARF_STORAGE_DRIVER: 's3',
    WHARF_STORAGE_S3_ENDPOINT: s3.endpoint,
    WHARF_STORAGE_S3_REGION: S3_REGION,
    WHARF_STORAGE_S3_BUCKET: bucket,
    WHARF_STORAGE_S3_FORCEPATHSTYLE: 'true',
    WHARF_STORAGE_S3_ACCESSKEY: S3RVER_KEY,
    WHARF_STORAGE_S3_SECRETKEY: S3RVER_KEY,
  };
}

/**
 * distribution's `storage:` block for its `s3` driver (YAML lines). distribution 2.8 has no `forcepathstyle` key
 * (it refuses to start with an unknown parameter); it uses path-style URLs whenever `regionendpoint` is set.
 * Redirects are off: by default distribution answers a blob GET with 307 to a presigned URL of the store, and the
 * bench compares registries serving the bytes themselves (as Wharf does).
 */
export function distributionS3Yaml(s3: BenchS3, bucket: string): string[] {
  return [
    '  s3:',
    `    regionendpoint: ${s3.endpoint}`,
    `    region: ${S3_REGION}`,
    `    bucket: ${bucket}`,
    `    accesskey: ${S3RVER_KEY}`,
    `    secretkey: ${S3RVER_KEY}`,
    '    secure: false',
    '    v4auth: true',
    '  redirect:',
    '    disable: true',
  ];
}
