import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import SqliteDatabase from 'better-sqlite3';
import { backupSqliteFile } from '../adapters/db/sqlite-snapshots.js';

/**
 * `wharf backup DIR` / `wharf restore DIR` for the embedded default (SQLite and filesystem storage), online: the
 * database is copied with SQLite's online backup API first, then every blob that copy references (layers, configs
 * and manifests under blobs/, docs/storage-layout.md) and the data directory's other files (token signing keys).
 * Blobs pushed after the copy are not needed by it. Files are copied to `.partial` and renamed once whole, so a
 * second run after an interruption copies only what is missing; `MANIFEST.json` (written last) lists every file with
 * its size and sha256, and restore checks them all before writing anything.
 */
export interface BackupPaths {
  readonly dataDir: string;
  readonly dbPath: string;
  readonly storageRoot: string;
}

export interface ManifestEntry {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
}

export class BackupError extends Error {}

const DB_NAME = 'wharf.db';
const MANIFEST = 'MANIFEST.json';

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Copies `from` to `to` through `.partial`, returning the sha256 of what was written. */
async function copyHashed(from: string, to: string): Promise<string> {
  await mkdir(path.dirname(to), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  const partial = `${to}.partial`;
  await pipeline(
    createReadStream(from),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(partial, { mode: 0o600 }),
  );
  await rename(partial, to);
  return hash.digest('hex');
}

async function listFiles(root: string, skip: (file: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (skip(full)) continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.push(full);
    }
  };
  await walk(root);
  return out;
}

function inside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface BackupResult {
  readonly blobs: number;
  readonly copied: number;
  readonly bytesCopied: number;
}

export async function backup(paths: BackupPaths, out: string, log: (line: string) => void): Promise<BackupResult> {
  await mkdir(out, { recursive: true, mode: 0o700 });
  await rm(path.join(out, MANIFEST), { force: true }); // incomplete until written again
  const dbCopy = path.join(out, DB_NAME);
  await backupSqliteFile(paths.dbPath, dbCopy);
  const entries: ManifestEntry[] = [{ path: DB_NAME, size: (await stat(dbCopy)).size, sha256: await sha256Of(dbCopy) }];
  const snapshot = new SqliteDatabase(dbCopy, { readonly: true });
  let digests: { digest: string; size: number | null }[];
  try {
    digests = snapshot
      .prepare(
        'SELECT digest, size FROM blobs UNION SELECT DISTINCT digest, NULL FROM manifests WHERE digest NOT IN (SELECT digest FROM blobs)',
      )
      .all() as { digest: string; size: number | null }[];
  } finally {
    snapshot.close();
  }
  let copied = 0;
  let bytesCopied = 0;
  for (const { digest, size } of digests) {
    const [algorithm, hex] = digest.split(':');
    if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) throw new BackupError(`unexpected digest ${digest}`);
    const rel = path.join('storage', 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
    const source = path.join(paths.storageRoot, 'blobs', algorithm, hex.slice(0, 2), hex, 'data');
    const target = path.join(out, rel);
    const sourceSize = (await stat(source).catch(() => undefined))?.size;
    if (sourceSize === undefined)
      throw new BackupError(`blob ${digest} is recorded but missing from storage (${source})`);
    const existing = (await stat(target).catch(() => undefined))?.size;
    if (existing !== sourceSize) {
      const written = await copyHashed(source, target);
      if (algorithm === 'sha256' && written !== hex) {
        await rm(target, { force: true });
        throw new BackupError(`blob ${digest} in storage does not match its digest`);
      }
      copied++;
      bytesCopied += sourceSize;
    }
    if (size !== null && size !== sourceSize)
      throw new BackupError(`blob ${digest}: ${sourceSize} bytes, recorded ${size}`);
    entries.push({ path: rel, size: sourceSize, sha256: algorithm === 'sha256' ? hex : await sha256Of(target) });
  }
  // The data directory's other files (the secret key, the generated admin password), not the live database.
  const others = await listFiles(
    paths.dataDir,
    (f) => inside(f, paths.storageRoot) || f.startsWith(paths.dbPath) || inside(f, out),
  );
  for (const file of others) {
    const rel = path.join('data', path.relative(paths.dataDir, file));
    const sha256 = await copyHashed(file, path.join(out, rel));
    entries.push({ path: rel, size: (await stat(file)).size, sha256 });
  }
  await writeFile(path.join(out, `${MANIFEST}.partial`), JSON.stringify({ version: 1, files: entries }, null, 1), {
    mode: 0o600,
  });
  await rename(path.join(out, `${MANIFEST}.partial`), path.join(out, MANIFEST));
  log(`backup: ${digests.length} blobs (${copied} copied, ${bytesCopied} bytes), ${others.length} other files`);
  return { blobs: digests.length, copied, bytesCopied };
}

async function isEmptyDir(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return names.length === 0;
}

/** Checks every file of the backup in `from`, then writes it into `paths` (an empty data directory, or `force`). */
export async function restore(
  from: string,
  paths: BackupPaths,
  force: boolean,
  log: (line: string) => void,
): Promise<number> {
  const manifestText = await readFile(path.join(from, MANIFEST), 'utf8').catch(() => {
    throw new BackupError(`${from} holds no ${MANIFEST}: not a complete backup (run wharf backup again)`);
  });
  const { files } = JSON.parse(manifestText) as { files: ManifestEntry[] };
  if (!force && !(await isEmptyDir(paths.dataDir))) {
    throw new BackupError(`${paths.dataDir} is not empty; restore into an empty data directory or pass --force`);
  }
  for (const entry of files) {
    if (path.isAbsolute(entry.path) || entry.path.split(path.sep).includes('..')) {
      throw new BackupError(`${MANIFEST} names ${entry.path} outside the backup`);
    }
    const file = path.join(from, entry.path);
    const size = (await stat(file).catch(() => undefined))?.size;
    if (size !== entry.size || (await sha256Of(file)) !== entry.sha256) {
      throw new BackupError(
        `${file} is missing or damaged (size or sha256 differs from ${MANIFEST}); nothing restored`,
      );
    }
  }
  for (const entry of files) {
    const source = path.join(from, entry.path);
    const [top, ...rest] = entry.path.split(path.sep);
    const target =
      entry.path === DB_NAME
        ? paths.dbPath
        : top === 'storage'
          ? path.join(paths.storageRoot, ...rest)
          : path.join(paths.dataDir, ...rest);
    if (force) {
      await rm(`${target}-wal`, { force: true });
      await rm(`${target}-shm`, { force: true });
    }
    await copyHashed(source, target);
  }
  log(`restore: ${files.length} files checked and written`);
  return files.length;
}
