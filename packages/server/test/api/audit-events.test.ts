import { describe, expect, it } from 'vitest';
import type { DomainEvent, DomainEventType } from '../../src/domain/events.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { createProjectWithMembers } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();

const TYPES: DomainEventType[] = [
  'quota.updated',
  'retention.created',
  'retention.updated',
  'retention.deleted',
  'repository.updated',
  'schedule.updated',
  'execution.started',
  'execution.finished',
];

/** The events of the types above that `change` recorded, as delivered after commit. */
async function eventsOf(change: () => Promise<unknown>): Promise<DomainEvent[]> {
  await reg.wharf.events.relay.drain();
  const seen: DomainEvent[] = [];
  reg.wharf.events.bus.subscribe(`test-${Math.random()}`, TYPES, (event) => {
    seen.push(event);
  });
  await change();
  await reg.wharf.events.relay.drain();
  return seen;
}

function retentionBody(projectId: number, cron: string) {
  return {
    algorithm: 'or',
    rules: [
      {
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: 3 },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
      },
    ],
    trigger: { kind: 'Schedule', settings: { cron } },
    scope: { level: 'project', ref: projectId },
  };
}

describe('changes record their events in their own transaction', () => {
  it('quota.updated: committed once; a refused change records nothing', async () => {
    const { project } = await createProjectWithMembers(reg.wharf, 'evq', { public: false });
    const quota = (await reg.wharf.store.quotas.ofProject(project.id))!;
    const committed = await eventsOf(() =>
      api(reg.app, 'PUT', `/quotas/${quota.id}`, ADMIN, { hard: { storage: 1024 } }),
    );
    expect(committed).toEqual([
      expect.objectContaining({
        type: 'quota.updated',
        quotaId: quota.id,
        projectId: project.id,
        project: 'evq',
        hard: 1024,
        by: expect.objectContaining({ kind: 'user', name: 'admin' }) as unknown,
      }),
    ]);
    const refused = await eventsOf(async () => {
      expectHarborError(
        await api(reg.app, 'PUT', `/quotas/${quota.id + 10_000}`, ADMIN, { hard: { storage: 1024 } }),
        404,
        'NOT_FOUND',
      );
    });
    expect(refused).toEqual([]);
  });

  it('repository.updated: committed, and nothing when the description is refused', async () => {
    await createProjectWithMembers(reg.wharf, 'evr', { public: false });
    await pushImage(reg.app, 'evr/app', 'v1');
    const committed = await eventsOf(() =>
      api(reg.app, 'PUT', '/projects/evr/repositories/app', ADMIN, { description: 'd' }),
    );
    expect(committed).toEqual([expect.objectContaining({ type: 'repository.updated', repository: 'evr/app' })]);
    const refused = await eventsOf(() =>
      api(reg.app, 'PUT', '/projects/evr/repositories/app', ADMIN, { description: 'x'.repeat(2000) }),
    );
    expect(refused).toEqual([]);
  });

  it('retention.created/updated/deleted with their schedule.updated', async () => {
    const { project } = await createProjectWithMembers(reg.wharf, 'evt', { public: false });
    let id = 0;
    const created = await eventsOf(async () => {
      const res = await api(reg.app, 'POST', '/retentions', ADMIN, retentionBody(project.id, '0 0 1 * * *'));
      expect(res.statusCode, res.body).toBe(201);
      id = Number((res.headers.location as string).split('/').at(-1));
    });
    expect(created.map((e) => e.type)).toEqual(['retention.created', 'schedule.updated']);
    expect(created[0]).toMatchObject({ policyId: id, projectId: project.id });
    expect(created[1]).toMatchObject({ vendorType: 'RETENTION_TRIGGER', vendorId: id, cron: '0 0 1 * * *' });

    const updated = await eventsOf(() =>
      api(reg.app, 'PUT', `/retentions/${id}`, ADMIN, retentionBody(project.id, '')),
    );
    expect(updated.map((e) => [e.type, 'cron' in e ? e.cron : undefined])).toEqual([
      ['retention.updated', undefined],
      ['schedule.updated', null],
    ]);
    const deleted = await eventsOf(() => api(reg.app, 'DELETE', `/retentions/${id}`, ADMIN));
    expect(deleted.map((e) => e.type)).toEqual(['retention.deleted']);
    // A refused creation (no such project) records nothing.
    expect(await eventsOf(() => api(reg.app, 'POST', '/retentions', ADMIN, retentionBody(999_999, '')))).toEqual([]);
  });

  it('execution.started by the operator and execution.finished with the final status, for a GC run', async () => {
    let executionId = 0;
    const events = await eventsOf(async () => {
      const res = await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, {
        schedule: { type: 'Manual' },
        parameters: { dry_run: true },
      });
      expect(res.statusCode, res.body).toBe(201);
      executionId = Number((res.headers.location as string).split('/').at(-1));
      await reg.wharf.jobs.tick();
      await reg.wharf.jobs.idle();
    });
    expect(events.map((e) => e.type)).toEqual(['execution.started', 'execution.finished']);
    expect(events[0]).toMatchObject({
      executionId,
      vendorType: 'GARBAGE_COLLECTION',
      trigger: 'MANUAL',
      by: expect.objectContaining({ kind: 'user', name: 'admin' }) as unknown,
    });
    const execution = (await reg.wharf.jobs.executions.get(executionId))!;
    expect(events[1]).toMatchObject({
      executionId,
      status: 'Success',
      startTime: execution.startTime,
      endTime: execution.endTime,
      by: { kind: 'system', name: 'GARBAGE_COLLECTION' },
    });
    // Stopped, too: a pending execution stopped ends Stopped and records it once.
    const stopped = await eventsOf(async () => {
      const res = await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'Manual' } });
      const id = Number((res.headers.location as string).split('/').at(-1));
      expect((await api(reg.app, 'PUT', `/system/gc/${id}`, ADMIN)).statusCode).toBe(200);
      await reg.wharf.jobs.tick();
      await reg.wharf.jobs.idle();
    });
    expect(stopped.map((e) => [e.type, 'status' in e ? e.status : undefined])).toEqual([
      ['execution.started', undefined],
      ['execution.finished', 'Stopped'],
    ]);
  });

  it('schedule.updated for the GC schedule, not for system schedules set at start', async () => {
    const set = await eventsOf(() =>
      api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, { schedule: { type: 'Daily' } }),
    );
    expect(set).toEqual([
      expect.objectContaining({ type: 'schedule.updated', vendorType: 'GARBAGE_COLLECTION', cron: '0 0 0 * * *' }),
    ]);
    expect(set[0]).not.toHaveProperty('vendorId');
    const removed = await eventsOf(() =>
      api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, { schedule: { type: 'None' } }),
    );
    expect(removed).toEqual([expect.objectContaining({ type: 'schedule.updated', cron: null })]);
    // A restart sets the system schedules again, by no operator: nothing recorded (delivered when first drained).
    await reg.wharf.events.relay.drain();
    await reg.reopen();
    expect(await eventsOf(() => Promise.resolve())).toEqual([]);
  });
});
