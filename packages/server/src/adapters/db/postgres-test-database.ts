import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach } from 'vitest';
import type { IdentityStoreFixture } from './identity/identity-store-fixture.suite.js';
import { openPostgres } from './postgres.js';

/** Where tests find PostgreSQL; a superuser connection to an existing database. */
export function testPostgresAdminUrl(): string {
  // eslint-disable-next-line no-process-env -- test-only helper, shared by test files across the package
  return process.env['WHARF_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  readonly url: string;
  /** Drops the database, terminating connections still open to it. */
  drop(): Promise<void>;
}

/** Servers found unreachable: later calls fail at once instead of waiting out the timeout again. */
const unreachable = new Map<string, Error>();

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const known = unreachable.get(adminUrl);
  if (known) throw known;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    const failure = new Error(
      `PostgreSQL at ${adminUrl} is required for these tests and is unreachable (${reason}). ` +
        'Start it, or point WHARF_TEST_POSTGRES_URL at a reachable server.',
      { cause: error },
    );
    unreachable.set(adminUrl, failure);
    throw failure;
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named, empty database (`wharf_test_<random>`). It uses a natural-language (ICU en-US)
 * default collation where the server supports it, so byte-wise ordering must come from the schema itself.
 */
export async function createTestDatabase(adminUrl: string = testPostgresAdminUrl()): Promise<TestDatabase> {
  const name = `wharf_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    try {
      await client.query(
        `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
      );
    } catch {
      await client.query(`CREATE DATABASE ${name}`);
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(adminUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}

/**
 * For a test file: hands out fresh databases and collects clean-up steps, undone in reverse order after
 * each test (register it inside a `describe`).
 */
export function perTestDatabases(): { url(): Promise<string>; defer(step: () => Promise<void>): void } {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  return {
    async url() {
      const database = await createTestDatabase();
      cleanup.push(() => database.drop());
      return database.url;
    },
    defer(step) {
      cleanup.push(step);
    },
  };
}

/** A fresh, unmigrated PostgreSQL database opened with a pool of `poolSize`, for the suites that migrate it. */
export async function unmigratedPostgres(poolSize: number): Promise<IdentityStoreFixture> {
  const database = await createTestDatabase();
  const db = openPostgres({ url: database.url, poolSize });
  return {
    db,
    dialect: 'postgres',
    async dispose() {
      try {
        await db.destroy();
      } finally {
        await database.drop();
      }
    },
  };
}
