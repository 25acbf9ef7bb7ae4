import { mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../ports/blob-store.js';
import { PathNotFoundError } from '../../ports/blob-store.js';
import { collect, failureOf, text, type BlobStoreFixture } from './blob-store-fixture.suite.js';
import { describeBlobStore } from './blob-store.suite.js';
import { createBlobStore } from './index.js';

async function openStore(): Promise<BlobStoreFixture & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'wharf-blob-'));
  return {
    root,
    store: createBlobStore({ driver: 'filesystem', rootDirectory: root }),
    reopen: () => Promise.resolve(createBlobStore({ driver: 'filesystem', rootDirectory: root })),
    move: 'atomic',
    redirects: false,
    async dispose() {
      // The suite deleted everything it wrote: a leftover is a leaked temp file or an unpruned directory.
      const leftovers = await readdir(root);
      await rm(root, { recursive: true, force: true });
      expect(leftovers).toEqual([]);
    },
  };
}

describeBlobStore('FilesystemBlobStore', openStore);

describe('FilesystemBlobStore on disk', () => {
  let root = '';
  let store: BlobStore;
  beforeEach(async () => {
    ({ root, store } = await openStore());
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('hides a temp file left by a crash during putContent from list and walk', async () => {
    await store.putContent('repo/obj', text('complete'));
    await writeFile(join(root, 'repo', '.tmp-0123456789abcdef'), 'half of a new vers');
    expect(await store.list('repo')).toEqual(['repo/obj']);
    expect((await collect(store.walk('repo'))).map((f) => f.path)).toEqual(['repo/obj']);
    await store.putContent('repo/obj', text('replaced'));
    expect(await store.getContent('repo/obj')).toEqual(text('replaced'));
    await store.delete('repo');
    expect(await readdir(root)).toEqual([]);
  });

  it('creates objects while their shared parent is pruned again and again (uploads racing moves and GC)', async () => {
    // `uploads/` empties and is pruned whenever no upload is in flight; with many uploads at once a writer's
    // `mkdir -p` meets a parent removed between its steps (ENOENT or ENOTDIR from Node's recursive mkdir).
    let pruning = true;
    const pruner = (async () => {
      while (pruning) await rmdir(join(root, 'uploads')).catch(() => undefined);
    })();
    let written = 0;
    try {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          for (let k = 0; k < 40; k++) {
            const writer = await store.writer(`uploads/${i}-${k}/data`, { append: false });
            await writer.write(text('x'));
            await writer.close();
            written++;
            await store.delete(`uploads/${i}-${k}`);
          }
        }),
      );
    } finally {
      pruning = false;
      await pruner;
    }
    expect(written).toBe(2000);
  });

  it('lays objects out as regular files in directories, with no temp file left behind', async () => {
    await store.putContent('a/b/put', text('put'));
    const writer = await store.writer('a/c/written', { append: false });
    await writer.write(text('written'));
    await writer.commit();
    expect((await stat(join(root, 'a', 'b'))).isDirectory()).toBe(true);
    expect((await stat(join(root, 'a', 'b', 'put'))).isFile()).toBe(true);
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['put']);
    expect(await readFile(join(root, 'a', 'c', 'written'), 'utf8')).toBe('written');
    expect(((await stat(join(root, 'a', 'b', 'put'))).mode & 0o600) === 0o600).toBe(true);
  });

  it('moves an upload into a content-addressed path whose parents do not exist', async () => {
    const writer = await store.writer('uploads/3f1c/data', { append: false });
    await writer.write(text('layer bytes'));
    await writer.commit();
    await store.move('uploads/3f1c/data', 'blobs/sha256/ab/abcdef/data');
    expect(await readFile(join(root, 'blobs', 'sha256', 'ab', 'abcdef', 'data'), 'utf8')).toBe('layer bytes');
    expect(await failureOf(store.stat('uploads/3f1c'))).toBeInstanceOf(PathNotFoundError);
    expect(await readdir(root)).toEqual(['blobs']);
  });

  it('moves by rename: the destination is the source file itself (same inode), and its directory is synced', async () => {
    await store.putContent('uploads/u/data', text('layer'));
    const before = await stat(join(root, 'uploads', 'u', 'data'));
    await store.move('uploads/u/data', 'blobs/sha256/ab/abcd/data');
    const after = await stat(join(root, 'blobs', 'sha256', 'ab', 'abcd', 'data'));
    // A rename keeps the inode: no copy, so no moment where a partial destination exists.
    expect(after.ino).toBe(before.ino);
    expect(await readFile(join(root, 'blobs', 'sha256', 'ab', 'abcd', 'data'), 'utf8')).toBe('layer');
  });

  it('resumes only from the file itself: the state is its path and size, checked against the file', async () => {
    const writer = await store.writer('uploads/v/data', { append: false });
    await writer.write(text('12345'));
    expect(writer.state()).toEqual({ driver: 'filesystem', path: 'uploads/v/data', size: 5 });
    await writer.close();
    // Another process truncated the file behind our back: the state no longer matches.
    await writeFile(join(root, 'uploads', 'v', 'data'), '12');
    await expect(store.resumeWriter({ driver: 'filesystem', path: 'uploads/v/data', size: 5 })).rejects.toThrow(
      /counts 5 bytes, the file holds 2/,
    );
  });

  it('bulk deletion reports what the system refused, with its path, and removes the rest and their directories', async () => {
    await store.putContent('blobs/ok/data', Buffer.from('gone'));
    await store.putContent('blobs/refused/data/inner', Buffer.from('a directory where an object is expected'));
    const failed = await store.deleteObjects(['blobs/ok/data', 'blobs/refused/data'], 2);
    expect(failed.map((f) => f.path)).toEqual(['blobs/refused/data']);
    expect(['EISDIR', 'EPERM']).toContain((failed[0]!.error as NodeJS.ErrnoException).code);
    expect(await readdir(join(root, 'blobs'))).toEqual(['refused']);
  });
});
