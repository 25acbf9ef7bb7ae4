import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { ADMIN, api, createUser, expectHarborError } from '../helpers/api-client.js';
import { pullManifest, pushImage } from '../helpers/artifact-content.js';
import { createProjectWithMembers } from '../helpers/principals.js';
import { postLogin } from '../helpers/session-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

interface Ext {
  id: number;
  username: string;
  resource: string;
  resource_type: string;
  operation: string;
  operation_description: string;
  operation_result: boolean;
  op_time: string;
}

const reg = useTestRegistry();

/** Delivers committed events, writes buffered records. */
async function settle(): Promise<void> {
  await reg.wharf.events.relay.drain();
  await reg.wharf.audit!.flush();
}

async function exts(query = '', as = ADMIN): Promise<Ext[]> {
  await settle();
  const res = await api(reg.app, 'GET', `/auditlog-exts?page_size=100${query}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Ext[]>();
}

/** The records `change` added (newest first). */
async function recordsOf(change: () => Promise<unknown>): Promise<Ext[]> {
  await settle();
  const before = (await exts())[0]?.id ?? 0;
  await change();
  return (await exts()).filter((r) => r.id > before);
}

function ok(res: { statusCode: number; body: string }, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res;
}

describe('every audited event produces its audit record', () => {
  it('records each change through the API and /v2 with its operator, resource and event type', async () => {
    const steps: [string, () => Promise<unknown>, Partial<Ext>][] = [
      [
        'create_project',
        () => api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'aud', metadata: { public: 'false' } }),
        { resource: 'aud', resource_type: 'project', operation: 'create' },
      ],
      [
        'update_project',
        () => api(reg.app, 'PUT', '/projects/aud', ADMIN, { metadata: { public: 'true' } }),
        { resource: 'aud', operation: 'update' },
      ],
      ['create_artifact', () => pushImage(reg.app, 'aud/app', 'v1'), { resource: 'aud/app:v1' }],
      ['pull_artifact', () => pullManifest(reg.app, 'aud/app', 'v1'), { resource: 'aud/app:v1', operation: 'pull' }],
      [
        'create_tag',
        async () => {
          const art = await api(reg.app, 'GET', '/projects/aud/repositories/app/artifacts/v1', ADMIN);
          return api(
            reg.app,
            'POST',
            `/projects/aud/repositories/app/artifacts/${art.json<{ digest: string }>().digest}/tags`,
            ADMIN,
            { name: 'v2' },
          );
        },
        { resource: 'aud/app:v2' },
      ],
      [
        'delete_tag',
        () => api(reg.app, 'DELETE', '/projects/aud/repositories/app/artifacts/v1/tags/v2', ADMIN),
        { resource: 'aud/app:v2' },
      ],
      [
        'update_repository',
        () => api(reg.app, 'PUT', '/projects/aud/repositories/app', ADMIN, { description: 'hello' }),
        { resource: 'aud/app' },
      ],
      [
        'delete_artifact',
        () => api(reg.app, 'DELETE', '/projects/aud/repositories/app/artifacts/v1', ADMIN),
        { resource_type: 'artifact', operation: 'delete' },
      ],
      [
        'delete_repository',
        async () => {
          await pushImage(reg.app, 'aud/gone', 'x');
          return api(reg.app, 'DELETE', '/projects/aud/repositories/gone', ADMIN);
        },
        { resource: 'aud/gone' },
      ],
      ['create_user', () => createUser(reg.app, 'auduser'), { resource: 'auduser', resource_type: 'user' }],
      [
        'create_project_member',
        () =>
          api(reg.app, 'POST', '/projects/aud/members', ADMIN, { role_id: 2, member_user: { username: 'auduser' } }),
        { resource: 'auduser' },
      ],
      [
        'update_configure',
        () => api(reg.app, 'PUT', '/configurations', ADMIN, { token_expiration: 45 }),
        { resource: 'configuration' },
      ],
      [
        'update_quota',
        async () => {
          const [quota] = (await api(reg.app, 'GET', '/quotas?reference_id=' + (await projectId('aud')), ADMIN)).json<
            { id: number }[]
          >();
          return api(reg.app, 'PUT', `/quotas/${quota!.id}`, ADMIN, { hard: { storage: 1 << 30 } });
        },
        { resource: 'aud' },
      ],
      [
        'create_label',
        () => api(reg.app, 'POST', '/labels', ADMIN, { name: 'audlabel', scope: 'g', color: '#000000' }),
        { resource: 'audlabel' },
      ],
      [
        'create_immutable_rule',
        () =>
          api(reg.app, 'POST', '/projects/aud/immutabletagrules', ADMIN, {
            disabled: false,
            action: 'immutable',
            template: 'immutable_template',
            tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'rel-*' }],
            scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
          }),
        { resource_type: 'immutable_rule' },
      ],
      [
        'create_robot',
        () =>
          api(reg.app, 'POST', '/robots', ADMIN, {
            name: 'audbot',
            level: 'system',
            duration: -1,
            permissions: [{ kind: 'project', namespace: 'aud', access: [{ resource: 'repository', action: 'pull' }] }],
          }),
        { resource: 'robot$audbot' },
      ],
      [
        'update_schedule',
        () => api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'Custom', cron: '0 0 3 * * *' } }),
        { resource: 'GARBAGE_COLLECTION', resource_type: 'schedule' },
      ],
      [
        'delete_schedule',
        () => api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, { schedule: { type: 'None' } }),
        { resource: 'GARBAGE_COLLECTION' },
      ],
      ['login_user', () => postLogin(reg.app, 'admin', ADMIN.password), { resource: 'admin' }],
      [
        'login_user',
        () => postLogin(reg.app, 'admin', 'wrong-password'),
        { resource: 'admin', operation_result: false },
      ],
      [
        'delete_user',
        async () => api(reg.app, 'DELETE', `/users/${await userId('auduser')}`, ADMIN),
        { resource: 'auduser' },
      ],
      [
        'delete_project',
        async () => {
          await api(reg.app, 'DELETE', '/projects/aud/repositories/app', ADMIN);
          return api(reg.app, 'DELETE', '/projects/aud', ADMIN);
        },
        { resource: 'aud' },
      ],
    ];
    for (const [eventType, change, expected] of steps) {
      const added = await recordsOf(change);
      const [operation, ...rest] = eventType.split('_');
      const match = added.find(
        (r) =>
          r.operation === operation &&
          r.resource_type === rest.join('_') &&
          (expected.operation_result === undefined || r.operation_result === expected.operation_result),
      );
      expect(match, `${eventType}: ${JSON.stringify(added)}`).toBeDefined();
      expect(match).toMatchObject({ username: 'admin', ...expected });
      if (expected.operation_result === undefined) expect(match!.operation_result).toBe(true);
    }
  });

  it('keeps the client address and answers the event types', async () => {
    const res = await api(reg.app, 'GET', '/auditlog-exts/events', ADMIN);
    expect(res.statusCode).toBe(200);
    const types = res.json<{ event_type: string }[]>().map((t) => t.event_type);
    expect(types.slice(0, 3)).toEqual(['create_artifact', 'delete_artifact', 'pull_artifact']);
    expect(types).toContain('update_configure');
    const [record] = (await reg.wharf.store.audit.list({ page: 1, pageSize: 1 })).items;
    expect(record?.clientIp).toBe('127.0.0.1');
    expect((await api(reg.app, 'GET', '/auditlog-exts/events')).statusCode).toBe(401);
  });
});

async function projectId(name: string): Promise<number> {
  return (await reg.wharf.store.projects.getByName(name))!.id;
}

async function userId(name: string): Promise<number> {
  return (await reg.wharf.store.users.getByName(name))!.id;
}

describe('delivery', () => {
  it('a repeated outbox delivery adds no second record', async () => {
    await settle();
    const event: DomainEvent = {
      type: 'user.updated',
      userId: 1,
      username: 'admin',
      at: Date.now(),
      by: { kind: 'user', name: 'admin' },
      outboxId: 9_999_999,
    };
    const before = (await reg.wharf.store.audit.list({ page: 1, pageSize: 1 })).total;
    await reg.wharf.audit!.handle(event);
    await reg.wharf.audit!.handle(event);
    expect((await reg.wharf.store.audit.list({ page: 1, pageSize: 1 })).total).toBe(before + 1);
  });

  it('a pull is buffered and written as exactly one record at the flush', async () => {
    await createProjectWithMembers(reg.wharf, 'batch', { public: false });
    await pushImage(reg.app, 'batch/app', 'v1');
    await settle();
    const query = { resource: { anyOf: ['batch/app:v1'] }, operation: { anyOf: ['pull'] }, page: 1, pageSize: 10 };
    ok(await pullManifest(reg.app, 'batch/app', 'v1'));
    expect((await reg.wharf.store.audit.list(query)).total).toBe(0);
    await reg.wharf.audit!.flush();
    const { items } = await reg.wharf.store.audit.list(query);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ username: 'admin', projectId: await projectId('batch'), success: true });
  });

  it('records a pull repeated within one flush interval once, and again after the flush', async () => {
    await createProjectWithMembers(reg.wharf, 'again', { public: false });
    await pushImage(reg.app, 'again/app', 'v1');
    await pushImage(reg.app, 'again/app', 'v2');
    await settle();
    const count = async (resource: string) =>
      (
        await reg.wharf.store.audit.list({
          resource: { anyOf: [resource] },
          operation: { anyOf: ['pull'] },
          page: 1,
          pageSize: 10,
        })
      ).total;
    for (let i = 0; i < 3; i++) ok(await pullManifest(reg.app, 'again/app', 'v1'));
    ok(await pullManifest(reg.app, 'again/app', 'v2'));
    await reg.wharf.audit!.flush();
    expect(await count('again/app:v1')).toBe(1);
    expect(await count('again/app:v2')).toBe(1);
    ok(await pullManifest(reg.app, 'again/app', 'v1'));
    await reg.wharf.audit!.flush();
    expect(await count('again/app:v1')).toBe(2);
  });
});

describe('queries', () => {
  it('filters with q, sorts and pages with X-Total-Count and Link', async () => {
    await createProjectWithMembers(reg.wharf, 'qry', { public: false });
    for (const tag of ['a', 'b', 'c']) await pushImage(reg.app, 'qry/app', tag);
    await settle();
    const pushes = await exts('&q=' + encodeURIComponent('operation=create,resource=~qry/app:,resource_type=artifact'));
    expect(pushes.map((r) => r.resource)).toEqual(['qry/app:c', 'qry/app:b', 'qry/app:a']);
    const ascending = await exts('&sort=op_time&q=' + encodeURIComponent('resource={qry/app:a qry/app:c}'));
    expect(ascending.filter((r) => r.resource_type === 'artifact').map((r) => r.resource)).toEqual([
      'qry/app:a',
      'qry/app:c',
    ]);

    const page = await api(
      reg.app,
      'GET',
      '/auditlog-exts?page=2&page_size=1&q=' + encodeURIComponent('resource=~qry/app:,resource_type=artifact'),
      ADMIN,
    );
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-total-count']).toBe('3');
    expect(page.headers.link).toContain('rel="prev"');
    expect(page.headers.link).toContain('rel="next"');
    expect(page.json<Ext[]>()[0]?.resource).toBe('qry/app:b');

    const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    const past = new Date(Date.now() - 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(await exts('&q=' + encodeURIComponent(`username=admin,op_time=[${future}~]`))).toEqual([]);
    expect(
      (await exts('&q=' + encodeURIComponent(`username=admin,op_time=[${past}~${future}]`))).length,
    ).toBeGreaterThan(0);
    expect(await exts('&q=' + encodeURIComponent('username=nobody'))).toEqual([]);

    expectHarborError(await api(reg.app, 'GET', '/auditlog-exts?q=colour=red', ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', '/auditlog-exts?sort=colour', ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', '/auditlog-exts?q=op_time=[x~y]', ADMIN), 400, 'BAD_REQUEST');
  });

  it('the legacy view shows repository content only, and a project its own records', async () => {
    const { members } = await createProjectWithMembers(reg.wharf, 'own', { public: false });
    await pushImage(reg.app, 'own/app', 'v1');
    await createUser(reg.app, 'legacyuser');
    await settle();
    const legacy = (await api(reg.app, 'GET', '/audit-logs?page_size=100', ADMIN)).json<Ext[]>();
    expect(legacy.some((r) => r.resource === 'own/app:v1')).toBe(true);
    expect(legacy.some((r) => r.resource_type === 'user')).toBe(false);
    expect(legacy[0]).not.toHaveProperty('operation_description');

    const mine = await api(reg.app, 'GET', '/projects/own/auditlog-exts?page_size=100', members.projectAdmin);
    expect(mine.statusCode).toBe(200);
    const resources = mine.json<Ext[]>().map((r) => r.resource);
    expect(resources).toContain('own/app:v1');
    expect(resources.every((r) => r.startsWith('own'))).toBe(true);
    // A project administrator's system-wide list is their projects' records.
    const theirs = (await api(reg.app, 'GET', '/auditlog-exts?page_size=100', members.projectAdmin)).json<Ext[]>();
    expect(theirs.map((r) => r.resource)).toContain('own/app:v1');
    expect(theirs.some((r) => r.resource === 'legacyuser')).toBe(false);
    // A developer lists nothing at all.
    expect((await api(reg.app, 'GET', '/auditlog-exts', members.developer)).json<Ext[]>()).toEqual([]);
    const legacyOwn = (await api(reg.app, 'GET', '/projects/own/logs', members.projectAdmin)).json<Ext[]>();
    expect(legacyOwn.map((r) => r.resource)).toContain('own/app:v1');
  });
});

describe('settings', () => {
  it('disabled event types are not recorded', async () => {
    await createProjectWithMembers(reg.wharf, 'dis', { public: false });
    await pushImage(reg.app, 'dis/app', 'v1');
    ok(
      await api(reg.app, 'PUT', '/configurations', ADMIN, {
        disabled_audit_log_event_types: 'pull_artifact, create_user',
      }),
    );
    await settle();
    const config = (await api(reg.app, 'GET', '/configurations', ADMIN)).json<Record<string, { value: unknown }>>();
    expect(config.disabled_audit_log_event_types?.value).toBe('pull_artifact,create_user');
    const added = await recordsOf(async () => {
      ok(await pullManifest(reg.app, 'dis/app', 'v1'));
      await createUser(reg.app, 'disableduser');
      await api(reg.app, 'PUT', '/projects/dis/repositories/app', ADMIN, { description: 'still' });
    });
    expect(added.map((r) => `${r.operation}_${r.resource_type}`)).toEqual(['update_repository']);
    ok(await api(reg.app, 'PUT', '/configurations', ADMIN, { disabled_audit_log_event_types: '' }));
    await settle();
  });

  it('skipping the database needs a forward endpoint', async () => {
    expectHarborError(
      await api(reg.app, 'PUT', '/configurations', ADMIN, { skip_audit_log_database: true }),
      400,
      'BAD_REQUEST',
    );
    expectHarborError(
      await api(reg.app, 'PUT', '/configurations', ADMIN, { audit_log_forward_endpoint: 'not an endpoint' }),
      400,
      'BAD_REQUEST',
    );
  });
});
