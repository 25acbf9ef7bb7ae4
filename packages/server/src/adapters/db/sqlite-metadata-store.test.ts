import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../lib/secret-box.js';
import { MIGRATION_NAMES } from './migrations/in-code-migration-provider.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { describeArtifactActivityMigration } from './artifact-activity-migration.suite.js';
import { openStore, storeOver } from './index.js';
import { describeMetadataStore } from './metadata-store.suite.js';
import { repositoryIn } from './metadata-store-fixture.suite.js';
import { openSqlite } from './sqlite.js';

describeMetadataStore('The store on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-sqlite-'));
  // A not-yet-existing subdirectory: opening must create it.
  const store = openStore({
    driver: 'sqlite',
    path: join(dir, 'db', 'wharf.db'),
    synchronous: 'normal',
    secrets: new SecretBox(randomBytes(32)),
  });
  return {
    store,
    identity: store,
    async dispose() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describeArtifactActivityMigration('migration 0003-artifact-activity on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-sqlite-'));
  const db = openSqlite({ path: join(dir, 'wharf.db'), synchronous: 'normal' });
  return {
    db,
    dialect: 'sqlite',
    async dispose() {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('openSqlite', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-sqlite-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it('sets WAL, the requested synchronous level, foreign keys and a busy timeout', async () => {
    const db = openSqlite({ path: join(await tempDir(), 'wharf.db'), synchronous: 'full' });
    cleanup.push(() => db.destroy());
    const pragma = async (name: string) => {
      const { rows } = await sql<Record<string, unknown>>`select * from ${sql.raw(`pragma_${name}`)}`.execute(db);
      return Object.values(rows[0] ?? {})[0];
    };
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  });

  it('reopening a migrated file applies no migration and keeps the data', async () => {
    const path = join(await tempDir(), 'wharf.db');
    const first = openStore({ driver: 'sqlite', path, synchronous: 'normal' });
    expect(await first.migrate()).toEqual(MIGRATION_NAMES);
    await repositoryIn(first, 'library');
    await first.close();
    const second = storeOver(openSqlite({ path, synchronous: 'normal' }), 'sqlite');
    cleanup.push(() => second.close());
    expect(await second.migrate()).toEqual([]);
    expect(await second.repositories.list({ limit: 10 })).toEqual(['library']);
  });

  it("supports ':memory:'", async () => {
    const store = openStore({ driver: 'sqlite', path: ':memory:', synchronous: 'normal' });
    cleanup.push(() => store.close());
    expect(await store.migrate()).toEqual(MIGRATION_NAMES);
    const repository = await repositoryIn(store, 'library/in-memory');
    expect(await store.repositories.get('library/in-memory')).toEqual(repository);
  });
});
