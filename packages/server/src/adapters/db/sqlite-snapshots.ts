import { chmod, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { PRIVATE_FILE_MODE } from '../../lib/private-files.js';
import type { Database } from './database.js';

/**
 * Copies of a SQLite database taken before migrations change it (the upgrade safety net of docs/operations.md):
 * `<file>.schema-<last applied migration>.bak` next to the database, made with SQLite's online backup API (a
 * consistent copy while the database is in use), so that `wharf rollback` can put the previous version's database
 * back. Only the newest KEEP_COPIES are kept.
 */
export const KEEP_COPIES = 3;

const SUFFIX = '.bak';

function prefixOf(dbPath: string): string {
  return `${path.basename(dbPath)}.schema-`;
}

/** The copy of `dbPath` that holds schema `version` (the name of the last migration applied to it). */
export function snapshotPath(dbPath: string, version: string): string {
  return path.join(path.dirname(dbPath), `${prefixOf(dbPath)}${version}${SUFFIX}`);
}

/** A consistent copy of the SQLite database at `dbPath` into `dest` (written beside it, then renamed; mode 0600). */
export async function backupSqliteFile(dbPath: string, dest: string): Promise<void> {
  const temp = `${dest}.partial`;
  await rm(temp, { force: true });
  const source = new SqliteDatabase(dbPath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(temp);
  } finally {
    source.close();
  }
  await chmod(temp, PRIVATE_FILE_MODE);
  await rename(temp, dest);
}

export interface Snapshot {
  readonly file: string;
  readonly version: string;
  readonly mtimeMs: number;
}

/** The pre-migration copies of `dbPath`, newest first. */
export async function listSnapshots(dbPath: string): Promise<Snapshot[]> {
  const prefix = prefixOf(dbPath);
  const dir = path.dirname(dbPath);
  const names = (await readdir(dir).catch(() => [] as string[])).filter(
    (name) => name.startsWith(prefix) && name.endsWith(SUFFIX),
  );
  const snapshots = await Promise.all(
    names.map(async (name) => ({
      file: path.join(dir, name),
      version: name.slice(prefix.length, -SUFFIX.length),
      mtimeMs: (await stat(path.join(dir, name))).mtimeMs,
    })),
  );
  return snapshots.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/**
 * Before migrating the SQLite database at `dbPath`: when migrations are pending and the database already holds
 * some, copies it as `snapshotPath(dbPath, <its last migration>)` and prunes older copies. Returns the copy made.
 */
export async function snapshotBeforeMigrating(
  db: Kysely<Database>,
  dbPath: string,
  provider: MigrationProvider,
): Promise<string | undefined> {
  const migrations = await new Migrator({ db, provider, allowUnorderedMigrations: true }).getMigrations();
  const applied = migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  if (applied.length === 0 || applied.length === migrations.length) return undefined;
  const version = applied.sort()[applied.length - 1]!;
  const dest = snapshotPath(dbPath, version);
  await backupSqliteFile(dbPath, dest);
  const now = new Date();
  await utimes(dest, now, now); // a copy of the same version taken again counts as the newest
  for (const old of (await listSnapshots(dbPath)).slice(KEEP_COPIES)) await rm(old.file, { force: true });
  return dest;
}

/**
 * `wharf rollback`: puts the copy `snapshot` back as the database at `dbPath` (Wharf must be stopped). The current
 * database is kept beside it as `<file>.rolled-back-<time>` (checkpointed first, so that it is whole without its
 * WAL), and no -wal or -shm file of it is left for the restored copy to misread.
 */
export async function restoreSnapshot(dbPath: string, snapshot: string, now: Date): Promise<string> {
  const current = new SqliteDatabase(dbPath, { fileMustExist: true });
  try {
    current.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    current.close();
  }
  const kept = `${dbPath}.rolled-back-${now.toISOString().replace(/[:.]/g, '-')}`;
  await rename(dbPath, kept);
  await rm(`${dbPath}-wal`, { force: true });
  await rm(`${dbPath}-shm`, { force: true });
  await backupSqliteFile(snapshot, dbPath);
  return kept;
}
