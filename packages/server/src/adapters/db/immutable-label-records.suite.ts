import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../domain/errors.js';
import type { ImmutableRuleSpec } from '../../domain/immutable-rules.js';
import type { Store } from '../../ports/store.js';
import { digestOf, repositoryIn } from './metadata-store-fixture.suite.js';
import type { FreshStore } from './metadata-store-fixture.suite.js';

const T0 = new Date(1_700_000_000_000);
const T1 = new Date(1_700_000_060_000);

function spec(tag: string, repository = '**', disabled = false): ImmutableRuleSpec {
  return {
    priority: 0,
    disabled,
    tagSelectors: [{ kind: 'doublestar', decoration: 'matches', pattern: tag }],
    repositorySelectors: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: repository }],
  };
}

async function manifestsIn(store: Store, repositoryName: string, seeds: readonly string[]) {
  const repository = await repositoryIn(store, repositoryName);
  const manifests = [];
  for (const seed of seeds) {
    const digest = digestOf(`${repositoryName}/${seed}`);
    manifests.push(
      await store.manifests.put({ repositoryId: repository.id, digest, mediaType: 'application/json', size: 2 }, []),
    );
  }
  const project = (await store.projects.getByName(repositoryName.split('/')[0]!))!;
  return { project, repository, manifests };
}

/** Immutable tag rules and labels (ports/immutable-rule-records.ts, ports/label-records.ts), on every backend. */
export function describeImmutableAndLabelRecords(fresh: FreshStore): void {
  describe('immutable tag rules', () => {
    it('creates, reads, lists by project, updates and deletes rules', async () => {
      const store = await fresh();
      const { project } = await manifestsIn(store, 'imm/app', []);
      const other = await manifestsIn(store, 'other/app', []);
      const rule = await store.immutableRules.create(project.id, spec('v*'), T0);
      expect(rule).toEqual({ id: rule.id, projectId: project.id, ...spec('v*') });
      const second = await store.immutableRules.create(project.id, spec('{a,b}', 'x/**', true), T0);
      await store.immutableRules.create(other.project.id, spec('v*'), T0);
      expect(await store.immutableRules.get(rule.id)).toEqual(rule);
      expect((await store.immutableRules.ofProject(project.id)).map((r) => r.id)).toEqual([rule.id, second.id]);
      expect(await store.immutableRules.count(project.id)).toBe(2);
      expect(await store.immutableRules.update(second.id, spec('c', 'y', false), T1)).toBe(true);
      expect(await store.immutableRules.get(second.id)).toMatchObject(spec('c', 'y'));
      expect(await store.immutableRules.update(999_999, spec('c'), T1)).toBe(false);
      expect(await store.immutableRules.delete(rule.id)).toBe(true);
      expect(await store.immutableRules.delete(rule.id)).toBe(false);
      expect(await store.immutableRules.ofProject(project.id)).toHaveLength(1);
      expect((await store.immutableRules.ofProject(other.project.id)).map((r) => r.tagSelectors[0]?.pattern)).toEqual([
        'v*',
      ]);
    });

    it('refuses the same selectors twice in a project, and goes with its project', async () => {
      const store = await fresh();
      const project = await store.projects.create({ name: 'dup', public: false });
      await store.immutableRules.create(project.id, spec('v*'), T0);
      await expect(store.immutableRules.create(project.id, spec('v*'), T0)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.projects.delete(project.id)).toBe(true);
      expect(await store.immutableRules.count(project.id)).toBe(0);
    });
  });

  describe('labels', () => {
    it('keeps global and project labels with unique names per scope and project', async () => {
      const store = await fresh();
      const a = await store.projects.create({ name: 'la', public: false });
      const b = await store.projects.create({ name: 'lb', public: false });
      const global = await store.labels.create({ name: 'prod', description: 'd', color: '#fff', scope: 'g' }, T0);
      expect(global).toEqual({
        id: global.id,
        name: 'prod',
        description: 'd',
        color: '#fff',
        scope: 'g',
        projectId: undefined,
        createdAt: T0,
        updatedAt: T0,
      });
      const inA = await store.labels.create(
        { name: 'prod', description: '', color: '', scope: 'p', projectId: a.id },
        T0,
      );
      await store.labels.create({ name: 'prod', description: '', color: '', scope: 'p', projectId: b.id }, T0);
      await expect(
        store.labels.create({ name: 'prod', description: '', color: '', scope: 'g' }, T0),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        store.labels.create({ name: 'prod', description: '', color: '', scope: 'p', projectId: a.id }, T0),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.labels.get(inA.id)).toMatchObject({ scope: 'p', projectId: a.id });
      expect(await store.labels.update(inA.id, { name: 'staging', description: 'x', color: '#000' }, T1)).toBe(true);
      expect(await store.labels.get(inA.id)).toMatchObject({ name: 'staging', description: 'x', updatedAt: T1 });
      await expect(
        store.labels
          .update(global.id, { name: 'other', description: '', color: '' }, T1)
          .then(async () => store.labels.create({ name: 'other', description: '', color: '', scope: 'g' }, T1)),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.labels.update(999_999, { name: 'n', description: '', color: '' }, T1)).toBe(false);
    });

    it('queries by scope, project, name, with paging and sorting', async () => {
      const store = await fresh();
      const a = await store.projects.create({ name: 'qa', public: false });
      for (const name of ['beta', 'alpha', 'gamma']) {
        await store.labels.create({ name, description: '', color: '', scope: 'g' }, T0);
      }
      await store.labels.create({ name: 'alpha', description: '', color: '', scope: 'p', projectId: a.id }, T0);
      const all = await store.labels.query({
        scope: 'g',
        page: 1,
        pageSize: 2,
        sort: [{ by: 'name', direction: 'asc' }],
      });
      expect(all.total).toBe(3);
      expect(all.items.map((l) => l.name)).toEqual(['alpha', 'beta']);
      const contains = await store.labels.query({ scope: 'g', page: 1, pageSize: 10, nameContains: 'MM' });
      expect(contains.items.map((l) => l.name)).toEqual(['gamma']);
      const exact = await store.labels.query({ scope: 'g', page: 1, pageSize: 10, name: 'beta' });
      expect(exact.items.map((l) => l.name)).toEqual(['beta']);
      const project = await store.labels.query({ scope: 'p', projectId: a.id, page: 1, pageSize: 10 });
      expect(project.items.map((l) => [l.name, l.projectId])).toEqual([['alpha', a.id]]);
    });

    it('attaches labels to manifests once, lists them by manifest, and detaches', async () => {
      const store = await fresh();
      const { manifests } = await manifestsIn(store, 'att/app', ['m1', 'm2', 'm3']);
      const [m1, m2, m3] = manifests;
      const x = await store.labels.create({ name: 'x', description: '', color: '', scope: 'g' }, T0);
      const y = await store.labels.create({ name: 'y', description: '', color: '', scope: 'g' }, T0);
      expect(await store.labels.attach(x.id, m1!.id, T0)).toBe(true);
      expect(await store.labels.attach(x.id, m1!.id, T0)).toBe(false);
      expect(await store.labels.attach(y.id, m1!.id, T0)).toBe(true);
      expect(await store.labels.attach(y.id, m2!.id, T0)).toBe(true);
      const attached = await store.labels.ofManifests([m1!.id, m2!.id, m3!.id]);
      expect(attached.map((a) => [a.manifestId, a.label.name])).toEqual([
        [m1!.id, 'x'],
        [m1!.id, 'y'],
        [m2!.id, 'y'],
      ]);
      expect(await store.labels.idsOfManifests([m1!.id, m2!.id, m3!.id])).toEqual(
        new Map([
          [m1!.id, [x.id, y.id]],
          [m2!.id, [y.id]],
        ]),
      );
      expect(await store.labels.ofManifests([])).toEqual([]);
      expect(await store.labels.detach(x.id, m1!.id)).toBe(true);
      expect(await store.labels.detach(x.id, m1!.id)).toBe(false);
      expect((await store.labels.idsOfManifests([m1!.id])).get(m1!.id)).toEqual([y.id]);
    });

    it('deleting a label detaches it everywhere; deleting a manifest or project drops what hangs on it', async () => {
      const store = await fresh();
      const { project, repository, manifests } = await manifestsIn(store, 'del/app', ['m1', 'm2']);
      const [m1, m2] = manifests;
      const g = await store.labels.create({ name: 'g', description: '', color: '', scope: 'g' }, T0);
      const p = await store.labels.create(
        { name: 'p', description: '', color: '', scope: 'p', projectId: project.id },
        T0,
      );
      await store.labels.attach(g.id, m1!.id, T0);
      await store.labels.attach(g.id, m2!.id, T0);
      await store.labels.attach(p.id, m2!.id, T0);
      expect(await store.labels.delete(g.id)).toBe(true);
      expect(await store.labels.delete(g.id)).toBe(false);
      expect((await store.labels.ofManifests([m1!.id, m2!.id])).map((a) => a.label.id)).toEqual([p.id]);
      expect(await store.manifests.delete(repository.id, m2!.digest)).toBe(true);
      expect(await store.labels.ofManifests([m2!.id])).toEqual([]);
      expect(await store.repositories.delete(repository.id)).toBe(true);
      expect(await store.projects.delete(project.id)).toBe(true);
      expect(await store.labels.get(p.id)).toBeUndefined();
    });
  });
}
