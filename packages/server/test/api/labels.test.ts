import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();
let counter = 0;

async function project(): Promise<{ name: string; id: number }> {
  const name = `lbl${++counter}`;
  const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: name, metadata: { public: 'false' } });
  expect(res.statusCode, res.body).toBe(201);
  return { name, id: (await reg.wharf.store.projects.getByName(name))!.id };
}

async function label(body: Record<string, unknown>): Promise<number> {
  const res = await api(reg.app, 'POST', '/labels', ADMIN, body);
  expect(res.statusCode, res.body).toBe(201);
  return Number(/\/labels\/(\d+)$/.exec(res.headers.location as string)?.[1]);
}

interface LabelJson {
  id: number;
  name: string;
  scope: string;
  project_id: number;
}

describe('labels', () => {
  it('creates, reads, lists, updates and deletes global and project labels in Harbor’s shape', async () => {
    const p = await project();
    const g = await label({ name: `g-${p.name}`, description: 'global', color: '#0065AB', scope: 'g' });
    const pl = await label({ name: `g-${p.name}`, scope: 'p', project_id: p.id });
    const got = await api(reg.app, 'GET', `/labels/${g}`, ADMIN);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({
      id: g,
      name: `g-${p.name}`,
      description: 'global',
      color: '#0065AB',
      scope: 'g',
      project_id: 0,
      creation_time: expect.any(String) as string,
      update_time: expect.any(String) as string,
    });
    const projectLabels = await api(reg.app, 'GET', `/labels?scope=p&project_id=${p.id}`, ADMIN);
    expect(projectLabels.headers['x-total-count']).toBe('1');
    expect(projectLabels.json<LabelJson[]>().map((l) => [l.id, l.scope, l.project_id])).toEqual([[pl, 'p', p.id]]);
    const globals = await api(reg.app, 'GET', `/labels?scope=g&name=${p.name}`, ADMIN);
    expect(globals.json<LabelJson[]>().map((l) => l.id)).toEqual([g]);
    const exact = await api(reg.app, 'GET', `/labels?scope=g&q=name%3Dg-${p.name}`, ADMIN);
    expect(exact.json<LabelJson[]>().map((l) => l.id)).toEqual([g]);
    const updated = await api(reg.app, 'PUT', `/labels/${pl}`, ADMIN, { name: 'renamed', color: '#000000' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect((await api(reg.app, 'GET', `/labels/${pl}`, ADMIN)).json()).toMatchObject({
      name: 'renamed',
      color: '#000000',
      description: '',
      scope: 'p',
      project_id: p.id,
    });
    expect((await api(reg.app, 'DELETE', `/labels/${pl}`, ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', `/labels/${pl}`, ADMIN), 404, 'NOT_FOUND');
  });

  it('refuses duplicate names per scope and project, bad scopes and names', async () => {
    const p = await project();
    await label({ name: `dup-${p.name}`, scope: 'g' });
    await label({ name: `dup-${p.name}`, scope: 'p', project_id: p.id });
    expectHarborError(
      await api(reg.app, 'POST', '/labels', ADMIN, { name: `dup-${p.name}`, scope: 'g' }),
      409,
      'CONFLICT',
    );
    expectHarborError(
      await api(reg.app, 'POST', '/labels', ADMIN, { name: `dup-${p.name}`, scope: 'p', project_id: p.id }),
      409,
      'CONFLICT',
    );
    expectHarborError(await api(reg.app, 'POST', '/labels', ADMIN, { name: '', scope: 'g' }), 400, 'BAD_REQUEST');
    expectHarborError(
      await api(reg.app, 'POST', '/labels', ADMIN, { name: 'x'.repeat(129), scope: 'g' }),
      400,
      'BAD_REQUEST',
    );
    expectHarborError(await api(reg.app, 'POST', '/labels', ADMIN, { name: 'n', scope: 'x' }), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'POST', '/labels', ADMIN, { name: 'n', scope: 'p' }), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', '/labels', ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', '/labels?scope=p', ADMIN), 400, 'BAD_REQUEST');
  });

  it('attaches labels to artifacts, shows them with with_label, detaches, and deleting a label detaches it', async () => {
    const p = await project();
    const image = await pushImage(reg.app, `${p.name}/app`, 'v1');
    const g = await label({ name: `att-${p.name}`, scope: 'g' });
    const pl = await label({ name: 'mine', scope: 'p', project_id: p.id });
    const seen: DomainEvent[] = [];
    await reg.wharf.events.relay.drain();
    reg.wharf.events.bus.subscribe(
      `lbl-${Math.random()}`,
      ['artifact.labeled', 'artifact.unlabeled', 'label.deleted'],
      (e) => {
        seen.push(e);
      },
    );
    const base = `/projects/${p.name}/repositories/app/artifacts`;
    for (const id of [g, pl]) {
      const res = await api(reg.app, 'POST', `${base}/v1/labels`, ADMIN, { id });
      expect(res.statusCode, res.body).toBe(200);
    }
    expectHarborError(await api(reg.app, 'POST', `${base}/v1/labels`, ADMIN, { id: g }), 409, 'CONFLICT');
    expectHarborError(await api(reg.app, 'POST', `${base}/v1/labels`, ADMIN, { id: 999_999 }), 404, 'NOT_FOUND');
    const withLabels = await api(reg.app, 'GET', `${base}/${image.digest}?with_label=true`, ADMIN);
    expect(withLabels.json<{ labels: LabelJson[] }>().labels.map((l) => l.id)).toEqual([g, pl]);
    const list = await api(reg.app, 'GET', `${base}?with_label=true`, ADMIN);
    expect(list.json<{ labels: LabelJson[] }[]>()[0]?.labels.map((l) => l.name)).toEqual([`att-${p.name}`, 'mine']);
    // Without with_label, Harbor leaves `labels` out.
    expect((await api(reg.app, 'GET', `${base}/v1`, ADMIN)).json()).not.toHaveProperty('labels');
    expect((await api(reg.app, 'DELETE', `${base}/v1/labels/${pl}`, ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'DELETE', `${base}/v1/labels/${pl}`, ADMIN), 404, 'NOT_FOUND');
    expect((await api(reg.app, 'DELETE', `/labels/${g}`, ADMIN)).statusCode).toBe(200);
    expect(
      (await api(reg.app, 'GET', `${base}/v1?with_label=true`, ADMIN)).json<{ labels: unknown[] }>().labels,
    ).toEqual([]);
    await reg.wharf.events.relay.drain();
    expect(seen.map((e) => e.type)).toEqual([
      'artifact.labeled',
      'artifact.labeled',
      'artifact.unlabeled',
      'label.deleted',
    ]);
    expect(seen[0]).toMatchObject({ repository: `${p.name}/app`, digest: image.digest, labelId: g });
  });

  it('a project label is attached only within its project; deleting the project deletes its labels', async () => {
    const p = await project();
    const q = await project();
    await pushImage(reg.app, `${q.name}/app`, 'v1');
    const foreign = await label({ name: 'foreign', scope: 'p', project_id: p.id });
    expectHarborError(
      await api(reg.app, 'POST', `/projects/${q.name}/repositories/app/artifacts/v1/labels`, ADMIN, { id: foreign }),
      400,
      'BAD_REQUEST',
    );
    expect((await api(reg.app, 'DELETE', `/projects/${p.name}`, ADMIN)).statusCode).toBe(200);
    expect(await reg.wharf.store.labels.get(foreign)).toBeUndefined();
  });
});
