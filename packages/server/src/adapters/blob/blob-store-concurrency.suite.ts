import { describe, expect, it } from 'vitest';
import { randomContent, readAll } from './blob-store-fixture.suite.js';
import type { SuiteContext } from './blob-store-fixture.suite.js';

const MiB = 1024 * 1024;

/** A buffer of `size` bytes, all `value`: any mix of two versions shows as a second byte value. */
function uniform(value: number, size: number): Buffer {
  return Buffer.alloc(size, value);
}

function assertOneVersion(content: Buffer, size: number, versions: number[]): void {
  expect(content.length).toBe(size);
  const first = content[0] ?? -1;
  expect(versions).toContain(first);
  expect(content.every((byte) => byte === first)).toBe(true);
}

/** Concurrent use of one path. */
export function describeConcurrency(ctx: SuiteContext): void {
  describe('concurrency', () => {
    it('leaves one complete value when putContent races on a path', async () => {
      const versions = [1, 2, 3, 4, 5, 6, 7, 8];
      const path = ctx.path('race/data');
      await Promise.all(versions.map((v) => ctx.store.putContent(path, uniform(v, MiB))));
      assertOneVersion(await ctx.store.getContent(path), MiB, versions);
      expect(await ctx.store.list(ctx.path('race'))).toEqual([path]);
    });

    it('never shows a reader part of a putContent', async () => {
      const path = ctx.path('swap');
      await ctx.store.putContent(path, uniform(0, 2 * MiB));
      const versions = [0, 1, 2, 3, 4, 5];
      let writing = true;
      const writes = (async () => {
        for (const v of versions.slice(1)) await ctx.store.putContent(path, uniform(v, 2 * MiB));
        writing = false;
      })();
      const seen: Buffer[] = [];
      while (writing) seen.push(await ctx.store.getContent(path));
      await writes;
      expect(seen.length).toBeGreaterThan(0);
      for (const read of seen) assertOneVersion(read, 2 * MiB, versions);
      assertOneVersion(await ctx.store.getContent(path), 2 * MiB, [5]);
    });

    it('serves concurrent readers of one object independently', async () => {
      const content = randomContent(2 * MiB + 3);
      await ctx.store.putContent(ctx.path('shared'), content);
      const ranges = Array.from({ length: 12 }, (_, i) => ({ offset: i * 150_000, length: 400_000 + i }));
      const results = await Promise.all(
        ranges.map(async (range) => readAll(await ctx.store.reader(ctx.path('shared'), range))),
      );
      results.forEach((result, i) => {
        const { offset, length } = ranges[i] ?? { offset: 0, length: 0 };
        expect(result.equals(content.subarray(offset, offset + length))).toBe(true);
      });
    });
  });
}
