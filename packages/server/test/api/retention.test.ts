import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import type { Registry } from '../../src/registry-core/registry.js';
import { retentionJob } from '../../src/retention/retention-job.js';
import {
  RETENTION_JOB,
  RETENTION_TRIGGER_JOB,
  type RetentionTaskParams,
} from '../../src/retention/retention-service.js';
import { systemContext } from '../../src/services/authenticator.js';
import type { JobRunContext } from '../../src/jobs/engine.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pushImage } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
// Tag push times are written from the real clock, so the manual clock starts at the real time and only moves forward.
const clock = new ManualClock(Date.now());
const reg = useOciTestRegistry({}, { clock });

interface Execution {
  id: number;
  policy_id: number;
  status: string;
  trigger: string;
  dry_run: boolean;
  start_time: string;
  end_time?: string;
}
interface Task {
  id: number;
  execution_id: number;
  repository: string;
  status: string;
  total: number;
  retained: number;
}

type Selector = { kind: string; decoration: string; pattern: string; extras?: string };

function rule(template: string, n?: number, tags: Selector[] = [tagSel('**')], repos = '**') {
  return {
    disabled: false,
    action: 'retain',
    template,
    params: n === undefined ? {} : { [template]: n },
    tag_selectors: tags,
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repos }] },
  };
}

function tagSel(pattern: string, untagged = true, decoration = 'matches'): Selector {
  return { kind: 'doublestar', decoration, pattern, extras: JSON.stringify({ untagged }) };
}

async function projectId(name: string): Promise<number> {
  const project = await reg.wharf.store.projects.getByName(name);
  if (project) return project.id;
  const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: name, metadata: { public: 'false' } });
  expect(res.statusCode, res.body).toBe(201);
  return (await reg.wharf.store.projects.getByName(name))!.id;
}

async function createPolicy(project: string, rules: unknown[], cron = ''): Promise<number> {
  const ref = await projectId(project);
  const res = await api(reg.app, 'POST', '/retentions', ADMIN, {
    algorithm: 'or',
    rules,
    trigger: { kind: 'Schedule', settings: { cron } },
    scope: { level: 'project', ref },
  });
  expect(res.statusCode, res.body).toBe(201);
  const location = res.headers.location as string;
  expect(location).toMatch(/^\/api\/v2\.0\/retentions\/\d+$/);
  return Number(location.split('/').at(-1));
}

async function run(policy: number, dryRun: boolean): Promise<number> {
  const res = await api(reg.app, 'POST', `/retentions/${policy}/executions`, ADMIN, { dry_run: dryRun });
  expect(res.statusCode, res.body).toBe(201);
  const location = res.headers.location as string;
  expect(location).toMatch(new RegExp(`^/api/v2\\.0/retentions/${policy}/executions/\\d+$`));
  return Number(location.split('/').at(-1));
}

async function execution(policy: number, id: number): Promise<Execution> {
  const res = await api(reg.app, 'GET', `/retentions/${policy}/executions?page_size=100`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Execution[]>().find((e) => e.id === id)!;
}

/** Runs engine rounds until the execution has ended. */
async function finish(policy: number, id: number): Promise<Execution> {
  for (let i = 0; i < 20; i++) {
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    const e = await execution(policy, id);
    if (!['Pending', 'Running'].includes(e.status)) return e;
  }
  throw new Error(`execution ${id} did not end`);
}

async function tasks(policy: number, id: number): Promise<Task[]> {
  const res = await api(reg.app, 'GET', `/retentions/${policy}/executions/${id}/tasks?page=1&page_size=50`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['x-total-count']).toBe(String(res.json<Task[]>().length));
  return res.json<Task[]>();
}

async function taskLog(policy: number, id: number, task: number): Promise<string> {
  const res = await api(reg.app, 'GET', `/retentions/${policy}/executions/${id}/tasks/${task}`, ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return res.body;
}

async function manifestStatus(repo: string, reference: string): Promise<number> {
  return (await reg.app.inject({ method: 'HEAD', url: `/v2/${repo}/manifests/${reference}` })).statusCode;
}

/** Pushes `tags` to `repo`, one a minute (oldest first); returns their digests. */
async function pushTags(repo: string, tags: string[]): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const tag of tags) {
    digests[tag] = (await pushImage(reg.app, repo, tag, { layers: 1 })).digest;
    clock.advance(MINUTE);
  }
  return digests;
}

describe('retention policies through /retentions', () => {
  it('serves Harbor’s metadata to signed-in callers only', async () => {
    expectHarborError(await api(reg.app, 'GET', '/retentions/metadatas'), 401, 'UNAUTHORIZED');
    const res = await api(reg.app, 'GET', '/retentions/metadatas', ADMIN);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ templates: { rule_template: string; params: { unit: string }[] }[] }>();
    expect(body.templates.map((t) => t.rule_template)).toEqual([
      'latestPushedK',
      'latestPulledN',
      'nDaysSinceLastPush',
      'nDaysSinceLastPull',
      'always',
    ]);
    expect(body.templates[2]?.params).toEqual([{ type: 'int', unit: 'DAYS', required: true }]);
  });

  it('creates, reads, updates and deletes a policy, bound to its project by the metadata retention_id', async () => {
    const id = await createPolicy('rcrud', [rule('latestPushedK', 3)]);
    const got = await api(reg.app, 'GET', `/retentions/${id}`, ADMIN);
    expect(got.statusCode).toBe(200);
    const ref = await projectId('rcrud');
    expect(got.json()).toEqual({
      id,
      algorithm: 'or',
      rules: [{ id: 1, priority: 0, ...rule('latestPushedK', 3) }],
      trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
      scope: { level: 'project', ref },
    });
    const meta = await api(reg.app, 'GET', '/projects/rcrud/metadatas/retention_id', ADMIN);
    expect(meta.json()).toEqual({ retention_id: String(id) });
    const project = await api(reg.app, 'GET', '/projects/rcrud', ADMIN);
    expect(project.json<{ metadata: Record<string, string> }>().metadata.retention_id).toBe(String(id));

    // A project has one policy.
    const again = await api(reg.app, 'POST', '/retentions', ADMIN, {
      algorithm: 'or',
      rules: [rule('always')],
      trigger: { kind: 'Schedule', settings: { cron: '' } },
      scope: { level: 'project', ref },
    });
    expect(expectHarborError(again, 400, 'BAD_REQUEST')).toContain(`already has retention policy ${id}`);

    const update = await api(reg.app, 'PUT', `/retentions/${id}`, ADMIN, {
      id,
      algorithm: 'or',
      rules: [rule('nDaysSinceLastPush', 7), rule('always', undefined, [tagSel('release-*', false)])],
      trigger: { kind: 'Schedule', settings: { cron: '' } },
      scope: { level: 'project', ref },
    });
    expect(update.statusCode, update.body).toBe(200);
    const updated = (await api(reg.app, 'GET', `/retentions/${id}`, ADMIN)).json<{ rules: { template: string }[] }>();
    expect(updated.rules.map((r) => r.template)).toEqual(['nDaysSinceLastPush', 'always']);

    expect((await api(reg.app, 'DELETE', `/retentions/${id}`, ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', `/retentions/${id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'GET', '/projects/rcrud/metadatas/retention_id', ADMIN), 404, 'NOT_FOUND');
    // The project may have a new policy then.
    expect(await createPolicy('rcrud', [rule('always')])).toBeGreaterThan(id);
  });

  it('validates policies as Harbor does', async () => {
    const ref = await projectId('rvalid');
    const post = (body: Record<string, unknown>) =>
      api(reg.app, 'POST', '/retentions', ADMIN, {
        algorithm: 'or',
        trigger: { kind: 'Schedule', settings: { cron: '' } },
        scope: { level: 'project', ref },
        ...body,
      });
    const sixteen = Array.from({ length: 16 }, (_, i) => rule('latestPushedK', i));
    expect(expectHarborError(await post({ rules: sixteen }), 400, 'BAD_REQUEST')).toContain(
      'only 15 rules are allowed at most',
    );
    expect(expectHarborError(await post({ rules: [rule('always'), rule('always')] }), 409, 'CONFLICT')).toContain(
      'rule 1 is conflict with rule 0',
    );
    expectHarborError(await post({ rules: [rule('latestK', 1)] }), 400, 'BAD_REQUEST');
    expectHarborError(await post({ rules: [rule('latestPushedK', -1)] }), 400, 'BAD_REQUEST');
    expectHarborError(await post({ rules: [rule('nDaysSinceLastPull')] }), 400, 'BAD_REQUEST');
    expectHarborError(
      await post({ rules: [rule('always')], trigger: { kind: 'Schedule', settings: { cron: '0 0 * * *' } } }),
      400,
      'BAD_REQUEST',
    );
    expectHarborError(await post({ rules: [rule('always')], scope: { level: 'system', ref: 0 } }), 400, 'BAD_REQUEST');
    expect(
      expectHarborError(
        await post({ rules: [rule('always')], scope: { level: 'project', ref: 999999 } }),
        400,
        'BAD_REQUEST',
      ),
    ).toContain('invalid Project id 999999');
    expect(await reg.wharf.store.retention.ofProject(ref)).toBeUndefined();
  });

  it('a dry run logs what it would delete and deletes nothing; a run deletes what no rule retains', async () => {
    const digests = await pushTags('rrun/app', ['v1', 'v2', 'v3', 'v4']);
    await pushTags('rrun/other', ['a', 'b']);
    const id = await createPolicy('rrun', [rule('latestPushedK', 2, [tagSel('**')], 'app')]);

    const dry = await run(id, true);
    const dryDone = await finish(id, dry);
    expect(dryDone).toMatchObject({ status: 'Success', trigger: 'MANUAL', dry_run: true, policy_id: id });
    const [dryTask, ...more] = await tasks(id, dry);
    expect(more).toEqual([]);
    expect(dryTask).toMatchObject({ repository: 'app', status: 'Success', total: 4, retained: 2 });
    const dryLog = await taskLog(id, dry, dryTask!.id);
    expect(dryLog).toContain(`would delete rrun/app@${digests.v1}`);
    expect(dryLog).toContain('RETAIN (rule 1)');
    expect(dryLog).toContain('2 retained, 2 would be deleted');
    for (const tag of ['v1', 'v2', 'v3', 'v4']) expect(await manifestStatus('rrun/app', tag)).toBe(200);

    const real = await run(id, false);
    expect((await finish(id, real)).status).toBe('Success');
    const [task] = await tasks(id, real);
    expect(task).toMatchObject({ repository: 'app', total: 4, retained: 2 });
    expect(await taskLog(id, real, task!.id)).toContain(`deleted rrun/app@${digests.v1}`);
    expect(await manifestStatus('rrun/app', 'v1')).toBe(404);
    expect(await manifestStatus('rrun/app', digests.v2!)).toBe(404);
    expect(await manifestStatus('rrun/app', 'v3')).toBe(200);
    expect(await manifestStatus('rrun/app', 'v4')).toBe(200);
    // The other repository is outside the rule's repositories.
    expect(await manifestStatus('rrun/other', 'a')).toBe(200);

    const list = await api(reg.app, 'GET', `/retentions/${id}/executions?page=1&page_size=10`, ADMIN);
    expect(list.headers['x-total-count']).toBe('2');
    expect(list.json<Execution[]>().map((e) => [e.id, e.dry_run])).toEqual([
      [real, false],
      [dry, true],
    ]);
  });

  it('keeps what was pushed or pulled within N days, untagged artifacts as the selectors say', async () => {
    const old = await pushTags('rdays/app', ['old', 'pulled']);
    const untagged = await pushImage(reg.app, 'rdays/app', 'gone', { layers: 1 });
    expect((await reg.app.inject({ method: 'DELETE', url: '/v2/rdays/app/manifests/gone' })).statusCode).toBe(202);
    clock.advance(10 * DAY);
    await reg.app.inject({ method: 'GET', url: '/v2/rdays/app/manifests/pulled' });
    await reg.wharf.pulls.flush();
    const fresh = await pushTags('rdays/app', ['fresh']);
    const id = await createPolicy('rdays', [
      rule('nDaysSinceLastPush', 5, [tagSel('**', false)]),
      rule('nDaysSinceLastPull', 1, [tagSel('**', false)]),
    ]);
    const e = await run(id, false);
    expect((await finish(id, e)).status).toBe('Success');
    expect(await tasks(id, e)).toMatchObject([{ total: 4, retained: 2 }]);
    expect(await manifestStatus('rdays/app', 'old')).toBe(404);
    expect(await manifestStatus('rdays/app', old.pulled!)).toBe(200);
    expect(await manifestStatus('rdays/app', fresh.fresh!)).toBe(200);
    expect(await manifestStatus('rdays/app', untagged.digest)).toBe(404);
  });

  it('skips artifacts with an immutable tag and keeps labelled ones a label selector retains', async () => {
    const digests = await pushTags('rimm/app', ['v1', 'v2', 'v3']);
    const immutable = await api(reg.app, 'POST', '/projects/rimm/immutabletagrules', ADMIN, {
      disabled: false,
      action: 'immutable',
      template: 'immutable_template',
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v1' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
    expect(immutable.statusCode, immutable.body).toBe(201);
    const label = await api(reg.app, 'POST', '/labels', ADMIN, {
      name: 'keep',
      scope: 'p',
      project_id: await projectId('rimm'),
    });
    expect(label.statusCode, label.body).toBe(201);
    const labelId = Number((label.headers.location as string).split('/').at(-1));
    const attach = await api(reg.app, 'POST', '/projects/rimm/repositories/app/artifacts/v2/labels', ADMIN, {
      id: labelId,
    });
    expect(attach.statusCode, attach.body).toBe(200);

    const id = await createPolicy('rimm', [
      rule('always', undefined, [tagSel('**'), { kind: 'label', decoration: 'withLabels', pattern: 'keep' }]),
    ]);
    const e = await run(id, false);
    expect((await finish(id, e)).status).toBe('Success');
    const [task] = await tasks(id, e);
    expect(task).toMatchObject({ total: 3, retained: 2 });
    const log = await taskLog(id, e, task!.id);
    expect(log).toContain(`skipped rimm/app@${digests.v1} (v1): an immutable tag rule protects it`);
    expect(log).toContain('IMMUTABLE');
    expect(await manifestStatus('rimm/app', 'v1')).toBe(200);
    expect(await manifestStatus('rimm/app', 'v2')).toBe(200);
    expect(await manifestStatus('rimm/app', 'v3')).toBe(404);
  });

  it('stops a run: pending tasks end Stopped and delete nothing', async () => {
    await pushTags('rstop/a', ['x']);
    await pushTags('rstop/b', ['y']);
    const id = await createPolicy('rstop', [rule('latestPushedK', 0)]);
    const e = await run(id, false);
    expectHarborError(
      await api(reg.app, 'PATCH', `/retentions/${id}/executions/${e}`, ADMIN, { action: 'pause' }),
      400,
      'BAD_REQUEST',
    );
    const stop = await api(reg.app, 'PATCH', `/retentions/${id}/executions/${e}`, ADMIN, { action: 'stop' });
    expect(stop.statusCode, stop.body).toBe(200);
    expect((await finish(id, e)).status).toBe('Stopped');
    expect((await tasks(id, e)).map((t) => t.status)).toEqual(['Stopped', 'Stopped']);
    expect(await manifestStatus('rstop/a', 'x')).toBe(200);
    expect(await manifestStatus('rstop/b', 'y')).toBe(200);
  });

  it('a stopped run deletes nothing more: the job checks its signal before each deletion', async () => {
    const digests = await pushTags('rabort/app', ['a1', 'a2', 'a3']);
    const id = await createPolicy('rabort', [rule('latestPushedK', 0)]);
    const policy = (await reg.wharf.store.retention.get(id))!;
    const controller = new AbortController();
    const real = reg.wharf.registry;
    // The first deletion goes through, then the run is stopped (as the engine aborts a stopped task's signal).
    const registry = {
      artifacts: {
        deleteDeep: async (...args: Parameters<Registry['artifacts']['deleteDeep']>) => {
          await real.artifacts.deleteDeep(...args);
          controller.abort(new Error('stopped'));
        },
      },
    } as unknown as Registry;
    const lines: string[] = [];
    const log = {
      info: (l: string) => lines.push(l),
      warn: (l: string) => lines.push(l),
      error: (l: string) => lines.push(l),
    };
    const params: RetentionTaskParams = {
      policy_id: id,
      project_id: policy.projectId,
      repository: 'rabort/app',
      dry_run: false,
      rules: policy.rules,
    };
    const job = retentionJob(reg.wharf.store, registry);
    await expect(
      job.run({
        params,
        log,
        signal: controller.signal,
        clock,
        security: systemContext(RETENTION_JOB),
      } as unknown as JobRunContext<RetentionTaskParams>),
    ).rejects.toThrow('stopped');
    const left = await Promise.all(['a1', 'a2', 'a3'].map((t) => manifestStatus('rabort/app', t)));
    expect(left.filter((s) => s === 404)).toHaveLength(1);
    expect(left.filter((s) => s === 200)).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('deleted '))).toHaveLength(1);
    expect(Object.keys(digests)).toHaveLength(3);
  });

  it('schedules runs by the trigger’s cron; the schedule follows updates and goes with the policy', async () => {
    await pushTags('rsched/app', ['s1', 's2']);
    const ref = await projectId('rsched');
    const id = await createPolicy('rsched', [rule('latestPushedK', 1)], '0 0 * * * *');
    const schedule = await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id);
    expect(schedule).toMatchObject({ cron: '0 0 * * * *', params: { policy_id: id } });

    const put = (cron: string) =>
      api(reg.app, 'PUT', `/retentions/${id}`, ADMIN, {
        algorithm: 'or',
        rules: [rule('latestPushedK', 1)],
        trigger: { kind: 'Schedule', settings: { cron } },
        scope: { level: 'project', ref },
      });
    expect((await put('0 30 * * * *')).statusCode).toBe(200);
    expect((await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id))?.cron).toBe('0 30 * * * *');

    // The schedule fires: its trigger launches a run with trigger SCHEDULE.
    clock.advance(61 * MINUTE);
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    const { items } = await reg.wharf.jobs.executions.list({ vendorType: RETENTION_JOB, vendorId: id });
    expect(items).toHaveLength(1);
    const done = await finish(id, items[0]!.id);
    expect(done).toMatchObject({ trigger: 'SCHEDULE', dry_run: false, status: 'Success' });
    expect(await manifestStatus('rsched/app', 's1')).toBe(404);
    expect(await manifestStatus('rsched/app', 's2')).toBe(200);

    expect((await put('')).statusCode).toBe(200);
    expect(await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id)).toBeUndefined();
    expect((await put('0 0 0 * * *')).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', `/retentions/${id}`, ADMIN)).statusCode).toBe(200);
    expect(await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id)).toBeUndefined();
  });

  it('a policy goes with its project, and its schedule is removed when it next fires', async () => {
    const id = await createPolicy('rgone', [rule('always')], '0 0 * * * *');
    expect((await api(reg.app, 'DELETE', '/projects/rgone', ADMIN)).statusCode).toBe(200);
    expect(await reg.wharf.store.retention.get(id)).toBeUndefined();
    expect(await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id)).toBeDefined();
    clock.advance(61 * MINUTE);
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    expect(await reg.wharf.jobs.schedules.get(RETENTION_TRIGGER_JOB, id)).toBeUndefined();
    const { total } = await reg.wharf.jobs.executions.list({ vendorType: RETENTION_JOB, vendorId: id });
    expect(total).toBe(0);
  });

  it('answers 404 for executions and tasks of another policy', async () => {
    await pushTags('rmine/app', ['m']);
    await pushTags('rtheirs/app', ['t']);
    const mine = await createPolicy('rmine', [rule('always')]);
    const theirs = await createPolicy('rtheirs', [rule('always')]);
    const e = await run(theirs, true);
    await finish(theirs, e);
    const [task] = await tasks(theirs, e);
    expectHarborError(await api(reg.app, 'GET', `/retentions/${mine}/executions/${e}/tasks`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(
      await api(reg.app, 'GET', `/retentions/${mine}/executions/${e}/tasks/${task!.id}`, ADMIN),
      404,
      'NOT_FOUND',
    );
    expectHarborError(
      await api(reg.app, 'PATCH', `/retentions/${mine}/executions/${e}`, ADMIN, { action: 'stop' }),
      404,
      'NOT_FOUND',
    );
    expectHarborError(await api(reg.app, 'GET', '/retentions/999999', ADMIN), 404, 'NOT_FOUND');
  });
});
