// `wharf migrate` on an older SQLite database copies it first; `wharf rollback` (the documented one command) puts
// that copy back, so that the previous Wharf version starts on the schema it knows.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import type { MigrationProvider } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/index.js';
import type { KyselyStore } from '../../src/adapters/db/kysely-store.js';
import { InCodeMigrationProvider } from '../../src/adapters/db/migrations/in-code-migration-provider.js';
import { WHARF_MAIN } from '../helpers/registry-process.js';

const run = promisify(execFile);
/** The newest compiled-in migration and the one before it: what an upgrade applies and what a rollback restores. */
const NAMES = Object.keys(await new InCodeMigrationProvider('sqlite').getMigrations()).sort();
const LAST = NAMES.at(-1)!;
const PREVIOUS = NAMES.at(-2)!;

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wharf-rollback-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function applied(dbPath: string): string[] {
  const db = new SqliteDatabase(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
}

describe('wharf rollback', () => {
  it('restores the copy taken before `wharf migrate` upgraded the database', async () => {
    const dbPath = path.join(dir, 'wharf.db');
    const older: MigrationProvider = {
      async getMigrations() {
        const all = await new InCodeMigrationProvider('sqlite').getMigrations();
        return Object.fromEntries(Object.entries(all).filter(([name]) => name !== LAST));
      },
    };
    const { store } = openDatabase({ driver: 'sqlite', path: dbPath, synchronous: 'normal' });
    await (store as KyselyStore).migrate(older); // the database as the previous version left it
    await store.close();
    const env = { PATH: process.env.PATH ?? '', WHARF_DATA_DIR: dir };

    const migrated = await run(process.execPath, [WHARF_MAIN, 'migrate'], { env });
    expect(migrated.stdout).toContain(`applied: ${LAST}`);
    expect(applied(dbPath)).toContain(LAST);
    expect(await readdir(dir)).toContain(`wharf.db.schema-${PREVIOUS}.bak`);
    const listed = await run(process.execPath, [WHARF_MAIN, 'rollback', '--list'], { env });
    expect(listed.stdout).toContain(`schema ${PREVIOUS}`);

    const rolled = await run(process.execPath, [WHARF_MAIN, 'rollback'], { env });
    expect(rolled.stdout).toContain(`restored ${path.join(dir, `wharf.db.schema-${PREVIOUS}.bak`)}`);
    expect(applied(dbPath)).not.toContain(LAST);
    expect(applied(dbPath)).toContain(PREVIOUS);
    expect((await readdir(dir)).some((name) => name.startsWith('wharf.db.rolled-back-'))).toBe(true);
  });
});
