// Which blob storage the registry tests run on: `WHARF_TEST_STORAGE=s3` selects the S3 driver, on one s3rver per
// test process (test/helpers/s3-server.ts) with a fresh bucket per registry; otherwise the filesystem driver.
import { join } from 'node:path';
import { createBlobStore, type BlobStoreOptions } from '../../src/adapters/blob/index.js';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { startS3Server, type RunningS3 } from './s3-server.js';

export const TEST_STORAGE = process.env.WHARF_TEST_STORAGE === 's3' ? 's3' : 'filesystem';

let shared: Promise<RunningS3> | undefined;

/** The s3rver of this test process, started on first use; it does not keep the process alive. */
export function sharedS3Server(): Promise<RunningS3> {
  shared ??= startS3Server().then((s3) => {
    s3.unref();
    return s3;
  });
  return shared;
}

/**
 * The storage a registry on `dataDir` runs on: its environment (`WHARF_STORAGE_*`) and the options that open the
 * same storage from the test. Filesystem: `<dataDir>/storage`; S3: a fresh bucket of the shared s3rver.
 */
export async function testStorage(
  dataDir: string,
): Promise<{ env: Record<string, string>; options: BlobStoreOptions }> {
  if (TEST_STORAGE === 'filesystem') {
    return { env: {}, options: { driver: 'filesystem', rootDirectory: join(dataDir, 'storage') } };
  }
  const s3 = await sharedS3Server();
  const options = s3.options(await s3.createBucket('registry'));
  return {
    env: {
      WHARF_STORAGE_DRIVER: 's3',
      WHARF_STORAGE_S3_ENDPOINT: options.endpoint!,
      WHARF_STORAGE_S3_REGION: options.region,
      WHARF_STORAGE_S3_BUCKET: options.bucket,
      WHARF_STORAGE_S3_FORCEPATHSTYLE: 'true',
      WHARF_STORAGE_S3_ACCESSKEY: options.accessKey!,
      WHARF_STORAGE_S3_SECRETKEY: options.secretKey!,
      WHARF_STORAGE_S3_CHUNKSIZE: String(options.chunkSize),
    },
    options: { driver: 's3', ...options },
  };
}

/** Opens the storage a registry runs on, to check from the test what it holds. */
export function openTestStorage(options: BlobStoreOptions): BlobStore {
  return createBlobStore(options);
}
