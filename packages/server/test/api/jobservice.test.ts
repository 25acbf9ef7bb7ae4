import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/password-hash.js';
import type { JobType } from '../../src/jobs/engine.js';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, createUser, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createRobotDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));

describe('the job service monitor and schedules (/jobservice, /schedules)', () => {
  const registry = useTestRegistry({}, { clock });
  let gateOpen!: () => void;
  const gate = new Promise<void>((resolve) => (gateOpen = resolve));
  const busy: JobType = {
    name: 'TEST_SWEEP',
    run: async ({ log }) => {
      log.info('sweeping');
      await gate;
    },
  };

  const systemRobot = async (name: string, actions: string[]): Promise<Credentials> => {
    const secret = `Secret-${name}-0`;
    await registry.wharf.store.robots.create({
      name: `robot$${name}`,
      level: 'system',
      projectId: null,
      permissions: [
        {
          kind: 'system',
          namespace: '/',
          access: actions.map((action) => ({ resource: 'jobservice-monitor', action })),
        },
      ],
      secretHash: await hashPassword(secret),
      disabled: false,
      durationDays: null,
      expiresAt: null,
    });
    return { username: `robot$${name}`, password: secret };
  };

  it('shows pools, workers, queues, schedules and task logs to administrators, and acts on queues', async () => {
    const jobs = registry.wharf.jobs;
    jobs.register(busy);
    await jobs.schedules.upsert({ vendorType: 'TEST_SWEEP', cron: '0 0 3 * * *' });
    const execution = await jobs.enqueue({ vendorType: 'TEST_SWEEP' });
    await jobs.tick();
    const [task] = await jobs.tasks.list(execution.id);
    expect(task?.status).toBe('Running');

    const pools = await api(registry.app, 'GET', '/jobservice/pools', ADMIN);
    expect(pools.statusCode, pools.body).toBe(200);
    const [pool] = pools.json<Array<{ worker_pool_id: string; concurrency: number; pid: number }>>();
    expect(pool).toMatchObject({ concurrency: 4, pid: process.pid });

    const workers = await api(
      registry.app,
      'GET',
      `/jobservice/pools/${encodeURIComponent(pool!.worker_pool_id)}/workers`,
      ADMIN,
    );
    expect(workers.statusCode, workers.body).toBe(200);
    expect(workers.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          job_name: 'TEST_SWEEP',
          job_id: String(task!.id),
          pool_id: pool!.worker_pool_id,
        }),
      ]),
    );
    expect((await api(registry.app, 'GET', '/jobservice/pools/all/workers', ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'GET', '/jobservice/pools/nope/workers', ADMIN), 404, 'NOT_FOUND');

    const schedules = await api(registry.app, 'GET', '/schedules?page_size=100', ADMIN);
    expect(schedules.statusCode, schedules.body).toBe(200);
    expect(schedules.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ vendor_type: 'TEST_SWEEP', vendor_id: -1, cron: '0 0 3 * * *' }),
        expect.objectContaining({ vendor_type: 'UPLOAD_PURGE', cron: '@every 3600s' }),
      ]),
    );
    expect(Number(schedules.headers['x-total-count'])).toBeGreaterThanOrEqual(4);

    const log = await api(registry.app, 'GET', `/jobservice/jobs/${task!.id}/log`, ADMIN);
    expect(log.statusCode).toBe(200);
    expect(log.headers['content-type']).toMatch(/^text\/plain/);
    expect(log.body).toContain('[INFO] sweeping');
    expectHarborError(await api(registry.app, 'GET', '/jobservice/jobs/999999/log', ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/jobservice/jobs/not-a-job/log', ADMIN), 404, 'NOT_FOUND');

    // Pause: a new execution waits; the queue shows it; resume lets it run.
    const paused = await api(registry.app, 'PUT', '/jobservice/queues/TEST_SWEEP', ADMIN, { action: 'pause' });
    expect(paused.statusCode, paused.body).toBe(200);
    const waiting = await jobs.enqueue({ vendorType: 'TEST_SWEEP' });
    clock.advanceSeconds(5);
    const queues = await api(registry.app, 'GET', '/jobservice/queues', ADMIN);
    expect(queues.statusCode, queues.body).toBe(200);
    expect(queues.json()).toEqual(
      expect.arrayContaining([
        { job_type: 'TEST_SWEEP', count: 1, latency: 5, paused: true },
        { job_type: 'SCHEDULER', count: 0, latency: 0, paused: false },
      ]),
    );
    expect((await api(registry.app, 'GET', '/schedules/all/paused', ADMIN)).json()).toEqual({ paused: false });
    expect((await api(registry.app, 'PUT', '/jobservice/queues/all', ADMIN, { action: 'pause' })).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', '/schedules/all/paused', ADMIN)).json()).toEqual({ paused: true });
    expectHarborError(await api(registry.app, 'GET', '/schedules/TEST_SWEEP/paused', ADMIN), 400, 'BAD_REQUEST');
    expect((await api(registry.app, 'PUT', '/jobservice/queues/all', ADMIN, { action: 'resume' })).statusCode).toBe(
      200,
    );
    // Stop: the pending execution ends Stopped.
    expect(
      (await api(registry.app, 'PUT', '/jobservice/queues/TEST_SWEEP', ADMIN, { action: 'stop' })).statusCode,
    ).toBe(200);
    expect((await jobs.executions.get(waiting.id))?.status).toBe('Stopped');
    expectHarborError(
      await api(registry.app, 'PUT', '/jobservice/queues/TEST_SWEEP', ADMIN, { action: 'explode' }),
      422,
      'UNPROCESSABLE_ENTITY',
    );
    expectHarborError(
      await api(registry.app, 'PUT', '/jobservice/queues/NOPE', ADMIN, { action: 'pause' }),
      404,
      'NOT_FOUND',
    );
    gateOpen();
    await jobs.idle();
    expect((await jobs.executions.get(execution.id))?.status).toBe('Success');
  });

  it('answers only administrators and robots granted jobservice-monitor (401 anonymous, 403 others)', async () => {
    const { credentials: user } = await createUser(registry.app, 'jobs-user');
    const projectRobot = await createRobotDirect(registry.wharf, 'jobs-pull', [
      { resource: 'repository', action: 'pull' },
    ]);
    const reader = await systemRobot('jobs-reader', ['list']);
    const operator = await systemRobot('jobs-operator', ['list', 'stop']);
    const reads = [
      '/jobservice/pools',
      '/jobservice/pools/all/workers',
      '/jobservice/queues',
      '/schedules',
      '/schedules/all/paused',
    ];
    for (const path of reads) {
      expectHarborError(await api(registry.app, 'GET', path), 401, 'UNAUTHORIZED');
      expectHarborError(await api(registry.app, 'GET', path, user), 403, 'FORBIDDEN');
      expectHarborError(await api(registry.app, 'GET', path, projectRobot), 403, 'FORBIDDEN');
      expect((await api(registry.app, 'GET', path, reader)).statusCode, path).toBe(200);
      expect((await api(registry.app, 'GET', path, ADMIN)).statusCode, path).toBe(200);
    }
    expectHarborError(await api(registry.app, 'GET', '/jobservice/jobs/1/log'), 401, 'UNAUTHORIZED');
    expectHarborError(await api(registry.app, 'GET', '/jobservice/jobs/1/log', user), 403, 'FORBIDDEN');
    const put = (who?: Credentials) =>
      api(registry.app, 'PUT', '/jobservice/queues/UPLOAD_PURGE', who, { action: 'resume' });
    expectHarborError(await put(), 401, 'UNAUTHORIZED');
    expectHarborError(await put(user), 403, 'FORBIDDEN');
    expectHarborError(await put(projectRobot), 403, 'FORBIDDEN');
    expectHarborError(await put(reader), 403, 'FORBIDDEN');
    expect((await put(operator)).statusCode).toBe(200);
    expect((await put(ADMIN)).statusCode).toBe(200);
  });
});
