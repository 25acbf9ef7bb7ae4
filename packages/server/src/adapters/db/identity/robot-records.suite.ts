import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../domain/errors.js';
import type { NewRobot, RobotPermission } from '../../../ports/identity-store.js';
import type { FreshIdentity } from './identity-store-fixture.suite.js';

const permissions: RobotPermission[] = [
  {
    kind: 'project',
    namespace: 'team',
    access: [
      { resource: 'repository', action: 'pull', effect: 'allow' },
      { resource: 'repository', action: 'push' },
    ],
  },
  { kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'list', effect: 'deny' }] },
];

/** `permissions` as the store keeps them: the block naming `team` bound to that project's id (0: none). */
function bound(teamId: number): RobotPermission[] {
  return permissions.map((p) => (p.namespace === 'team' ? { ...p, projectId: teamId } : p));
}

function systemRobot(name: string, extra: Partial<NewRobot> = {}): NewRobot {
  return {
    name,
    level: 'system',
    projectId: null,
    permissions: [],
    secretHash: 'h',
    durationDays: null,
    expiresAt: null,
    ...extra,
  };
}

export function describeRobotRecords(fresh: FreshIdentity): void {
  describe('robots', () => {
    it('creates project and system robots, round-tripping permissions and expiry', async () => {
      const { store } = await fresh();
      const project = await store.projects.create({ name: 'team', public: false });
      const expiresAt = new Date(Date.now() + 30 * 86_400_000);
      const robot = await store.robots.create({
        name: 'robot$team+ci',
        description: 'CI pushes',
        level: 'project',
        projectId: project.id,
        permissions,
        secretHash: '$scrypt$secret',
        durationDays: 30,
        expiresAt,
        creator: 'admin',
      });
      expect(robot).toMatchObject({
        name: 'robot$team+ci',
        description: 'CI pushes',
        level: 'project',
        projectId: project.id,
        permissions: bound(project.id),
        secretHash: '$scrypt$secret',
        disabled: false,
        durationDays: 30,
        expiresAt,
        creator: 'admin',
      });
      expect(await store.robots.get(robot.id)).toEqual(robot);
      expect(await store.robots.getByName('robot$team+ci')).toEqual(robot);
      const forever = await store.robots.create(systemRobot('robot$ops', { permissions }));
      expect(forever).toMatchObject({ projectId: null, durationDays: null, expiresAt: null, creator: null });
      expect((await store.robots.get(forever.id))?.permissions).toEqual(bound(project.id));
      // A block's project id is the store's to set: one given by the caller is replaced.
      const forged = permissions.map((p) => ({ ...p, projectId: 999 }));
      const rebound = await store.robots.update(forever.id, { permissions: forged });
      expect(rebound?.permissions).toEqual([bound(project.id)[0], { ...permissions[1] }]);
    });

    it('refuses a taken name, an unknown project and a level that does not match the project', async () => {
      const { store } = await fresh();
      await store.robots.create(systemRobot('robot$ops'));
      await expect(store.robots.create(systemRobot('robot$ops'))).rejects.toThrow(
        new ConflictError('robot robot$ops already exists'),
      );
      await expect(
        store.robots.create({ ...systemRobot('robot$nowhere+ci'), level: 'project', projectId: 999_999 }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.robots.create({ ...systemRobot('robot$x'), projectId: 1 })).rejects.toBeInstanceOf(TypeError);
      await expect(store.robots.create({ ...systemRobot('robot$y'), level: 'project' })).rejects.toBeInstanceOf(
        TypeError,
      );
    });

    it('lists by level and project with paging and totals', async () => {
      const { store } = await fresh();
      const team = await store.projects.create({ name: 'team', public: false });
      const other = await store.projects.create({ name: 'other', public: false });
      for (const name of ['c', 'a', 'b']) {
        await store.robots.create({ ...systemRobot(`robot$team+${name}`), level: 'project', projectId: team.id });
      }
      await store.robots.create({ ...systemRobot('robot$other+a'), level: 'project', projectId: other.id });
      await store.robots.create(systemRobot('robot$sys'));
      const page = await store.robots.list({ level: 'project', projectId: team.id, page: 2, pageSize: 2 });
      expect(page).toMatchObject({ total: 3, items: [{ name: 'robot$team+c' }] });
      const system = await store.robots.list({ level: 'system', page: 1, pageSize: 10 });
      expect(system.items.map((r) => r.name)).toEqual(['robot$sys']);
      const named = await store.robots.list({ name: '+A', page: 1, pageSize: 10 });
      expect(named.items.map((r) => r.name)).toEqual(['robot$other+a', 'robot$team+a']);
      expect((await store.robots.list({ page: 1, pageSize: 10 })).total).toBe(5);
      const exact = await store.robots.list({ exactName: 'robot$team+a', page: 1, pageSize: 10 });
      expect(exact.items.map((r) => r.name)).toEqual(['robot$team+a']);
      expect((await store.robots.list({ exactName: 'robot$team+A', page: 1, pageSize: 10 })).total).toBe(0);
    });

    it('sorts by id, name, creation or update time, either way', async () => {
      const { store } = await fresh();
      const ids: number[] = [];
      for (const name of ['robot$b', 'robot$c', 'robot$a']) ids.push((await store.robots.create(systemRobot(name))).id);
      const names = async (by: 'id' | 'name' | 'createdAt' | 'updatedAt', direction: 'asc' | 'desc') =>
        (await store.robots.list({ sort: { by, direction }, page: 1, pageSize: 10 })).items.map((r) => r.name);
      expect(await names('name', 'asc')).toEqual(['robot$a', 'robot$b', 'robot$c']);
      expect(await names('name', 'desc')).toEqual(['robot$c', 'robot$b', 'robot$a']);
      expect(await names('id', 'desc')).toEqual(['robot$a', 'robot$c', 'robot$b']);
      // Equal timestamps fall back to the id, in the same direction.
      expect(await names('createdAt', 'asc')).toEqual(['robot$b', 'robot$c', 'robot$a']);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.robots.update(ids[0]!, { description: 'touched' });
      expect((await names('updatedAt', 'desc'))[0]).toBe('robot$b');
    });

    it('updates, disables, refreshes the secret of and deletes a robot', async () => {
      const { store } = await fresh();
      const robot = await store.robots.create(systemRobot('robot$ops', { durationDays: 7, expiresAt: new Date(1e12) }));
      const updated = await store.robots.update(robot.id, {
        description: 'ops',
        permissions,
        disabled: true,
        durationDays: null,
        expiresAt: null,
      });
      // No project `team` exists here: the block is bound to none (0) and applies nowhere.
      expect(updated).toMatchObject({
        description: 'ops',
        permissions: bound(0),
        disabled: true,
        durationDays: null,
        expiresAt: null,
        secretHash: 'h',
      });
      expect(await store.robots.update(robot.id, { disabled: false })).toMatchObject({
        disabled: false,
        permissions: bound(0),
      });
      expect(await store.robots.update(robot.id + 1000, { disabled: true })).toBeUndefined();
      expect(await store.robots.setSecretHash(robot.id, 'h2')).toBe(true);
      expect(await store.robots.get(robot.id)).toMatchObject({ secretHash: 'h2' });
      expect(await store.robots.setSecretHash(robot.id + 1000, 'h3')).toBe(false);
      expect(await store.robots.delete(robot.id)).toBe(true);
      expect(await store.robots.delete(robot.id)).toBe(false);
      expect(await store.robots.get(robot.id)).toBeUndefined();
    });
  });
}
