import { openDatabase } from './index.js';
import { describeJobRecords } from './job-records.suite.js';
import { createTestDatabase } from './postgres-test-database.js';

// Each "node" has its own pool on the one database, as two Wharf processes would.
describeJobRecords('KyselyJobRecords on PostgreSQL', async () => {
  const database = await createTestDatabase();
  const open = () => openDatabase({ driver: 'postgres', url: database.url, poolSize: 4 });
  const first = open();
  const second = open();
  await first.store.migrate();
  return {
    records: first.jobs(),
    other: second.jobs(),
    async dispose() {
      try {
        await first.store.close();
        await second.store.close();
      } finally {
        await database.drop();
      }
    },
  };
});
