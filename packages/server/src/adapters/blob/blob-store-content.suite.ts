import { describe, expect, it } from 'vitest';
import { InvalidPathError, PathNotFoundError } from '../../ports/blob-store.js';
import { collect, failureOf, randomContent, text } from './blob-store-fixture.suite.js';
import type { SuiteContext } from './blob-store-fixture.suite.js';

const INVALID_PATHS = [
  '',
  '/',
  '/leading-slash',
  'trailing-slash/',
  'double//slash',
  '.',
  '..',
  '../escape',
  'a/../b',
  'a/./b',
  'a/..',
  'with space',
  'tab\tname',
  'back\\slash',
  'ümlaut',
  'question?mark',
];

/** Path grammar, putContent/getContent and stat. */
export function describeContent(ctx: SuiteContext): void {
  describe('paths', () => {
    it.each(INVALID_PATHS)('rejects %j on every operation, naming the driver', async (bad) => {
      const { store } = ctx;
      const kept = ctx.path('kept');
      await store.putContent(kept, text('kept'));
      const attempts: Array<() => Promise<unknown>> = [
        () => store.getContent(bad),
        () => store.putContent(bad, text('x')),
        () => store.reader(bad),
        () => store.writer(bad, { append: false }),
        () => store.writer(bad, { append: true }),
        () => store.stat(bad),
        () => store.list(bad),
        () => store.move(bad, kept),
        () => store.move(kept, bad),
        () => store.delete(bad),
        () => collect(store.walk(bad)),
      ];
      for (const attempt of attempts) {
        const err = await failureOf(attempt());
        expect(err).toBeInstanceOf(InvalidPathError);
        expect(err).toMatchObject({ driver: store.name, path: bad });
      }
      expect(await store.getContent(kept)).toEqual(text('kept'));
    });

    it('accepts every character of the grammar, and dots that do not start a segment', async () => {
      const path = ctx.path('Az09._-/x...x/_..y/a.b-c_d.');
      await ctx.store.putContent(path, text('odd'));
      expect(await ctx.store.getContent(path)).toEqual(text('odd'));
      expect(await ctx.store.list(ctx.path('Az09._-'))).toEqual([ctx.path('Az09._-/x...x')]);
    });

    it('rejects segments that start with a dot (hidden and temporary names)', async () => {
      for (const bad of ['.tmp-x', 'a/.hidden', 'a/...x/b']) {
        await expect(ctx.store.putContent(ctx.path(bad), text('x'))).rejects.toBeInstanceOf(InvalidPathError);
      }
    });
  });

  describe('putContent and getContent', () => {
    it('round-trips every byte value', async () => {
      const content = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      await ctx.store.putContent(ctx.path('bytes'), content);
      expect(await ctx.store.getContent(ctx.path('bytes'))).toEqual(content);
    });

    it('round-trips empty content', async () => {
      await ctx.store.putContent(ctx.path('empty'), new Uint8Array(0));
      expect((await ctx.store.getContent(ctx.path('empty'))).length).toBe(0);
      expect((await ctx.store.stat(ctx.path('empty'))).size).toBe(0);
    });

    it('replaces existing content entirely, shorter content included', async () => {
      const path = ctx.path('overwrite');
      await ctx.store.putContent(path, text('a long first version'));
      await ctx.store.putContent(path, text('short'));
      expect(await ctx.store.getContent(path)).toEqual(text('short'));
      expect((await ctx.store.stat(path)).size).toBe(5);
    });

    it('does not keep a reference to the caller’s buffer', async () => {
      const content = text('original');
      await ctx.store.putContent(ctx.path('copy'), content);
      content.fill(0);
      expect(await ctx.store.getContent(ctx.path('copy'))).toEqual(text('original'));
    });

    it('throws PathNotFoundError for a missing object, naming the path', async () => {
      const err = await failureOf(ctx.store.getContent(ctx.path('missing')));
      expect(err).toBeInstanceOf(PathNotFoundError);
      expect(err).toMatchObject({ driver: ctx.store.name, path: ctx.path('missing') });
    });

    it('throws PathNotFoundError for a directory', async () => {
      await ctx.store.putContent(ctx.path('dir/file'), text('x'));
      expect(await failureOf(ctx.store.getContent(ctx.path('dir')))).toBeInstanceOf(PathNotFoundError);
    });

    it('round-trips 8 MiB', async () => {
      const content = randomContent(8 * 1024 * 1024);
      await ctx.store.putContent(ctx.path('large'), content);
      const back = await ctx.store.getContent(ctx.path('large'));
      expect(back.length).toBe(content.length);
      expect(back.equals(content)).toBe(true);
    });

    it('creates intermediate directories', async () => {
      await ctx.store.putContent(ctx.path('a/b/c/data'), text('deep'));
      for (const dir of ['a', 'a/b', 'a/b/c']) expect((await ctx.store.stat(ctx.path(dir))).isDir).toBe(true);
    });

    it('refuses to put an object below an object or over a directory', async () => {
      await ctx.store.putContent(ctx.path('file'), text('file'));
      await ctx.store.putContent(ctx.path('dir/child'), text('child'));
      expect(await failureOf(ctx.store.putContent(ctx.path('file/below'), text('x')))).toBeInstanceOf(Error);
      expect(await failureOf(ctx.store.putContent(ctx.path('dir'), text('x')))).toBeInstanceOf(Error);
      expect(await ctx.store.getContent(ctx.path('file'))).toEqual(text('file'));
      expect(await ctx.store.getContent(ctx.path('dir/child'))).toEqual(text('child'));
    });
  });

  describe('stat', () => {
    it('describes an object', async () => {
      const before = Date.now();
      await ctx.store.putContent(ctx.path('obj'), text('12345'));
      const info = await ctx.store.stat(ctx.path('obj'));
      expect(info).toMatchObject({ path: ctx.path('obj'), size: 5, isDir: false });
      expect(info.modTime).toBeInstanceOf(Date);
      expect(info.modTime.getTime()).toBeGreaterThanOrEqual(before - 2000);
      expect(info.modTime.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    });

    it('describes a directory', async () => {
      await ctx.store.putContent(ctx.path('dir/obj'), text('x'));
      expect(await ctx.store.stat(ctx.path('dir'))).toMatchObject({ path: ctx.path('dir'), isDir: true });
    });

    it('throws PathNotFoundError for a missing path, also below an object', async () => {
      await ctx.store.putContent(ctx.path('obj'), text('x'));
      expect(await failureOf(ctx.store.stat(ctx.path('missing')))).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.stat(ctx.path('obj/below')))).toBeInstanceOf(PathNotFoundError);
    });
  });
}
