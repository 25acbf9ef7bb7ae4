import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { mkdirPrivate, PRIVATE_FILE_MODE } from '../../lib/private-files.js';
import { InvalidOffsetError, PathNotFoundError } from '../../ports/blob-store.js';
import type { BlobStore, BlobWriter, FileInfo, ObjectDeleteFailure, WriterState } from '../../ports/blob-store.js';
import { bufferReadable } from './buffer-readable.js';
import { FileDeleter } from './file-deleter.js';
import { FilesystemBlobWriter } from './filesystem-blob-writer.js';
import { errorCode, isMissing } from './filesystem-errors.js';
import { fsyncDirectory } from './fsync-directory.js';

/** Name prefix of putContent's temporary files; list and walk never show such entries. */
export const TEMP_PREFIX = '.tmp-';
/**
 * Read-ahead of a blob download. Each read is a thread-pool round trip; 2 MiB keeps the socket busy while
 * the next read runs (measured on loopback: about 1.5x the throughput of 1 MiB), at a bounded cost per
 * concurrent download.
 */
const READ_HIGH_WATER_MARK = 2 * 1024 * 1024;
/**
 * A parent directory can vanish under us when a concurrent delete or move prunes it: recreate and retry. Shared
 * parents such as `uploads/` empty and refill many times a second under concurrent uploads.
 */
const PARENT_ATTEMPTS = 10;

/**
 * Stores each object as a file below `rootDirectory`, directories mirroring the path. Paths are
 * trusted to be valid STORAGE_PATHs (BaseBlobStore checks them). Directories exist only while they
 * hold something: delete, move and cancel remove the parents they leave empty, up to the root. Files are created
 * 0600 and directories 0700 (`lib/private-files.ts`).
 */
export class FilesystemBlobStore implements BlobStore {
  readonly name = 'filesystem';
  private readonly root: string;
  /** Garbage collection's bulk deletions, on two worker threads (this machine class has two cores). */
  private readonly deleter = new FileDeleter(2);

  constructor(rootDirectory: string) {
    this.root = resolve(rootDirectory);
  }

  async getContent(path: string): Promise<Buffer> {
    try {
      return await readFile(this.file(path));
    } catch (err) {
      throw errorCode(err) === 'EISDIR' ? new PathNotFoundError(this.name, path) : this.translate(err, path);
    }
  }

  /** Writes a temporary file beside the target, fsyncs it, renames it over the target, fsyncs the directory. */
  async putContent(path: string, content: Uint8Array): Promise<void> {
    const target = this.file(path);
    await this.withParent(target, async () => {
      const temp = join(dirname(target), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      try {
        const handle = await open(temp, 'wx', PRIVATE_FILE_MODE);
        try {
          await handle.writeFile(content);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    });
    await fsyncDirectory(dirname(target));
  }

  async reader(path: string, opts: { offset?: number; length?: number } = {}): Promise<Readable> {
    const offset = opts.offset ?? 0;
    let handle: FileHandle;
    try {
      handle = await open(this.file(path), 'r');
    } catch (err) {
      throw this.translate(err, path);
    }
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) throw new PathNotFoundError(this.name, path);
      if (offset > stats.size) throw new InvalidOffsetError(this.name, path, offset);
      const end = opts.length === undefined ? undefined : Math.min(stats.size, offset + opts.length);
      if (end !== undefined && end <= offset) {
        await handle.close();
        return bufferReadable(Buffer.alloc(0));
      }
      return handle.createReadStream({
        start: offset,
        end: end === undefined ? undefined : end - 1,
        highWaterMark: READ_HIGH_WATER_MARK,
      });
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async writer(path: string, opts: { append: boolean }): Promise<BlobWriter> {
    const target = this.file(path);
    return await this.withParent(target, () =>
      FilesystemBlobWriter.open(target, path, opts.append, async () => {
        await rm(target, { force: true });
        await this.pruneParents(path);
      }),
    );
  }

  async resumeWriter(state: WriterState): Promise<BlobWriter> {
    const target = this.file(state.path);
    try {
      return await FilesystemBlobWriter.resume(target, state, async () => {
        await rm(target, { force: true });
        await this.pruneParents(state.path);
      });
    } catch (err) {
      throw errorCode(err) === 'EISDIR'
        ? new PathNotFoundError(this.name, state.path)
        : this.translate(err, state.path);
    }
  }

  async stat(path: string): Promise<FileInfo> {
    try {
      return fileInfo(path, await stat(this.file(path)));
    } catch (err) {
      throw this.translate(err, path);
    }
  }

  async list(path: string): Promise<string[]> {
    try {
      const names = await readdir(this.file(path));
      return names
        .filter(isVisible)
        .map((name) => `${path}/${name}`)
        .sort();
    } catch (err) {
      throw this.translate(err, path);
    }
  }

  /** A rename, atomic on one filesystem, then an fsync of the destination's directory: durable once it returns. */
  async move(from: string, to: string): Promise<void> {
    const source = this.file(from);
    const target = this.file(to);
    await this.stat(from);
    try {
      await this.withParent(target, () => rename(source, target));
    } catch (err) {
      throw this.translate(err, from);
    }
    try {
      await fsyncDirectory(dirname(target));
    } catch (err) {
      // A concurrent delete of the target (garbage collection of the same content) removed it and its directory
      // already: nothing is left to make durable; callers that rely on the target check that it is there.
      if (!isMissing(err)) throw err;
    }
    await this.pruneParents(from);
  }

  async delete(path: string): Promise<void> {
    try {
      await removeTree(this.file(path));
    } catch (err) {
      throw this.translate(err, path);
    }
    await this.pruneParents(path);
  }

  /**
   * Per object an unlink and an rmdir of its directory (a blob's directory holds only its `data`; one that holds
   * more stays), up to `concurrency` at once: a quarter of the system calls of `delete` on the blob's directory
   * (readdir, unlink, rmdir, and an rmdir of its parent, nearly always still in use). The grandparents of the
   * directories removed are then pruned once each.
   */
  async deleteObjects(paths: readonly string[], concurrency: number): Promise<ObjectDeleteFailure[]> {
    // Each file and the directory it leaves empty go on worker threads; then, once per grandparent directory, the
    // ancestors left empty (pruneParents starts at the parent) go here.
    const { failures, emptied: emptiedAt } = await this.deleter.remove(
      paths.map((path) => {
        const dir = parentPath(path);
        return { file: this.file(path), dir: dir === undefined ? undefined : this.file(dir) };
      }),
      concurrency,
    );
    const failed: ObjectDeleteFailure[] = failures.map(({ index, code, message }) => {
      const error = Object.assign(new Error(message), { code });
      return { path: paths[index]!, error: this.translate(error, paths[index]!) };
    });
    /** Per grandparent directory, one directory removed below it. */
    const emptied = new Map<string, string>();
    for (const index of emptiedAt) {
      const dir = parentPath(paths[index]!)!;
      const grandparent = parentPath(dir);
      if (grandparent !== undefined && !emptied.has(grandparent)) emptied.set(grandparent, dir);
    }
    const prunes = [...emptied.values()];
    let next = 0;
    const pruner = async (): Promise<void> => {
      while (next < prunes.length) await this.pruneParents(prunes[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, prunes.length) }, pruner));
    return failed;
  }

  async *walk(path: string): AsyncIterable<FileInfo> {
    let entries;
    try {
      entries = await readdir(this.file(path), { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    const visible = entries.filter((entry) => isVisible(entry.name));
    visible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of visible) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory()) {
        yield* this.walk(child);
      } else if (entry.isFile()) {
        const info = await this.stat(child).catch((err: unknown) => {
          if (err instanceof PathNotFoundError) return undefined; // deleted meanwhile
          throw err;
        });
        if (info) yield info;
      }
    }
  }

  private file(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  private translate(err: unknown, path: string): unknown {
    return isMissing(err) ? new PathNotFoundError(this.name, path) : err;
  }

  /**
   * Creates the parent directories of `target` and runs `op`, again if a concurrent prune raced either: a directory
   * removed between `mkdir -p` creating it and creating its child makes the `mkdir` itself fail (ENOENT, or ENOTDIR
   * from Node's recursive mkdir), and one removed before `op` makes `op` fail with ENOENT.
   */
  private async withParent<T>(target: string, op: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        await mkdirPrivate(dirname(target));
        return await op();
      } catch (err) {
        const code = errorCode(err);
        if ((code !== 'ENOENT' && code !== 'ENOTDIR') || attempt >= PARENT_ATTEMPTS) throw err;
      }
    }
  }

  /** Removes the parent directories of `path` that are now empty, deepest first, never the root. */
  private async pruneParents(path: string): Promise<void> {
    const segments = path.split('/');
    for (let depth = segments.length - 1; depth > 0; depth--) {
      try {
        await rmdir(join(this.root, ...segments.slice(0, depth)));
      } catch (err) {
        if (!isMissing(err)) return; // ENOTEMPTY, EEXIST: still in use
      }
    }
  }
}

/** `a/b/c` → `a/b`; undefined at the top. */
function parentPath(path: string): string | undefined {
  const at = path.lastIndexOf('/');
  return at > 0 ? path.slice(0, at) : undefined;
}

/**
 * Removes a file or a directory tree. For a blob's directory (one `data` file) that is readdir, unlink, rmdir: half
 * the system calls of `rm(…, { recursive: true })`, which stats first and tries rmdir before reading the directory
 * (garbage collection deletes many of them). Entries another caller removed meanwhile are fine; an entry added
 * meanwhile is removed on a second pass.
 */
async function removeTree(target: string, attempt = 1): Promise<void> {
  let entries;
  try {
    entries = await readdir(target, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) === 'ENOTDIR') return unlink(target);
    throw err;
  }
  await Promise.all(
    entries.map(async (entry) => {
      const child = join(target, entry.name);
      try {
        await (entry.isDirectory() ? removeTree(child) : unlink(child));
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }),
  );
  try {
    await rmdir(target);
  } catch (err) {
    if (errorCode(err) === 'ENOTEMPTY' && attempt < PARENT_ATTEMPTS) return removeTree(target, attempt + 1);
    throw err;
  }
}

function isVisible(name: string): boolean {
  return !name.startsWith(TEMP_PREFIX);
}

function fileInfo(path: string, stats: Stats): FileInfo {
  const isDir = stats.isDirectory();
  return { path, size: isDir ? 0 : stats.size, modTime: stats.mtime, isDir };
}
