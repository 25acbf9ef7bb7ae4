import type { MigrationProvider } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../sqlite.js';
import { InCodeMigrationProvider } from './in-code-migration-provider.js';
import { migrateToLatest } from './migrate.js';

const open: Array<{ destroy(): Promise<void> }> = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

/** The compiled-in migrations without the one named. */
function without(name: string): MigrationProvider {
  return {
    async getMigrations() {
      const all = await new InCodeMigrationProvider('sqlite').getMigrations();
      return Object.fromEntries(Object.entries(all).filter(([key]) => key !== name));
    },
  };
}

describe('migrateToLatest', () => {
  it('applies a migration that sorts before others already applied (a branch merged later)', async () => {
    const db = openSqlite({ path: ':memory:', synchronous: 'normal' });
    open.push(db);
    const skipped = '0006-robot-project-binding';
    const first = await migrateToLatest(db, 'sqlite', without(skipped));
    expect(first).not.toContain(skipped);
    expect(first).toContain('0007-leases');
    expect(await migrateToLatest(db, 'sqlite')).toEqual([skipped]);
    expect(await migrateToLatest(db, 'sqlite')).toEqual([]);
  });
});
