import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore } from './index.js';
import { digestOf } from './metadata-store-fixture.suite.js';
import { perTestDatabases } from './postgres-test-database.js';

/** Waits until some backend of the database waits for a row lock (the second writer queued behind the first). */
async function untilSomeoneWaitsForALock(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('the second writer never waited for the quota row');
  } finally {
    await client.end();
  }
}

describe('quota reservations on PostgreSQL', () => {
  const databases = perTestDatabases();

  it('two first pushes of one digest into two repositories of a project, racing, count it once', async () => {
    const url = await databases.url();
    const store = openStore({ driver: 'postgres', url, poolSize: 4 });
    databases.defer(() => store.close());
    await store.migrate();
    const project = await store.projects.create({ name: 'race', public: false });
    await store.quotas.create(project.id, -1);
    const digest = digestOf('shared layer');
    const push = (repository: string, beforeCommit: Promise<void> = Promise.resolve()) =>
      store.transaction(async (tx) => {
        // As the core does: the quota link first, then the blob's records.
        const change = await tx.quotas.reserve('race', digest, 1000);
        const repo = await tx.repositories.ensure(repository, project.id);
        await tx.blobs.put({ digest, size: 1000 }, Date.now());
        await tx.blobs.link(repo.id, digest);
        await beforeCommit;
        return change;
      });

    let letFirstCommit!: () => void;
    const first = push('race/one', new Promise<void>((resolve) => (letFirstCommit = resolve)));
    // The second push starts while the first holds its reservation uncommitted, and queues behind it.
    const second = push('race/two');
    await untilSomeoneWaitsForALock(url);
    letFirstCommit();
    expect(await first).toMatchObject({ delta: 1000, used: 1000 });
    // It sees the first one's link once it gets the row: nothing more to count.
    expect(await second).toMatchObject({ delta: 0, used: 1000 });
    expect((await store.quotas.ofProject(project.id))?.used).toBe(1000);
    expect(await store.quotas.recount()).toEqual([]);
  });

  it('a delete of the last other holder, racing a push that links the digest, releases nothing', async () => {
    const url = await databases.url();
    const store = openStore({ driver: 'postgres', url, poolSize: 4 });
    databases.defer(() => store.close());
    await store.migrate();
    const project = await store.projects.create({ name: 'race', public: false });
    await store.quotas.create(project.id, -1);
    const digest = digestOf('shared layer');
    await store.transaction(async (tx) => {
      expect(await tx.quotas.reserve('race', digest, 1000)).toMatchObject({ delta: 1000 });
      const one = await tx.repositories.ensure('race/one', project.id);
      await tx.blobs.put({ digest, size: 1000 }, Date.now());
      await tx.blobs.link(one.id, digest);
    });

    let letPushCommit!: () => void;
    const pushMayCommit = new Promise<void>((resolve) => (letPushCommit = resolve));
    const push = store.transaction(async (tx) => {
      const change = await tx.quotas.reserve('race', digest, 1000);
      const two = await tx.repositories.ensure('race/two', project.id);
      await tx.blobs.link(two.id, digest);
      await pushMayCommit;
      return change;
    });
    // race/one unlinks the blob while the push into race/two has not committed yet, and queues behind it.
    const unlink = store.transaction(async (tx) => {
      const change = await tx.quotas.releaseBlob('race/one', digest);
      await tx.blobs.unlink((await tx.repositories.get('race/one'))!.id, digest);
      return change;
    });
    await untilSomeoneWaitsForALock(url);
    letPushCommit();
    expect(await push).toMatchObject({ delta: 0, used: 1000 });
    expect(await unlink).toMatchObject({ delta: 0, used: 1000 });
    expect((await store.quotas.ofProject(project.id))?.used).toBe(1000);
    expect(await store.quotas.recount()).toEqual([]);
  });
});
