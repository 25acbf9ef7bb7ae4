import { describe, expect, it } from 'vitest';
import { PathNotFoundError } from '../../ports/blob-store.js';
import { collect, failureOf, text } from './blob-store-fixture.suite.js';
import type { SuiteContext } from './blob-store-fixture.suite.js';

/** list, move, delete and walk. */
export function describeTree(ctx: SuiteContext): void {
  async function put(...relatives: string[]): Promise<void> {
    for (const relative of relatives) await ctx.store.putContent(ctx.path(relative), text(relative));
  }

  describe('list', () => {
    it('returns direct children, objects and directories, as full sorted paths', async () => {
      await put('dir/b', 'dir/a-1', 'dir/a/deep/x', 'dir/C', 'dir/_', 'other');
      expect(await ctx.store.list(ctx.path('dir'))).toEqual(
        ['dir/C', 'dir/_', 'dir/a', 'dir/a-1', 'dir/b'].map((p) => ctx.path(p)),
      );
    });

    it('throws PathNotFoundError for a missing path and for an object', async () => {
      await put('obj');
      expect(await failureOf(ctx.store.list(ctx.path('missing')))).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.list(ctx.path('obj')))).toBeInstanceOf(PathNotFoundError);
    });
  });

  describe('move', () => {
    it('moves an object to a path whose parents do not exist yet', async () => {
      await put('uploads/u1/data', 'uploads/u2/data');
      await ctx.store.move(ctx.path('uploads/u1/data'), ctx.path('blobs/sha256/ab/abcd/data'));
      expect(await ctx.store.getContent(ctx.path('blobs/sha256/ab/abcd/data'))).toEqual(text('uploads/u1/data'));
      expect(await failureOf(ctx.store.stat(ctx.path('uploads/u1/data')))).toBeInstanceOf(PathNotFoundError);
      expect(await ctx.store.list(ctx.path('uploads'))).toEqual([ctx.path('uploads/u2')]);
    });

    it('replaces an existing destination', async () => {
      await put('from', 'to');
      await ctx.store.move(ctx.path('from'), ctx.path('to'));
      expect(await ctx.store.getContent(ctx.path('to'))).toEqual(text('from'));
      expect(await ctx.store.list(ctx.prefix)).toEqual([ctx.path('to')]);
    });

    it('throws PathNotFoundError for a missing source and leaves the destination alone', async () => {
      await put('to');
      const err = await failureOf(ctx.store.move(ctx.path('missing'), ctx.path('to')));
      expect(err).toBeInstanceOf(PathNotFoundError);
      expect(err).toMatchObject({ path: ctx.path('missing') });
      expect(await ctx.store.getContent(ctx.path('to'))).toEqual(text('to'));
      const fresh = await failureOf(ctx.store.move(ctx.path('missing'), ctx.path('new/dir/x')));
      expect(fresh).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.stat(ctx.path('new')))).toBeInstanceOf(PathNotFoundError);
    });
  });

  describe('move guarantees', () => {
    // Every adapter: a move interrupted between its copy and its delete (both objects present, the destination
    // complete) is completed by repeating it, which is what the registry core does when a publish is retried.
    it('a move repeated after a crash between copy and delete completes it', async () => {
      await put('uploads/u/data');
      await ctx.store.putContent(ctx.path('blobs/b/data'), text('uploads/u/data'));
      await ctx.store.move(ctx.path('uploads/u/data'), ctx.path('blobs/b/data'));
      expect(await ctx.store.getContent(ctx.path('blobs/b/data'))).toEqual(text('uploads/u/data'));
      expect(await failureOf(ctx.store.stat(ctx.path('uploads')))).toBeInstanceOf(PathNotFoundError);
    });

    it('states its guarantee: atomic (the source is gone the moment the destination appears), or copy-then-delete', async () => {
      await put('src');
      const moving = ctx.store.move(ctx.path('src'), ctx.path('dst'));
      const exists = (relative: string) =>
        ctx.store.stat(ctx.path(relative)).then(
          () => true,
          () => false,
        );
      // Looking at the source first, then the destination: a source already gone means a destination present.
      // Looking at the destination first: an atomic move's present destination means the source is gone.
      const neither: boolean[] = [];
      const both: boolean[] = [];
      let done = false;
      void moving.finally(() => (done = true));
      while (!done) {
        neither.push(!(await exists('src')) && !(await exists('dst')));
        both.push((await exists('dst')) && (await exists('src')));
      }
      await moving;
      expect(await ctx.store.getContent(ctx.path('dst'))).toEqual(text('src'));
      expect(neither.some(Boolean)).toBe(false);
      if (ctx.fixture.move === 'atomic') expect(both.some(Boolean)).toBe(false);
    });
  });

  describe('delete', () => {
    it('deletes an object and keeps its siblings', async () => {
      await put('dir/a', 'dir/b');
      await ctx.store.delete(ctx.path('dir/a'));
      expect(await failureOf(ctx.store.getContent(ctx.path('dir/a')))).toBeInstanceOf(PathNotFoundError);
      expect(await ctx.store.list(ctx.path('dir'))).toEqual([ctx.path('dir/b')]);
    });

    it('deletes a whole subtree, but not paths that merely share its name as a prefix', async () => {
      await put('tree/a', 'tree/sub/b', 'tree/sub/deeper/c', 'tree-sibling', 'treehouse/x');
      await ctx.store.delete(ctx.path('tree'));
      expect(await failureOf(ctx.store.stat(ctx.path('tree')))).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.getContent(ctx.path('tree/sub/deeper/c')))).toBeInstanceOf(PathNotFoundError);
      expect(await collect(ctx.store.walk(ctx.path('tree')))).toEqual([]);
      expect(await ctx.store.list(ctx.prefix)).toEqual([ctx.path('tree-sibling'), ctx.path('treehouse')]);
    });

    it('removes directories it leaves empty, and only those', async () => {
      await put('keep', 'a/b/c/only');
      await ctx.store.delete(ctx.path('a/b/c/only'));
      expect(await failureOf(ctx.store.stat(ctx.path('a')))).toBeInstanceOf(PathNotFoundError);
      expect(await ctx.store.list(ctx.prefix)).toEqual([ctx.path('keep')]);
    });

    it('throws PathNotFoundError for a missing path', async () => {
      await put('present');
      const err = await failureOf(ctx.store.delete(ctx.path('absent')));
      expect(err).toBeInstanceOf(PathNotFoundError);
      expect(err).toMatchObject({ path: ctx.path('absent') });
      expect(await ctx.store.getContent(ctx.path('present'))).toEqual(text('present'));
    });
  });

  describe('deleteObjects', () => {
    it('removes every object listed, counts one already gone as removed, and keeps the rest', async () => {
      await put('b/x1/data', 'b/x2/data', 'b/x3/data', 'b/y1/data', 'keep');
      const failed = await ctx.store.deleteObjects(
        [ctx.path('b/x1/data'), ctx.path('b/x2/data'), ctx.path('b/absent/data'), ctx.path('b/y1/data')],
        2,
      );
      expect(failed).toEqual([]);
      for (const gone of ['b/x1/data', 'b/x2/data', 'b/y1/data']) {
        expect(await failureOf(ctx.store.getContent(ctx.path(gone)))).toBeInstanceOf(PathNotFoundError);
      }
      expect(await ctx.store.getContent(ctx.path('b/x3/data'))).toEqual(text('b/x3/data'));
      expect(await ctx.store.list(ctx.path('b'))).toEqual([ctx.path('b/x3')]);
    });

    it('removes the directories it leaves empty, and only those', async () => {
      await put('keep', 'p/q/one/data', 'p/q/two/data', 'r/s/three/data', 'r/s/three/other');
      expect(
        await ctx.store.deleteObjects(
          [ctx.path('p/q/one/data'), ctx.path('p/q/two/data'), ctx.path('r/s/three/data')],
          5,
        ),
      ).toEqual([]);
      expect(await failureOf(ctx.store.stat(ctx.path('p')))).toBeInstanceOf(PathNotFoundError);
      expect(await ctx.store.list(ctx.prefix)).toEqual([ctx.path('keep'), ctx.path('r')]);
      expect(await ctx.store.getContent(ctx.path('r/s/three/other'))).toEqual(text('r/s/three/other'));
    });
  });

  describe('walk', () => {
    it('yields every object below the path, depth first in path order, directories omitted', async () => {
      await put('w/b', 'w/a-b', 'w/a/z', 'w/a/y/2', 'w/a/y/1', 'w/c/d/e/f', 'outside');
      const files = await collect(ctx.store.walk(ctx.path('w')));
      expect(files.map((f) => f.path)).toEqual(
        ['w/a/y/1', 'w/a/y/2', 'w/a/z', 'w/a-b', 'w/b', 'w/c/d/e/f'].map((p) => ctx.path(p)),
      );
      expect(files.every((f) => !f.isDir && f.modTime instanceof Date)).toBe(true);
      expect(files.map((f) => f.size)).toEqual(files.map((f) => f.path.length - ctx.prefix.length - 1));
    });

    it('yields nothing for a missing path', async () => {
      await put('elsewhere');
      expect(await collect(ctx.store.walk(ctx.path('missing')))).toEqual([]);
    });
  });
}
