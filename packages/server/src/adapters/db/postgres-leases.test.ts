import { describeSharedLeases } from '../lease/lease.suite.js';
import { openDatabase } from './index.js';
import { createTestDatabase } from './postgres-test-database.js';

// Each "node" has its own pool on the one database, as two Wharf processes would.
describeSharedLeases('KyselyLeases on PostgreSQL', async (clock) => {
  const database = await createTestDatabase();
  const open = () => openDatabase({ driver: 'postgres', url: database.url, poolSize: 8 });
  const first = open();
  await first.store.migrate();
  const others: Array<() => Promise<void>> = [];
  return {
    leases: first.leases(clock),
    anotherNode: () => {
      const other = open();
      others.push(() => other.store.close());
      return Promise.resolve(other.leases(clock));
    },
    async dispose() {
      try {
        for (const close of others) await close();
        await first.store.close();
      } finally {
        await database.drop();
      }
    },
  };
});
