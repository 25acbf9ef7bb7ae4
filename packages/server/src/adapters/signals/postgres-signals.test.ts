import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../db/postgres-test-database.js';
import { PostgresSignals } from './postgres-signals.js';
import { describeSignals } from './signals.suite.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describeSignals(
  'PostgreSQL signals',
  async () => {
    const open = async (name: string) => {
      const url = new URL(database.url);
      url.searchParams.set('application_name', name);
      const signals = new PostgresSignals({ url: url.toString(), minBackoffMs: 20 });
      await signals.ready();
      return signals;
    };
    const name = `signals-${Math.random().toString(36).slice(2)}`;
    const signals = await open(name);
    return {
      signals,
      anotherNode: () => open(`signals-${Math.random().toString(36).slice(2)}`),
      async breakConnection() {
        const admin = new pg.Client({ connectionString: database.url });
        await admin.connect();
        try {
          const { rowCount } = await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
            [name],
          );
          if (!rowCount) throw new Error('the fixture’s PostgreSQL connection was not found');
        } finally {
          await admin.end();
        }
      },
      dispose: () => signals.close(),
    };
  },
  { betweenProcesses: true },
);
