import { afterAll, beforeAll } from 'vitest';
import { describeBlobStore } from '../../src/adapters/blob/blob-store.suite.js';
import { createBlobStore } from '../../src/adapters/blob/index.js';
import { startS3Server, type RunningS3 } from '../helpers/s3-server.js';

let s3: RunningS3;
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3.stop();
});

describeBlobStore('S3BlobStore (s3rver)', async () => {
  const bucket = await s3.createBucket();
  const open = () => createBlobStore({ driver: 's3', ...s3.options(bucket, { rootDirectory: 'wharf/root' }) });
  return {
    store: open(),
    reopen: () => Promise.resolve(open()),
    move: 'copy-then-delete',
    redirects: true,
    dispose: () => Promise.resolve(),
  };
});
