import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_PROJECT_POLICIES, ROLE_POLICIES } from '../../src/domain/rbac/policies.js';
import { ADMIN, api, expectHarborError, type Credentials } from '../helpers/api-client.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

type Permission = { resource: string; action: string };

const registry = useTestRegistry();

async function permissions(as: Credentials | undefined, query: string): Promise<Permission[]> {
  const res = await api(registry.app, 'GET', `/users/current/permissions${query}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Permission[]>();
}

/** A table's pairs, written relative to a project scope (the project itself is `.`). */
function relativePairs(grants: Readonly<Partial<Record<string, readonly string[]>>>): string[] {
  return Object.entries(grants)
    .flatMap(([resource, actions]) =>
      (actions ?? []).map((action) => `${resource === 'project' ? '.' : resource}:${action}`),
    )
    .sort();
}

const pairs = (list: Permission[]) => list.map((p) => `${p.resource}:${p.action}`).sort();

let priv: ProjectWithMembers;
let pub: ProjectWithMembers;
let outsider: Credentials;
beforeAll(async () => {
  priv = await createProjectWithMembers(registry.wharf, 'secret', { public: false });
  pub = await createProjectWithMembers(registry.wharf, 'open', { public: true });
  outsider = await createUserDirect(registry.wharf, 'outsider');
});

describe('GET /users/current/permissions', () => {
  it('lists exactly what each role holds in a project, relative to it', async () => {
    for (const role of ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest'] as const) {
      const list = await permissions(priv.members[role], `?scope=/project/${priv.project.id}&relative=true`);
      expect(pairs(list), role).toEqual(relativePairs(ROLE_POLICIES[role]));
    }
  });

  it('writes resources under the scope unless relative', async () => {
    const id = priv.project.id;
    const list = await permissions(priv.members.guest, `?scope=/project/${id}`);
    expect(list).toContainEqual({ resource: `/project/${id}/repository`, action: 'pull' });
    expect(list).toContainEqual({ resource: `/project/${id}`, action: 'read' });
    expect(list).not.toContainEqual({ resource: `/project/${id}/repository`, action: 'push' });
    expect(await permissions(priv.members.guest, `?scope=/project/${id}&relative=false`)).toEqual(list);
  });

  it('gives outsiders nothing in a private project and the public rights in a public one', async () => {
    expect(await permissions(outsider, `?scope=/project/${priv.project.id}&relative=true`)).toEqual([]);
    const open = await permissions(outsider, `?scope=/project/${pub.project.id}&relative=true`);
    expect(pairs(open)).toEqual(relativePairs(PUBLIC_PROJECT_POLICIES));
  });

  it('lists system permissions for /system (also when no scope is given): everything for admin, nothing for users', async () => {
    const admin = await permissions(ADMIN, '?scope=/system');
    expect(admin).toContainEqual({ resource: '/system/configuration', action: 'update' });
    expect(admin).toContainEqual({ resource: '/system/robot', action: 'create' });
    expect(admin).toContainEqual({ resource: '/system/user', action: 'list' });
    expect(await permissions(ADMIN, '')).toEqual(admin);
    const relative = await permissions(ADMIN, '?scope=/system&relative=true');
    expect(relative).toContainEqual({ resource: 'catalog', action: 'read' });
    expect(relative).toHaveLength(admin.length);
    expect(await permissions(priv.members.projectAdmin, '?scope=/system')).toEqual([]);
  });

  it('lists what a robot may do, in the projects its permissions name', async () => {
    const robot = await createRobotDirect(
      registry.wharf,
      'lister',
      [
        { resource: 'repository', action: 'push' },
        { resource: 'tag', action: 'list' },
      ],
      priv.project,
    );
    const mine = await permissions(robot, `?scope=/project/${priv.project.id}&relative=true`);
    // Harbor lets a robot that may push pull as well.
    expect(pairs(mine)).toEqual(['repository:pull', 'repository:push', 'tag:list']);
    const other = await createProjectWithMembers(registry.wharf, 'elsewhere', { public: false });
    expect(await permissions(robot, `?scope=/project/${other.project.id}`)).toEqual([]);
    expect(await permissions(robot, '?scope=/system')).toEqual([]);
  });

  it('answers an empty list for a scope it does not know or a project that does not exist', async () => {
    for (const scope of ['/project/999999', '/projects/1', '/foo', 'project/1', '/project/abc']) {
      expect(await permissions(ADMIN, `?scope=${encodeURIComponent(scope)}`), scope).toEqual([]);
    }
  });

  it('needs a signed-in caller and a boolean relative', async () => {
    expectHarborError(await api(registry.app, 'GET', '/users/current/permissions?scope=/system'), 401, 'UNAUTHORIZED');
    expectHarborError(
      await api(registry.app, 'GET', '/users/current/permissions?relative=maybe', ADMIN),
      400,
      'BAD_REQUEST',
    );
  });
});
