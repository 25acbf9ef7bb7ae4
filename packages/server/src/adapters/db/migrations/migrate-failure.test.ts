// Upgrades: a failing migration leaves the database as it was (SQLite and PostgreSQL), a SQLite file is copied
// before migrations change it, and rolling back puts that copy back.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database.js';
import { openDatabase } from '../index.js';
import type { KyselyStore } from '../kysely-store.js';
import { createTestDatabase, type TestDatabase } from '../postgres-test-database.js';
import { KEEP_COPIES, listSnapshots, restoreSnapshot, snapshotPath } from '../sqlite-snapshots.js';
import { InCodeMigrationProvider } from './in-code-migration-provider.js';
import type { SqlDialect } from '../database.js';

/** The newest compiled-in migration and the one before it: what an upgrade applies and what a rollback restores. */
const NAMES = Object.keys(await new InCodeMigrationProvider('sqlite').getMigrations()).sort();
const LAST = NAMES.at(-1)!;
const PREVIOUS = NAMES.at(-2)!;

/** The compiled-in migrations without `LAST`, plus `extra`. */
function provider(
  dialect: SqlDialect,
  opts: { withLast: boolean; extra?: Record<string, Migration> },
): MigrationProvider {
  return {
    async getMigrations() {
      const all = await new InCodeMigrationProvider(dialect).getMigrations();
      const kept = Object.entries(all).filter(([name]) => opts.withLast || name !== LAST);
      return { ...Object.fromEntries(kept), ...opts.extra };
    },
  };
}

/** A migration that changes the schema and then fails. */
const FAILING: Record<string, Migration> = {
  '0999-injected-failure': {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('injected_half_done').addColumn('id', 'integer').execute();
      await sql`ALTER TABLE retention_executions ADD COLUMN injected_column integer`.execute(db);
      throw new Error('injected failure');
    },
  },
};

async function state(
  db: Kysely<Database>,
): Promise<{ migrations: string[]; tables: string[]; retentionColumns: string[] }> {
  const introspected = await db.introspection.getTables({ withInternalKyselyTables: true });
  const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  return {
    migrations: rows.rows.map((r) => r.name),
    tables: introspected.map((t) => t.name).sort(),
    retentionColumns: (introspected.find((t) => t.name === 'retention_executions')?.columns ?? [])
      .map((c) => c.name)
      .sort(),
  };
}

let dir = '';
const databases: TestDatabase[] = [];
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-migrate-'));
});
afterAll(async () => {
  for (const database of databases) await database.drop();
  await rm(dir, { recursive: true, force: true });
});

async function failsAndKeepsState(store: KyselyStore, db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  await store.migrate(provider(dialect, { withLast: false }));
  const before = await state(db);
  expect(before.migrations).not.toContain(LAST);
  // Two pending: the real LAST, then the failing one. Both are rolled back together.
  await expect(store.migrate(provider(dialect, { withLast: true, extra: FAILING }))).rejects.toThrow(
    /migration 0999-injected-failure failed/,
  );
  expect(await state(db)).toEqual(before);
}

describe('a failing migration', () => {
  it('leaves a SQLite database as it was, after a copy named with the schema it holds', async () => {
    const dbPath = path.join(dir, 'fail', 'wharf.db');
    const { store } = openDatabase({ driver: 'sqlite', path: dbPath, synchronous: 'normal' });
    const kysely = (store as unknown as { db: Kysely<Database> }).db;
    try {
      await failsAndKeepsState(store as KyselyStore, kysely, 'sqlite');
      const snapshots = await listSnapshots(dbPath);
      expect(snapshots.map((s) => s.version)).toEqual([PREVIOUS]);
      expect(snapshots[0]!.file).toBe(snapshotPath(dbPath, PREVIOUS));
    } finally {
      await store.close();
    }
  });

  it('leaves a PostgreSQL database as it was', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const { store } = openDatabase({ driver: 'postgres', url: database.url, poolSize: 2 });
    const kysely = (store as unknown as { db: Kysely<Database> }).db;
    try {
      await failsAndKeepsState(store as KyselyStore, kysely, 'postgres');
    } finally {
      await store.close();
    }
  });
});

describe('SQLite pre-migration copies and rollback', () => {
  it('copies before migrating, keeps the newest few, and a rollback restores the previous schema and data', async () => {
    const dbPath = path.join(dir, 'rollback', 'wharf.db');
    let opened = openDatabase({ driver: 'sqlite', path: dbPath, synchronous: 'normal' });
    const fresh = await (opened.store as KyselyStore).migrate(provider('sqlite', { withLast: false }));
    expect(fresh).toContain('0001-initial-schema');
    expect(await listSnapshots(dbPath)).toEqual([]); // a new database has nothing to keep
    const kysely = (opened.store as unknown as { db: Kysely<Database> }).db;
    await sql`CREATE TABLE upgrade_marker (v text)`.execute(kysely);
    await sql`INSERT INTO upgrade_marker (v) VALUES ('written before the upgrade')`.execute(kysely);

    expect(await (opened.store as KyselyStore).migrate()).toEqual([LAST]);
    expect(await (opened.store as KyselyStore).migrate()).toEqual([]); // nothing pending: no further copy
    const snapshots = await listSnapshots(dbPath);
    expect(snapshots.map((s) => s.version)).toEqual([PREVIOUS]);
    await sql`INSERT INTO upgrade_marker (v) VALUES ('written after the upgrade')`.execute(kysely);
    await opened.store.close();

    const kept = await restoreSnapshot(dbPath, snapshots[0]!.file, new Date('2026-01-02T03:04:05Z'));
    expect(kept).toBe(`${dbPath}.rolled-back-2026-01-02T03-04-05-000Z`);
    opened = openDatabase({ driver: 'sqlite', path: dbPath, synchronous: 'normal' });
    const restored = (opened.store as unknown as { db: Kysely<Database> }).db;
    try {
      const s = await state(restored);
      expect(s.migrations).not.toContain(LAST);
      expect(s.migrations).toContain(PREVIOUS);
      const marker = await sql<{ v: string }>`SELECT v FROM upgrade_marker`.execute(restored);
      expect(marker.rows.map((r) => r.v)).toEqual(['written before the upgrade']);
    } finally {
      await opened.store.close();
    }
    const names = await readdir(path.dirname(dbPath));
    expect(names).toContain(path.basename(kept));
  });

  it(`keeps only the newest ${KEEP_COPIES} copies`, async () => {
    const dbPath = path.join(dir, 'prune', 'wharf.db');
    const { store } = openDatabase({ driver: 'sqlite', path: dbPath, synchronous: 'normal' });
    try {
      const all = Object.keys(await new InCodeMigrationProvider('sqlite').getMigrations()).sort();
      // Migrate one step at a time: every step after the first takes a copy.
      for (let i = 1; i <= all.length; i++) {
        const names = new Set(all.slice(0, i));
        await (store as KyselyStore).migrate({
          async getMigrations() {
            const every = await new InCodeMigrationProvider('sqlite').getMigrations();
            return Object.fromEntries(Object.entries(every).filter(([name]) => names.has(name)));
          },
        });
      }
      const versions = (await listSnapshots(dbPath)).map((s) => s.version);
      expect(versions).toHaveLength(KEEP_COPIES);
      expect(versions).toEqual(all.slice(-KEEP_COPIES - 1, -1).reverse());
    } finally {
      await store.close();
    }
  });
});
