import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * Everything Wharf creates on disk is private to the user it runs as: files 0600, directories 0700, whatever the
 * umask (which can only take bits away; the modes are set explicitly where Wharf creates, and changed afterwards
 * where a library creates).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** `mkdir -p` with mode 0700 for every directory it creates (existing ones keep theirs). */
export async function mkdirPrivate(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // mkdir applied the mode minus the umask; make it exact on each directory created (first and below it).
  for (let current = resolve(dir); ; current = dirname(current)) {
    await chmod(current, PRIVATE_DIR_MODE).catch((error: unknown) => {
      if (!isMissing(error)) throw error; // a concurrent remove: nothing left to protect
    });
    if (current === resolve(first) || dirname(current) === current) break;
  }
}

/** The synchronous `mkdirPrivate`, for code that opens synchronously (SQLite). */
export function mkdirPrivateSync(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  for (let current = resolve(dir); ; current = dirname(current)) {
    chmodSync(current, PRIVATE_DIR_MODE);
    if (current === resolve(first) || dirname(current) === current) break;
  }
}

/** Creates `file` empty with mode 0600 unless it exists; true when it was created. */
export function createPrivateFileSync(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Writes `content` to a new file `path` (mode 0600, which must not exist) and flushes it to disk. */
export async function writePrivateFileSynced(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `content` to `path` (mode 0600, whole, flushed) unless `path` exists; false when another writer got there
 * first. A temporary file is linked into place, so that no reader ever sees a part.
 */
export async function writePrivateFileExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writePrivateFileSynced(temp, content);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}
