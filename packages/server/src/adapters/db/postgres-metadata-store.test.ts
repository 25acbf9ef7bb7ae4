import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../lib/secret-box.js';
import { MIGRATION_NAMES } from './migrations/in-code-migration-provider.js';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeArtifactActivityMigration } from './artifact-activity-migration.suite.js';
import { openStore } from './index.js';
import { describeMetadataStore } from './metadata-store.suite.js';
import { repositoryIn } from './metadata-store-fixture.suite.js';
import { openPostgres } from './postgres.js';
import { createTestDatabase, perTestDatabases, unmigratedPostgres } from './postgres-test-database.js';

describeMetadataStore('The store on PostgreSQL', async () => {
  const database = await createTestDatabase();
  const store = openStore({
    driver: 'postgres',
    url: database.url,
    poolSize: 10,
    secrets: new SecretBox(randomBytes(32)),
  });
  return {
    store,
    identity: store,
    async dispose() {
      try {
        await store.close();
      } finally {
        await database.drop();
      }
    },
  };
});

describeArtifactActivityMigration('migration 0003-artifact-activity on PostgreSQL', () => unmigratedPostgres(4));

describe('PostgreSQL specifics', () => {
  const databases = perTestDatabases();
  const testDatabaseUrl = () => databases.url();
  function open(url: string) {
    const store = openStore({ driver: 'postgres', url, poolSize: 4 });
    databases.defer(() => store.close());
    return store;
  }

  it('concurrent migrate() calls apply the schema once; a later store applies nothing', async () => {
    const url = await testDatabaseUrl();
    const results = await Promise.all([open(url).migrate(), open(url).migrate(), open(url).migrate()]);
    expect(results.flat()).toEqual(MIGRATION_NAMES);
    const later = open(url);
    expect(await later.migrate()).toEqual([]);
    await repositoryIn(later, 'library/after');
    expect(await open(url).repositories.list({ limit: 10 })).toEqual(['library/after']);
  });

  it('creates name columns with the C collation', async () => {
    const url = await testDatabaseUrl();
    await open(url).migrate();
    const db = openPostgres({ url, poolSize: 1 });
    databases.defer(() => db.destroy());
    const { rows } = await sql<{ table_name: string; collation_name: string | null }>`
      select table_name, collation_name from information_schema.columns
      where table_schema = 'public' and column_name = 'name' and table_name in ('repositories', 'tags')
      order by table_name`.execute(db);
    expect(rows).toEqual([
      { table_name: 'repositories', collation_name: 'C' },
      { table_name: 'tags', collation_name: 'C' },
    ]);
  });

  it('turns JIT compilation off for its sessions, unless the URL sets its own options', async () => {
    const url = await testDatabaseUrl();
    const db = openPostgres({ url, poolSize: 1 });
    databases.defer(() => db.destroy());
    const jit = async (on: typeof db) => (await sql<{ jit: string }>`show jit`.execute(on)).rows[0]?.jit;
    expect(await jit(db)).toBe('off');
    const own = new URL(url);
    own.searchParams.set('options', '-c jit=on -c application_name=own');
    const withOptions = openPostgres({ url: own.toString(), poolSize: 1 });
    databases.defer(() => withOptions.destroy());
    expect(await jit(withOptions)).toBe('on');
  });

  it('parses bigint as numbers on its own pool only, leaving the global pg parser alone', async () => {
    const db = openPostgres({ url: await testDatabaseUrl(), poolSize: 1 });
    databases.defer(() => db.destroy());
    const { rows } = await sql<{ big: unknown }>`select ${2 ** 40 + 3}::bigint as big`.execute(db);
    expect(rows[0]?.big).toBe(2 ** 40 + 3);
    const globalInt8 = pg.types.getTypeParser(20, 'text') as (value: string) => unknown;
    expect(globalInt8('12')).toBe('12');
  });
});
