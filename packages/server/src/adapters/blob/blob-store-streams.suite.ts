import { describe, expect, it } from 'vitest';
import { InvalidOffsetError, PathNotFoundError } from '../../ports/blob-store.js';
import { failureOf, randomContent, readAll, text } from './blob-store-fixture.suite.js';
import type { SuiteContext } from './blob-store-fixture.suite.js';

const MiB = 1024 * 1024;

/** reader and writer. */
export function describeStreams(ctx: SuiteContext): void {
  describe('reader', () => {
    it('streams the whole object by default', async () => {
      const content = randomContent(3 * MiB + 17);
      await ctx.store.putContent(ctx.path('obj'), content);
      expect((await readAll(await ctx.store.reader(ctx.path('obj')))).equals(content)).toBe(true);
    });

    it.each([
      [0, undefined],
      [1, undefined],
      [MiB - 1, 2],
      [MiB, MiB],
      [2 * MiB + 5, 100],
      [0, 1],
      [3 * MiB, undefined],
      [3 * MiB + 16, 1],
    ])('streams from offset %i, length %s', async (offset, length) => {
      const content = randomContent(3 * MiB + 17);
      await ctx.store.putContent(ctx.path('obj'), content);
      const expected = content.subarray(offset, length === undefined ? undefined : offset + length);
      const back = await readAll(await ctx.store.reader(ctx.path('obj'), { offset, length }));
      expect(back.length).toBe(expected.length);
      expect(back.equals(expected)).toBe(true);
    });

    it('clamps a length reaching past the end', async () => {
      await ctx.store.putContent(ctx.path('obj'), text('0123456789'));
      expect(await readAll(await ctx.store.reader(ctx.path('obj'), { offset: 7, length: 100 }))).toEqual(text('789'));
    });

    it('yields nothing for length 0 and for offset == size', async () => {
      await ctx.store.putContent(ctx.path('obj'), text('0123456789'));
      expect((await readAll(await ctx.store.reader(ctx.path('obj'), { offset: 3, length: 0 }))).length).toBe(0);
      expect((await readAll(await ctx.store.reader(ctx.path('obj'), { offset: 10 }))).length).toBe(0);
    });

    it('throws InvalidOffsetError past the end and for a negative offset', async () => {
      await ctx.store.putContent(ctx.path('obj'), text('0123456789'));
      const past = await failureOf(ctx.store.reader(ctx.path('obj'), { offset: 11 }));
      expect(past).toBeInstanceOf(InvalidOffsetError);
      expect(past).toMatchObject({ offset: 11, path: ctx.path('obj') });
      expect(await failureOf(ctx.store.reader(ctx.path('obj'), { offset: -1 }))).toBeInstanceOf(InvalidOffsetError);
    });

    it('throws PathNotFoundError for a missing object or a directory', async () => {
      await ctx.store.putContent(ctx.path('dir/obj'), text('x'));
      expect(await failureOf(ctx.store.reader(ctx.path('missing')))).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.reader(ctx.path('dir')))).toBeInstanceOf(PathNotFoundError);
    });
  });

  describe('writer', () => {
    it('writes chunks, counts them in size, and commits them for readers', async () => {
      const writer = await ctx.store.writer(ctx.path('up/data'), { append: false });
      expect(writer.size).toBe(0);
      await writer.write(text('hello '));
      expect(writer.size).toBe(6);
      await writer.write(text('world'));
      expect(writer.size).toBe(11);
      await writer.commit();
      expect(await ctx.store.getContent(ctx.path('up/data'))).toEqual(text('hello world'));
      expect((await ctx.store.stat(ctx.path('up/data'))).size).toBe(11);
    });

    it('resumes after close with append, starting from the stored size', async () => {
      const first = await ctx.store.writer(ctx.path('up/data'), { append: false });
      await first.write(text('first-'));
      await first.close();
      const second = await ctx.store.writer(ctx.path('up/data'), { append: true });
      expect(second.size).toBe(6);
      await second.write(text('second'));
      expect(second.size).toBe(12);
      await second.commit();
      expect(await ctx.store.getContent(ctx.path('up/data'))).toEqual(text('first-second'));
    });

    it('appends onto a zero-length object', async () => {
      await ctx.store.putContent(ctx.path('zero'), new Uint8Array(0));
      const writer = await ctx.store.writer(ctx.path('zero'), { append: true });
      expect(writer.size).toBe(0);
      await writer.write(text('abc'));
      await writer.close();
      expect(await ctx.store.getContent(ctx.path('zero'))).toEqual(text('abc'));
    });

    it('creates the object as soon as it is opened, empty, when appending to nothing', async () => {
      const writer = await ctx.store.writer(ctx.path('fresh/data'), { append: true });
      expect(writer.size).toBe(0);
      expect((await ctx.store.stat(ctx.path('fresh/data'))).size).toBe(0);
      await writer.close();
    });

    it('truncates an existing object without append', async () => {
      await ctx.store.putContent(ctx.path('obj'), text('old content'));
      const writer = await ctx.store.writer(ctx.path('obj'), { append: false });
      expect(writer.size).toBe(0);
      expect((await ctx.store.stat(ctx.path('obj'))).size).toBe(0);
      await writer.write(text('new'));
      await writer.commit();
      expect(await ctx.store.getContent(ctx.path('obj'))).toEqual(text('new'));
    });

    it('removes the object on cancel', async () => {
      await ctx.store.putContent(ctx.path('up/keep'), text('keep'));
      const writer = await ctx.store.writer(ctx.path('up/data'), { append: false });
      await writer.write(text('partial'));
      await writer.cancel();
      expect(await failureOf(ctx.store.stat(ctx.path('up/data')))).toBeInstanceOf(PathNotFoundError);
      expect(await ctx.store.list(ctx.path('up'))).toEqual([ctx.path('up/keep')]);
    });

    it('refuses writes and commits once committed or closed', async () => {
      const committed = await ctx.store.writer(ctx.path('a'), { append: false });
      await committed.commit();
      expect(await failureOf(committed.write(text('late')))).toBeInstanceOf(Error);
      const closed = await ctx.store.writer(ctx.path('b'), { append: false });
      await closed.close();
      expect(await failureOf(closed.write(text('late')))).toBeInstanceOf(Error);
      expect(await failureOf(closed.commit())).toBeInstanceOf(Error);
      expect((await ctx.store.stat(ctx.path('a'))).size + (await ctx.store.stat(ctx.path('b'))).size).toBe(0);
    });

    it('streams 64 MiB in 1 MiB chunks', async () => {
      const chunk = randomContent(MiB);
      const writer = await ctx.store.writer(ctx.path('big/data'), { append: false });
      for (let i = 0; i < 64; i++) {
        chunk[0] = i;
        await writer.write(chunk);
      }
      await writer.commit();
      expect(writer.size).toBe(64 * MiB);
      expect((await ctx.store.stat(ctx.path('big/data'))).size).toBe(64 * MiB);
      const tail = await readAll(await ctx.store.reader(ctx.path('big/data'), { offset: 63 * MiB, length: 2 }));
      expect([...tail]).toEqual([63, chunk[1]]);
    }, 120_000);
  });
}
