import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../domain/errors.js';
import type { WebhookPolicyData } from '../../domain/webhook-policy.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const T0 = new Date(1_700_000_000_000);
const T1 = new Date(1_700_000_060_000);

function data(name: string, enabled = true): WebhookPolicyData {
  return {
    name,
    description: 'd',
    enabled,
    eventTypes: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'],
    targets: [
      {
        type: 'http',
        address: 'https://hooks.example.com/x',
        authHeader: 'Bearer s3cret',
        skipCertVerify: false,
        payloadFormat: 'CloudEvents',
      },
    ],
  };
}

/** Webhook policies and their last triggers (ports/webhook-records.ts), on every backend. */
export function describeWebhookRecords(fresh: FreshStore): void {
  describe('webhook policies', () => {
    it('creates, reads, lists, updates and deletes a policy, keeping its targets as given', async () => {
      const store = await fresh();
      const project = await store.projects.create({ name: 'hooks', public: false });
      const created = await store.webhooks.create(project.id, data('one'), 'admin', T0);
      expect(created).toEqual({
        id: created.id,
        projectId: project.id,
        ...data('one'),
        creator: 'admin',
        creationTime: T0,
        updateTime: T0,
      });
      expect(await store.webhooks.get(created.id)).toEqual(created);
      const second = await store.webhooks.create(project.id, { ...data('two', false) }, 'admin', T0);
      expect((await store.webhooks.ofProject(project.id)).map((p) => p.name)).toEqual(['one', 'two']);
      expect((await store.webhooks.enabledFor(project.id, 'PUSH_ARTIFACT')).map((p) => p.id)).toEqual([created.id]);
      expect(await store.webhooks.enabledFor(project.id, 'DELETE_TAG')).toEqual([]);
      expect(await store.webhooks.projectsWanting('PULL_ARTIFACT')).toEqual([project.id]);
      expect(await store.webhooks.projectsWanting('QUOTA_EXCEED')).toEqual([]);

      expect(await store.webhooks.update(created.id, { ...data('one'), enabled: false }, T1)).toBe(true);
      expect(await store.webhooks.get(created.id)).toMatchObject({ enabled: false, updateTime: T1, creationTime: T0 });
      expect(await store.webhooks.projectsWanting('PULL_ARTIFACT')).toEqual([]);
      expect(await store.webhooks.update(second.id + 1000, data('x'), T1)).toBe(false);
      await expect(store.webhooks.update(second.id, data('one'), T1)).rejects.toBeInstanceOf(ConflictError);

      expect(await store.webhooks.delete(created.id)).toBe(true);
      expect(await store.webhooks.delete(created.id)).toBe(false);
      expect(await store.webhooks.get(created.id)).toBeUndefined();
    });

    it('keeps names unique within a project only, and drops policies with their project', async () => {
      const store = await fresh();
      const a = await store.projects.create({ name: 'hooks-a', public: false });
      const b = await store.projects.create({ name: 'hooks-b', public: false });
      const policy = await store.webhooks.create(a.id, data('same'), 'admin', T0);
      await expect(store.webhooks.create(a.id, data('same'), 'admin', T0)).rejects.toBeInstanceOf(ConflictError);
      await store.webhooks.create(b.id, data('same'), 'admin', T0);
      await store.webhooks.recordTrigger(policy.id, 'PUSH_ARTIFACT', T0);
      expect(await store.projects.delete(a.id)).toBe(true);
      expect(await store.webhooks.get(policy.id)).toBeUndefined();
      expect(await store.webhooks.triggersOf(a.id)).toEqual([]);
    });

    it('records the last trigger per policy and event type, moving only forward', async () => {
      const store = await fresh();
      const project = await store.projects.create({ name: 'hooks-t', public: false });
      const policy = await store.webhooks.create(project.id, data('t'), 'admin', T0);
      await store.webhooks.recordTrigger(policy.id, 'PUSH_ARTIFACT', T1);
      await store.webhooks.recordTrigger(policy.id, 'PUSH_ARTIFACT', T0);
      await store.webhooks.recordTrigger(policy.id, 'PULL_ARTIFACT', T0);
      expect(await store.webhooks.triggersOf(project.id)).toEqual([
        { policyId: policy.id, eventType: 'PULL_ARTIFACT', at: T0 },
        { policyId: policy.id, eventType: 'PUSH_ARTIFACT', at: T1 },
      ]);
      // A deleted policy's trigger is not recorded (and does not fail).
      await store.webhooks.delete(policy.id);
      await store.webhooks.recordTrigger(policy.id, 'PUSH_ARTIFACT', T1);
      expect(await store.webhooks.triggersOf(project.id)).toEqual([]);
    });
  });
}
