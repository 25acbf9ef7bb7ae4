import { MIGRATION_NAMES } from '../migrations/in-code-migration-provider.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../sqlite.js';
import { describeIdentityStore } from './identity-store.suite.js';
import { storeOver } from '../index.js';
import { migrateToLatest } from '../migrations/migrate.js';

describeIdentityStore('The identity records on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-identity-'));
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

describe('identity schema on SQLite', () => {
  it('survives reopening the file: nothing to migrate, data kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-identity-'));
    try {
      const path = join(dir, 'wharf.db');
      const first = openSqlite({ path, synchronous: 'normal' });
      expect(await migrateToLatest(first, 'sqlite')).toEqual(MIGRATION_NAMES);
      await storeOver(first, 'sqlite').users.create({ username: 'kept' });
      await first.destroy();
      const second = openSqlite({ path, synchronous: 'normal' });
      try {
        expect(await migrateToLatest(second, 'sqlite')).toEqual([]);
        expect(await storeOver(second, 'sqlite').users.getByName('kept')).toBeDefined();
      } finally {
        await second.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
