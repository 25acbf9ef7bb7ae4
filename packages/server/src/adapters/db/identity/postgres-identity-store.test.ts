import { MIGRATION_NAMES } from '../migrations/in-code-migration-provider.js';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '../postgres.js';
import { perTestDatabases, unmigratedPostgres } from '../postgres-test-database.js';
import { describeIdentityStore } from './identity-store.suite.js';
import { migrateToLatest } from '../migrations/migrate.js';

describeIdentityStore('The identity records on PostgreSQL', () => unmigratedPostgres(10));

describe('identity schema on PostgreSQL', () => {
  const databases = perTestDatabases();
  const testDatabaseUrl = () => databases.url();
  function open(url: string) {
    const db = openPostgres({ url, poolSize: 4 });
    databases.defer(() => db.destroy());
    return db;
  }

  it('concurrent migrations from several nodes apply each migration once', async () => {
    const url = await testDatabaseUrl();
    const results = await Promise.all([1, 2, 3].map(() => migrateToLatest(open(url), 'postgres')));
    expect(results.flat().sort()).toEqual(MIGRATION_NAMES);
  });

  it('creates the name columns with the C collation', async () => {
    const db = open(await testDatabaseUrl());
    await migrateToLatest(db, 'postgres');
    const { rows } = await sql<{ table_name: string; column_name: string; collation_name: string | null }>`
      select table_name, column_name, collation_name from information_schema.columns
      where table_schema = 'public' and (table_name, column_name) in
        (('users', 'username'), ('users', 'email'), ('projects', 'name'), ('robots', 'name'))
      order by table_name, column_name`.execute(db);
    expect(rows).toEqual([
      { table_name: 'projects', column_name: 'name', collation_name: 'C' },
      { table_name: 'robots', column_name: 'name', collation_name: 'C' },
      { table_name: 'users', column_name: 'email', collation_name: 'C' },
      { table_name: 'users', column_name: 'username', collation_name: 'C' },
    ]);
  });
});
