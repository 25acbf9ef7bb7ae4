import { describe, expect, it } from 'vitest';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { createProjectWithMembers, createUserDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const registry = useTestRegistry();

interface MemberJson {
  id: number;
  project_id: number;
  entity_name: string;
  role_name: string;
  role_id: number;
  entity_id: number;
  entity_type: string;
}

async function userId(username: string): Promise<number> {
  const user = await registry.wharf.store.users.getByName(username);
  if (!user) throw new Error(`no user ${username}`);
  return user.id;
}

describe('GET /projects/{p}/members', () => {
  it("lists Harbor's ProjectMemberEntity with paging and the entityname filter", async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'listed', { public: false });
    const res = await api(registry.app, 'GET', `/projects/${project.id}/members?page_size=2`, members.guest);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-total-count']).toBe('5');
    expect(res.headers.link).toBe(`</api/v2.0/projects/${project.id}/members?page_size=2&page=2>; rel="next"`);
    const [first] = res.json<MemberJson[]>();
    expect(first).toEqual({
      id: expect.any(Number) as number,
      project_id: project.id,
      entity_name: 'listed-developer',
      role_name: 'Developer',
      role_id: 2,
      entity_id: await userId('listed-developer'),
      entity_type: 'u',
    });
    const filtered = await api(registry.app, 'GET', '/projects/listed/members?entityname=GUEST', members.guest);
    expect(filtered.json<MemberJson[]>().map((m) => [m.entity_name, m.role_name])).toEqual([
      ['listed-guest', 'Guest'],
      ['listed-limitedguest', 'Limited Guest'],
    ]);
    expect(filtered.headers['x-total-count']).toBe('2');
  });
});

describe('POST /projects/{p}/members', () => {
  it('adds a user by id or by name, answering 201 with the Location of the new member', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'grow', { public: false });
    await createUserDirect(registry.wharf, 'newbie');
    await createUserDirect(registry.wharf, 'newer');
    const res = await api(registry.app, 'POST', '/projects/grow/members', members.projectAdmin, {
      role_id: 4,
      member_user: { user_id: await userId('newbie') },
    });
    expect(res.statusCode, res.body).toBe(201);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/api\/v2\.0\/projects\/grow\/members\/\d+$/);
    const got = await api(registry.app, 'GET', location.replace('/api/v2.0', ''), members.projectAdmin);
    expect(got.json()).toMatchObject({ entity_name: 'newbie', role_id: 4, role_name: 'Maintainer' });
    const byName = await api(registry.app, 'POST', '/projects/grow/members', members.projectAdmin, {
      role_id: 5,
      member_user: { username: 'newer' },
    });
    expect(byName.statusCode, byName.body).toBe(201);
    // The new member now sees the private project.
    const seen = await api(registry.app, 'GET', '/projects/grow', { username: 'newer', password: 'Passw0rd1' });
    expect(seen.json()).toMatchObject({ name: 'grow', current_user_role_id: 5 });
  });

  it('refuses unknown users, bad roles, groups and empty requests with 400, and a second membership with 409', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'strict', { public: false });
    const admin = members.projectAdmin;
    const path = '/projects/strict/members';
    const cases: [unknown, string][] = [
      [{ role_id: 2, member_user: { username: 'ghost-user' } }, 'user ghost-user not found'],
      [{ role_id: 2, member_user: { user_id: 999999 } }, 'user 999999 not found'],
      [{ role_id: 2 }, 'member_user with a user_id or a username is required'],
      [{ role_id: 2, member_user: {} }, 'member_user with a user_id or a username is required'],
      [{ role_id: 2, member_user: 'strict-guest' }, 'member_user must be an object'],
      [{ role_id: 6, member_user: { username: 'strict-guest' } }, 'role_id must be one of 1 (Project Admin)'],
      [{ role_id: '1', member_user: { username: 'strict-guest' } }, 'role_id must be one of'],
      [{ member_user: { username: 'strict-guest' } }, 'role_id must be one of'],
      [{ role_id: 2, member_group: { group_name: 'devs' } }, 'member_group needs an id, or a group_type'],
      [{ role_id: 2, member_group: { id: 424242 } }, 'user group 424242 not found'],
    ];
    for (const [body, message] of cases) {
      const res = await api(registry.app, 'POST', path, admin, body);
      expect(expectHarborError(res, 400, 'BAD_REQUEST'), JSON.stringify(body)).toContain(message);
    }
    const twice = await api(registry.app, 'POST', path, admin, {
      role_id: 1,
      member_user: { username: 'strict-guest' },
    });
    expectHarborError(twice, 409, 'CONFLICT');
  });
});

describe('GET, PUT and DELETE /projects/{p}/members/{mid}', () => {
  it('reads, changes the role of and removes a member', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'edit', { public: false });
    const guest = await registry.wharf.store.members.find(project.id, 'u', await userId('edit-guest'));
    const path = `/projects/edit/members/${guest?.id}`;
    expect((await api(registry.app, 'GET', path, members.developer)).json()).toMatchObject({
      id: guest?.id,
      role_id: 3,
    });
    const put = await api(registry.app, 'PUT', path, members.projectAdmin, { role_id: 2 });
    expect(put.statusCode, put.body).toBe(200);
    expect((await api(registry.app, 'GET', path, members.projectAdmin)).json()).toMatchObject({
      role_id: 2,
      role_name: 'Developer',
    });
    // The change takes effect on the member's next request.
    const list = await api(registry.app, 'GET', '/projects/edit', members.guest);
    expect(list.json()).toMatchObject({ current_user_role_id: 2 });
    expect((await api(registry.app, 'DELETE', path, members.projectAdmin)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'GET', path, members.projectAdmin), 404, 'NOT_FOUND');
    expectHarborError(await api(registry.app, 'GET', '/projects/edit', members.guest), 403, 'FORBIDDEN');
    // Removing it again succeeds, as in Harbor.
    expect((await api(registry.app, 'DELETE', path, members.projectAdmin)).statusCode).toBe(200);
    expectHarborError(await api(registry.app, 'PUT', path, members.projectAdmin, { role_id: 1 }), 404, 'NOT_FOUND');
  });

  it('refuses bad member ids and roles with 400 and members of another project with 404', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'ids', { public: false });
    const { project: other } = await createProjectWithMembers(registry.wharf, 'ids-other', { public: false });
    const foreign = (await registry.wharf.store.members.list(other.id, { page: 1, pageSize: 1 })).items[0];
    const admin = members.projectAdmin;
    for (const mid of ['0', 'abc', '-1']) {
      expectHarborError(await api(registry.app, 'GET', `/projects/ids/members/${mid}`, admin), 400, 'BAD_REQUEST');
    }
    expectHarborError(await api(registry.app, 'GET', `/projects/ids/members/${foreign?.id}`, admin), 404, 'NOT_FOUND');
    const self = await registry.wharf.store.members.find(
      (await registry.wharf.store.projects.getByName('ids'))?.id ?? 0,
      'u',
      await userId('ids-guest'),
    );
    const path = `/projects/ids/members/${self?.id}`;
    for (const body of [{}, { role_id: 0 }, { role_id: 2.5 }]) {
      expectHarborError(await api(registry.app, 'PUT', path, admin, body), 400, 'BAD_REQUEST');
    }
    // Deleting a member of another project through this one changes nothing.
    expect((await api(registry.app, 'DELETE', `/projects/ids/members/${foreign?.id}`, admin)).statusCode).toBe(200);
    expect(await registry.wharf.store.members.get(other.id, foreign?.id ?? 0)).toBeDefined();
  });

  it('does not let a member change or remove their own membership; another project admin can', async () => {
    const { project, members } = await createProjectWithMembers(registry.wharf, 'selfish', { public: false });
    const me = await registry.wharf.store.members.find(project.id, 'u', await userId('selfish-projectadmin'));
    const path = `/projects/selfish/members/${me?.id}`;
    const downgrade = await api(registry.app, 'PUT', path, members.projectAdmin, { role_id: 3 });
    expect(expectHarborError(downgrade, 403, 'FORBIDDEN')).toBe('you cannot change your own role');
    const leave = await api(registry.app, 'DELETE', path, members.projectAdmin);
    expect(expectHarborError(leave, 403, 'FORBIDDEN')).toBe('you cannot remove yourself from the project');
    await createUserDirect(registry.wharf, 'selfish-second');
    await api(registry.app, 'POST', '/projects/selfish/members', members.projectAdmin, {
      role_id: 1,
      member_user: { username: 'selfish-second' },
    });
    const second = { username: 'selfish-second', password: 'Passw0rd1' };
    expect((await api(registry.app, 'PUT', path, second, { role_id: 3 })).statusCode).toBe(200);
    expect((await api(registry.app, 'DELETE', path, ADMIN)).statusCode).toBe(200);
  });
});
