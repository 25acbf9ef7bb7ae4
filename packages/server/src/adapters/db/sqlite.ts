import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  type DialectAdapter,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely';
import { createPrivateFileSync, mkdirPrivateSync } from '../../lib/private-files.js';
import type { Database } from './database.js';

export interface SqliteOptions {
  /** File path, or ':memory:'. */
  readonly path: string;
  readonly synchronous: 'normal' | 'full';
}

/** SQLite's page cache per connection, in KiB (memory only used as pages are read). */
const CACHE_KIB = 64 * 1024;
/** WAL pages after which a commit checkpoints. */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function isInMemory(path: string): boolean {
  return path === '' || path === ':memory:' || path.startsWith('file::memory:');
}

/**
 * Opens (creating if needed) a SQLite database in WAL mode with foreign keys enforced. A new database file is
 * created empty with mode 0600 before SQLite opens it (SQLite takes an empty file for an empty database, and gives
 * its -wal and -shm files the database file's mode).
 */
export function openSqlite(options: SqliteOptions): Kysely<Database> {
  if (!isInMemory(options.path)) {
    mkdirPrivateSync(dirname(options.path));
    createPrivateFileSync(options.path);
  }
  const sqlite = new SqliteDatabase(options.path);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // A page cache of 64 MiB (the default is 2 MiB) and a checkpoint every 10,000 WAL pages (about 40 MiB; the
    // default is 1,000): writes that touch many pages (garbage collection's marks and deletions, large pushes)
    // otherwise checkpoint, and so fsync, at nearly every commit. Measured on a 100,000-blob database: GC's
    // statements took 8.4 s with the defaults, 3.4 s with these (docs/benchmark.md).
    sqlite.pragma(`cache_size = -${CACHE_KIB}`);
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: withStatementCache(sqlite) }) });
}

/**
 * Kysely begins a transaction with a deferred `begin`, which takes the write lock at the first write. With several
 * processes on one file (`http.workers`), a transaction that read before another process committed then fails
 * at once with SQLITE_BUSY (its snapshot is stale; the busy timeout does not apply). `begin immediate` takes the
 * write lock first, waiting up to the busy timeout, so every transaction sees the latest data and commits. Within
 * one process it changes nothing: its one connection runs one transaction at a time.
 */
const BEGIN_WRITE = 'begin immediate';

/** Statements kept per database; far more than the distinct queries Wharf issues. */
const STATEMENT_CACHE_SIZE = 1000;

/**
 * Kysely prepares every query anew, and compiling SQL is most of the cost of a small better-sqlite3 query.
 * Statements are reusable and Kysely runs one query at a time on this connection, so prepared statements
 * are kept by SQL text. (SQLite re-prepares a statement by itself after a schema change.)
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare: (text: string) => {
      const sql = text === 'begin' ? BEGIN_WRITE : text;
      let statement = statements.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * SQLite's DDL is transactional, but Kysely's SQLite adapter says otherwise, so its migrator would apply migrations
 * outside any transaction and a failing one would leave the schema half changed. This adapter tells the truth: the
 * pending migrations run in one transaction (as on PostgreSQL) and a failure rolls all of them back.
 */
class TransactionalSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalSqliteAdapter();
  }
}
