import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSharedLeases } from '../lease/lease.suite.js';
import { openDatabase } from './index.js';

// Two connections to one SQLite file stand in for two nodes (SQLite deployments run one process; the
// database implementation still has to be right there).
describeSharedLeases('KyselyLeases on SQLite', async (clock) => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-leases-'));
  const path = join(dir, 'wharf.db');
  const first = openDatabase({ driver: 'sqlite', path, synchronous: 'normal' });
  await first.store.migrate();
  const others: Array<() => Promise<void>> = [];
  return {
    leases: first.leases(clock),
    anotherNode: () => {
      const other = openDatabase({ driver: 'sqlite', path, synchronous: 'normal' });
      others.push(() => other.store.close());
      return Promise.resolve(other.leases(clock));
    },
    async dispose() {
      for (const close of others) await close();
      await first.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
