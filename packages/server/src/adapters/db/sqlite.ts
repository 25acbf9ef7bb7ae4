import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  readonly synchronous: 'normal' | 'full';
}

function isInMemory(path: string): boolean {
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}

/** Opens (creating if needed) a SQLite database in WAL mode with foreign keys enforced. */
export function openSqlite(options: SqliteOptions): Kysely<Database> {
  if (!isInMemory(options.path)) mkdirSync(dirname(options.path), { recursive: true });
  const sqlite = new SqliteDatabase(options.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}
