import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, createUser, expectHarborError } from '../helpers/api-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const reg = useTestRegistry({}, { clock });

async function runJobs(): Promise<void> {
  await reg.wharf.jobs.tick();
  await reg.wharf.jobs.idle();
}

async function users(): Promise<string[]> {
  await reg.wharf.events.relay.drain();
  const { items } = await reg.wharf.store.audit.list({ eventType: { anyOf: ['create_user'] }, page: 1, pageSize: 50 });
  return items.map((r) => r.resource).sort();
}

async function purge(parameters: Record<string, unknown>): Promise<number> {
  const res = await api(reg.app, 'POST', '/system/purgeaudit/schedule', ADMIN, {
    schedule: { type: 'Manual' },
    parameters,
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = Number((res.headers.location as string).split('/').at(-1));
  expect(res.headers.location).toBe(`/api/v2.0/system/purgeaudit/${id}`);
  await runJobs();
  return id;
}

describe('purging the audit log by age through the job engine', () => {
  it('purges the included types older than the retention; a dry run only counts; the log says what it did', async () => {
    await createUser(reg.app, 'olduser');
    clock.advance(48 * 3_600_000);
    await createUser(reg.app, 'newuser');
    expect(await users()).toEqual(['newuser', 'olduser']);

    const dry = await purge({ audit_retention_hour: 24, include_event_types: 'create_user', dry_run: true });
    expect(await users()).toEqual(['newuser', 'olduser']);
    const dryLog = await api(reg.app, 'GET', `/system/purgeaudit/${dry}/log`, ADMIN);
    expect(dryLog.statusCode).toBe(200);
    expect(dryLog.body).toContain('dry run: would purge 1 audit records');

    // Types not included stay, whatever their age.
    await purge({ audit_retention_hour: 24, include_event_types: 'delete_user' });
    expect(await users()).toEqual(['newuser', 'olduser']);

    const real = await purge({ audit_retention_hour: 24, include_event_types: 'create_user,create_project' });
    expect(await users()).toEqual(['newuser']);
    expect((await api(reg.app, 'GET', `/system/purgeaudit/${real}/log`, ADMIN)).body).toContain('purged 1 audit');
    const one = await api(reg.app, 'GET', `/system/purgeaudit/${real}`, ADMIN);
    expect(one.json()).toMatchObject({
      id: real,
      job_name: 'PURGE_AUDIT_LOG',
      job_kind: 'MANUAL',
      job_status: 'Success',
    });
    expect(JSON.parse(one.json<{ job_parameters: string }>().job_parameters)).toMatchObject({
      audit_retention_hour: 24,
      purged: 1,
      dry_run: false,
    });
    const history = await api(reg.app, 'GET', '/system/purgeaudit?page_size=2', ADMIN);
    expect(history.headers['x-total-count']).toBe('3');
    expect(history.json<{ id: number }[]>().map((h) => h.id)).toEqual([real, real - 1]);
    expectHarborError(await api(reg.app, 'GET', '/system/purgeaudit/999999', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(
      await api(reg.app, 'POST', '/system/purgeaudit/schedule', ADMIN, {
        schedule: { type: 'Manual' },
        parameters: { audit_retention_hour: 'soon' },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it('a schedule purges when due, and can be read, changed and removed', async () => {
    expect((await api(reg.app, 'GET', '/system/purgeaudit/schedule', ADMIN)).json()).toEqual({});
    const set = await api(reg.app, 'POST', '/system/purgeaudit/schedule', ADMIN, {
      schedule: { type: 'Hourly' },
      parameters: { audit_retention_hour: 1, include_event_types: 'create_user' },
    });
    expect(set.statusCode, set.body).toBe(201);
    const schedule = (await api(reg.app, 'GET', '/system/purgeaudit/schedule', ADMIN)).json<{
      schedule: { type: string; cron: string };
      job_parameters: string;
    }>();
    expect(schedule.schedule).toMatchObject({ type: 'Hourly', cron: '0 0 * * * *' });
    expect(JSON.parse(schedule.job_parameters)).toMatchObject({ audit_retention_hour: 1 });

    clock.advance(2 * 3_600_000);
    await runJobs();
    await runJobs();
    expect(await users()).toEqual([]);
    const runs = (await api(reg.app, 'GET', '/system/purgeaudit', ADMIN)).json<{ job_kind: string }[]>();
    expect(runs[0]?.job_kind).toBe('SCHEDULE');

    expect(
      (await api(reg.app, 'PUT', '/system/purgeaudit/schedule', ADMIN, { schedule: { type: 'None' } })).statusCode,
    ).toBe(200);
    expect((await api(reg.app, 'GET', '/system/purgeaudit/schedule', ADMIN)).json()).toEqual({});
  });
});
