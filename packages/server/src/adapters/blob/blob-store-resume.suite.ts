import { describe, expect, it } from 'vitest';
import { InvalidPathError, PathNotFoundError, WriterStateError } from '../../ports/blob-store.js';
import type { WriterState } from '../../ports/blob-store.js';
import { failureOf, randomContent, text } from './blob-store-fixture.suite.js';
import type { SuiteContext } from './blob-store-fixture.suite.js';

/** The state a process saves with an upload session, as it comes back from the database. */
function persisted(state: WriterState): WriterState {
  return JSON.parse(JSON.stringify(state)) as WriterState;
}

/** Writers resumed from saved state (another process or node), and redirect URLs. */
export function describeResume(ctx: SuiteContext): void {
  describe('resumeWriter', () => {
    it('resumes, in a fresh store instance, a writer dropped without commit, from its persisted state', async () => {
      const path = ctx.path('up/data');
      const first = await ctx.store.writer(path, { append: false });
      const head = randomContent(300_000);
      await first.write(head);
      await first.write(text('-first'));
      const state = persisted(first.state());
      expect(state).toMatchObject({ driver: ctx.store.name, path, size: 300_006 });
      // `first` is dropped here: neither committed nor closed. Another process opens the same storage.
      const fresh = await ctx.fixture.reopen();
      const resumed = await fresh.resumeWriter(state);
      expect(resumed.size).toBe(300_006);
      await resumed.write(text('-second'));
      expect(resumed.size).toBe(300_013);
      expect(resumed.state()).toMatchObject({ driver: ctx.store.name, path, size: 300_013 });
      await resumed.commit();
      const expected = Buffer.concat([head, text('-first-second')]);
      expect((await fresh.getContent(path)).equals(expected)).toBe(true);
      expect((await ctx.store.getContent(path)).equals(expected)).toBe(true);
      await first.close();
      expect((await ctx.store.getContent(path)).equals(expected)).toBe(true);
    });

    it('drops bytes written after the state was taken (never acknowledged to the client)', async () => {
      const path = ctx.path('up/data');
      const writer = await ctx.store.writer(path, { append: false });
      await writer.write(text('acknowledged'));
      const state = persisted(writer.state());
      await writer.write(text('+lost'));
      await writer.close();
      const resumed = await (await ctx.fixture.reopen()).resumeWriter(state);
      expect(resumed.size).toBe(12);
      await resumed.write(text('+next'));
      await resumed.commit();
      expect(await ctx.store.getContent(path)).toEqual(text('acknowledged+next'));
    });

    it('resumes a state taken before the first byte', async () => {
      const path = ctx.path('up/empty');
      const writer = await ctx.store.writer(path, { append: true });
      const state = persisted(writer.state());
      expect(state.size).toBe(0);
      await writer.close();
      const resumed = await ctx.store.resumeWriter(state);
      await resumed.write(text('x'));
      await resumed.commit();
      expect(await ctx.store.getContent(path)).toEqual(text('x'));
    });

    it('refuses a state that counts more than the object holds, or of another driver, or malformed', async () => {
      const path = ctx.path('up/data');
      const writer = await ctx.store.writer(path, { append: false });
      await writer.write(text('abc'));
      const state = persisted(writer.state());
      await writer.close();
      const refusals: unknown[] = [
        { ...state, size: 4 },
        { ...state, driver: `${ctx.store.name}-other` },
        { ...state, size: -1 },
        { ...state, size: 1.5 },
        { ...state, size: '3' },
        null,
      ];
      for (const bad of refusals) {
        const err = await failureOf(ctx.store.resumeWriter(bad as WriterState));
        expect(err, JSON.stringify(bad)).toBeInstanceOf(WriterStateError);
      }
      expect(await failureOf(ctx.store.resumeWriter({ ...state, path: '../escape' }))).toBeInstanceOf(InvalidPathError);
      expect(await ctx.store.getContent(path)).toEqual(text('abc'));
    });

    it('throws PathNotFoundError when the object is gone (the session was purged)', async () => {
      const path = ctx.path('up/data');
      const writer = await ctx.store.writer(path, { append: false });
      await writer.write(text('abc'));
      const state = persisted(writer.state());
      await writer.close();
      await ctx.store.delete(ctx.path('up'));
      const err = await failureOf(ctx.store.resumeWriter(state));
      expect(err).toBeInstanceOf(PathNotFoundError);
      expect(await failureOf(ctx.store.stat(path))).toBeInstanceOf(PathNotFoundError);
    });

    it('cancel of a resumed writer removes the object', async () => {
      const path = ctx.path('up/data');
      const writer = await ctx.store.writer(path, { append: false });
      await writer.write(text('abc'));
      await writer.close();
      const resumed = await ctx.store.resumeWriter(persisted(writer.state()));
      await resumed.cancel();
      expect(await failureOf(ctx.store.stat(path))).toBeInstanceOf(PathNotFoundError);
    });
  });

  describe('redirectUrl', () => {
    it('gives a URL only where the backend offers one, and checks the path', async () => {
      const path = ctx.path('blob');
      await ctx.store.putContent(path, text('content'));
      const url = await ctx.store.redirectUrl?.(path, { expiresInSeconds: 60 });
      if (ctx.fixture.redirects) expect(new URL(url ?? '').protocol).toMatch(/^https?:$/);
      else expect(url).toBeUndefined();
      expect(
        await failureOf(ctx.store.redirectUrl?.('../x', { expiresInSeconds: 60 }) ?? Promise.resolve()),
      ).toBeInstanceOf(InvalidPathError);
    });
  });
}
