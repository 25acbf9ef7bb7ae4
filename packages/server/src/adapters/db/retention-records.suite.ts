import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../domain/errors.js';
import type { RetentionPolicyData } from '../../domain/retention-policy.js';
import { repositoryIn, type FreshStore } from './metadata-store-fixture.suite.js';

const T0 = new Date(1_700_000_000_000);
const T1 = new Date(1_700_000_060_000);

function data(k: number, cron?: string): RetentionPolicyData {
  return {
    algorithm: 'or',
    rules: [
      {
        id: 1,
        priority: 0,
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: k },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
      },
    ],
    trigger: { kind: 'Schedule', settings: cron ? { cron } : {} },
  };
}

/** Tag retention policies (ports/retention-records.ts), on every backend. */
export function describeRetentionRecords(fresh: FreshStore): void {
  describe('retention policies', () => {
    it('creates, reads by id and by project, updates and deletes a policy, keeping its JSON as given', async () => {
      const store = await fresh();
      await repositoryIn(store, 'ret/app');
      const project = (await store.projects.getByName('ret'))!;
      const created = await store.retention.create(project.id, data(3, '0 0 0 * * *'), T0);
      expect(created).toEqual({ id: created.id, projectId: project.id, ...data(3, '0 0 0 * * *') });
      expect(await store.retention.get(created.id)).toEqual(created);
      expect(await store.retention.ofProject(project.id)).toEqual(created);

      expect(await store.retention.update(created.id, data(5), T1)).toBe(true);
      expect(await store.retention.get(created.id)).toEqual({ ...created, ...data(5) });
      expect(await store.retention.update(created.id + 1000, data(5), T1)).toBe(false);

      expect(await store.retention.delete(created.id)).toBe(true);
      expect(await store.retention.delete(created.id)).toBe(false);
      expect(await store.retention.get(created.id)).toBeUndefined();
      expect(await store.retention.ofProject(project.id)).toBeUndefined();
    });

    it('keeps one policy per project, and drops it with its project', async () => {
      const store = await fresh();
      const project = await store.projects.create({ name: 'ret-one', public: false });
      const policy = await store.retention.create(project.id, data(1), T0);
      await expect(store.retention.create(project.id, data(2), T0)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.projects.delete(project.id)).toBe(true);
      expect(await store.retention.get(policy.id)).toBeUndefined();
    });

    it('answers no counts for tasks without any', async () => {
      const store = await fresh();
      expect(await store.retention.taskResults([])).toEqual(new Map());
      expect(await store.retention.taskResults([123456])).toEqual(new Map());
    });
  });
}
