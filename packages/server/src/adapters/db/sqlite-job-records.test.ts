import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './index.js';
import { describeJobRecords } from './job-records.suite.js';

// A SQLite deployment runs one process: "the other node" is the same connection.
describeJobRecords('KyselyJobRecords on SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wharf-jobs-'));
  const database = openDatabase({ driver: 'sqlite', path: join(dir, 'wharf.db'), synchronous: 'normal' });
  await database.store.migrate();
  const records = database.jobs();
  return {
    records,
    other: records,
    async dispose() {
      await database.store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
