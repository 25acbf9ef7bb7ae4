import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { PathNotFoundError } from '../../ports/blob-store.js';
import { describeConcurrency } from './blob-store-concurrency.suite.js';
import { describeContent } from './blob-store-content.suite.js';
import { collect, failureOf, SuiteContext } from './blob-store-fixture.suite.js';
import type { BlobStoreFixture } from './blob-store-fixture.suite.js';
import { describeResume } from './blob-store-resume.suite.js';
import { describeStreams } from './blob-store-streams.suite.js';
import { describeTree } from './blob-store-tree.suite.js';
export type { BlobStoreFixture } from './blob-store-fixture.suite.js';

/**
 * The contract every BlobStore adapter passes, in the spirit of CNCF distribution's storage driver
 * testsuites. `make` returns a store (as createBlobStore hands it out) on fresh, empty storage. Each test
 * writes below its own unique prefix; afterwards the suite deletes that prefix and checks nothing is left,
 * so every test also exercises deleting whatever tree it built.
 */
export function describeBlobStore(label: string, make: () => Promise<BlobStoreFixture>): void {
  describe(label, () => {
    const ctx = new SuiteContext();
    let fixture: BlobStoreFixture | undefined;

    beforeEach(async () => {
      fixture = await make();
      ctx.store = fixture.store;
      ctx.fixture = fixture;
      ctx.prefix = `suite-${randomUUID()}`;
    });

    afterEach(async () => {
      const current = fixture;
      fixture = undefined;
      if (!current) return;
      try {
        await ctx.store.delete(ctx.prefix).catch((err: unknown) => {
          if (!(err instanceof PathNotFoundError)) throw err;
        });
        expect(await collect(ctx.store.walk(ctx.prefix))).toEqual([]);
        expect(await failureOf(ctx.store.stat(ctx.prefix))).toBeInstanceOf(PathNotFoundError);
        expect(await failureOf(ctx.store.list(ctx.prefix))).toBeInstanceOf(PathNotFoundError);
      } finally {
        await current.dispose();
      }
    });

    describeContent(ctx);
    describeStreams(ctx);
    describeResume(ctx);
    describeTree(ctx);
    describeConcurrency(ctx);
  });
}
