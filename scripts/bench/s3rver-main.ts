/**
 * The benchmark's S3 store (BENCH_STORAGE=s3), run as a child process of the benchmark: s3rver 3.7.1 (the S3 server
 * in Node the tests use) with the S3 calls it lacks added by the tests' `s3rver-extensions.ts`, on a random port,
 * with the buckets named in argv, and ListParts added here (distribution needs it). Prints `{"port":N}` on stdout once it listens. A process of its own, so its CPU
 * neither counts as the registry's nor slows the benchmark's clients in their event loop.
 * Usage: node s3rver-main.js <directory> <bucket>...
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { extendS3rver, type S3rverApp } from '../../packages/server/test/helpers/s3rver-extensions.js';

const S3rver = createRequire(import.meta.url)('s3rver') as new (options: Record<string, unknown>) => S3rverApp;

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * ListParts (`GET /bucket/key?uploadId=…`), which neither s3rver 3.7.1 nor the tests' extensions answer (405) and
 * distribution's S3 driver calls to resume an upload (every PUT or PATCH after the POST). Wharf does not use it.
 * The parts are s3rver's files `<uploads>/<uploadId>/<partNumber>`.
 */
function addListParts(app: S3rverApp): void {
  app.middleware.splice(app.middleware.length - 1, 0, async (ctx, next) => {
    const uploadId = ctx.query['uploadId'];
    if (ctx.method !== 'GET' || typeof uploadId !== 'string' || ctx.query['partNumber'] !== undefined) return next();
    const [bucket = '', ...rest] = ctx.path.replace(/^\//, '').split('/');
    const dir = join(app.store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const key = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
    if (key === undefined) return next();
    const numbers = (await readdir(dir)).filter((f) => /^\d+$/.test(f)).map(Number);
    const parts = [];
    for (const n of numbers.sort((a, b) => a - b)) {
      const file = join(dir, String(n));
      const info = await stat(file);
      parts.push({
        PartNumber: n,
        LastModified: info.mtime.toISOString(),
        ETag: JSON.stringify(await md5Of(file)),
        Size: info.size,
      });
    }
    ctx.body = {
      ListPartsResult: {
        Bucket: bucket,
        Key: decodeURIComponent(rest.join('/')),
        UploadId: uploadId,
        IsTruncated: false,
        Part: parts,
      },
    };
  });
}

async function main(): Promise<void> {
  const [directory, ...buckets] = process.argv.slice(2);
  if (directory === undefined || buckets.length === 0) throw new Error('usage: s3rver-main <directory> <bucket>...');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  extendS3rver(server);
  addListParts(server);
  const { port } = await server.run();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  const stop = (): void => {
    server.httpServer?.closeAllConnections();
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`s3rver: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
