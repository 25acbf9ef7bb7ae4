import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, type Credentials } from '../helpers/api-client.js';
import { expectOciError, pushImage } from '../helpers/inject-client.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

/**
 * Revocation reaches Bearer tokens already issued: each cause, applied through the management API (or straight to
 * the database, as another node would), stops a real token from /service/token within a second on /v2. The clock is
 * a ManualClock: "a second later" is `clock.advance(1000)`, the lifetime of the per-account cache.
 */
const clock = new ManualClock();
const reg = useOciTestRegistry({}, { clock });
let rev: ProjectWithMembers;

beforeAll(async () => {
  rev = await createProjectWithMembers(reg.wharf, 'rev', { public: false });
  await pushImage(reg.app, 'rev/app', 'v1');
});

async function tokenFor(as: Credentials, scope: string): Promise<string> {
  const res = await reg.wharf.app.inject({
    method: 'GET',
    url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(scope)}`,
    headers: { authorization: basic(as) },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

const pull = (jwt: string) =>
  reg.wharf.app.inject({
    method: 'GET',
    url: '/v2/rev/app/manifests/v1',
    headers: { authorization: `Bearer ${jwt}` },
  });
const push = (jwt: string) =>
  reg.wharf.app.inject({
    method: 'POST',
    url: '/v2/rev/app/blobs/uploads/',
    headers: { authorization: `Bearer ${jwt}` },
  });

/** A fresh member of `rev` with `roleId` (2 developer, 3 guest), its user id and membership id. */
async function member(name: string, roleId: number) {
  const credentials = await createUserDirect(reg.wharf, name);
  const user = (await reg.wharf.store.users.getByName(name))!;
  const added = await api(reg.app, 'POST', '/projects/rev/members', ADMIN, {
    role_id: roleId,
    member_user: { username: name },
  });
  expect(added.statusCode, added.body).toBe(201);
  const list = await api(reg.app, 'GET', `/projects/rev/members?entityname=${name}`, ADMIN);
  const mid = list.json<{ id: number; entity_name: string }[]>().find((m) => m.entity_name === name)!.id;
  return { credentials, userId: user.id, mid };
}

function expectRevoked(res: Awaited<ReturnType<typeof pull>>, error = 'invalid_token') {
  expectOciError(res, 401, 'UNAUTHORIZED');
  expect(res.headers['www-authenticate']).toContain(`error="${error}"`);
}

describe('revocation of issued Bearer tokens', () => {
  it('a password change: the token stops within a second', async () => {
    const { credentials, userId } = await member('rev-pw', 2);
    const jwt = await tokenFor(credentials, 'repository:rev/app:pull');
    expect((await pull(jwt)).statusCode).toBe(200);
    const res = await api(reg.app, 'PUT', `/users/${userId}/password`, ADMIN, { new_password: 'Changed1pass' });
    expect(res.statusCode, res.body).toBe(200);
    clock.advance(1000);
    expectRevoked(await pull(jwt));
    // A token obtained with the new password works.
    const fresh = await tokenFor({ username: 'rev-pw', password: 'Changed1pass' }, 'repository:rev/app:pull');
    expect((await pull(fresh)).statusCode).toBe(200);
  });

  it('removal from the project', async () => {
    const { credentials, mid } = await member('rev-gone', 2);
    const jwt = await tokenFor(credentials, 'repository:rev/app:pull,push');
    expect((await pull(jwt)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', `/projects/rev/members/${mid}`, ADMIN)).statusCode).toBe(200);
    clock.advance(1000);
    expectRevoked(await pull(jwt), 'insufficient_scope');
    expectRevoked(await push(jwt), 'insufficient_scope');
  });

  it('a role change: a developer made guest keeps pulling, no longer pushes', async () => {
    const { credentials, mid } = await member('rev-demoted', 2);
    const jwt = await tokenFor(credentials, 'repository:rev/app:pull,push');
    expect((await push(jwt)).statusCode).toBe(202);
    const res = await api(reg.app, 'PUT', `/projects/rev/members/${mid}`, ADMIN, { role_id: 3 });
    expect(res.statusCode, res.body).toBe(200);
    clock.advance(1000);
    expectRevoked(await push(jwt), 'insufficient_scope');
    expect((await pull(jwt)).statusCode).toBe(200);
  });

  it("a user's deletion, also when a new user takes the name", async () => {
    const { credentials, userId } = await member('rev-deleted', 3);
    const jwt = await tokenFor(credentials, 'repository:rev/app:pull');
    expect((await pull(jwt)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', `/users/${userId}`, ADMIN)).statusCode).toBe(200);
    clock.advance(1000);
    expectRevoked(await pull(jwt));
    await member('rev-deleted', 3);
    clock.advance(1000);
    expectRevoked(await pull(jwt));
  });

  it("a robot's disabling, deletion and secret refresh", async () => {
    const access = [{ resource: 'repository', action: 'pull' }];
    const robots = reg.wharf.store.robots;
    const idOf = async (c: Credentials) => (await robots.getByName(c.username))!.id;

    const disabled = await createRobotDirect(reg.wharf, 'off', access, rev.project);
    const offJwt = await tokenFor(disabled, 'repository:rev/app:pull');
    expect((await pull(offJwt)).statusCode).toBe(200);
    const put = await api(reg.app, 'PUT', `/robots/${await idOf(disabled)}`, ADMIN, {
      name: disabled.username,
      level: 'project',
      disable: true,
    });
    expect(put.statusCode, put.body).toBe(200);

    const deleted = await createRobotDirect(reg.wharf, 'gone', access, rev.project);
    const goneJwt = await tokenFor(deleted, 'repository:rev/app:pull');
    expect((await pull(goneJwt)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', `/robots/${await idOf(deleted)}`, ADMIN)).statusCode).toBe(200);

    const rekeyed = await createRobotDirect(reg.wharf, 'rekeyed', access, rev.project);
    const rekeyedJwt = await tokenFor(rekeyed, 'repository:rev/app:pull');
    expect((await pull(rekeyedJwt)).statusCode).toBe(200);
    const patch = await api(reg.app, 'PATCH', `/robots/${await idOf(rekeyed)}`, ADMIN, { secret: 'Fresh1secret' });
    expect(patch.statusCode, patch.body).toBe(200);

    // Written straight to the database, as another node sharing it would: the permissions change.
    const narrowed = await createRobotDirect(reg.wharf, 'narrowed', access, rev.project);
    const narrowedJwt = await tokenFor(narrowed, 'repository:rev/app:pull');
    expect((await pull(narrowedJwt)).statusCode).toBe(200);
    await robots.update(await idOf(narrowed), { permissions: [{ kind: 'project', namespace: 'rev', access: [] }] });

    clock.advance(1000);
    expectRevoked(await pull(offJwt));
    expectRevoked(await pull(goneJwt));
    expectRevoked(await pull(rekeyedJwt));
    expectRevoked(await pull(narrowedJwt), 'insufficient_scope');
  });

  it('a project turned private stops anonymous tokens', async () => {
    await reg.wharf.store.projects.create({ name: 'revpub', public: true });
    await pushImage(reg.app, 'revpub/app', 'v1');
    const res = await reg.wharf.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:revpub/app:pull',
    });
    const jwt = res.json<{ token: string }>().token;
    const get = () =>
      reg.wharf.app.inject({
        method: 'GET',
        url: '/v2/revpub/app/manifests/v1',
        headers: { authorization: `Bearer ${jwt}` },
      });
    expect((await get()).statusCode).toBe(200);
    const project = (await reg.wharf.store.projects.getByName('revpub'))!;
    await reg.wharf.store.projects.update(project.id, { public: false });
    clock.advance(1000);
    expectOciError(await get(), 401, 'UNAUTHORIZED');
  });
});

describe('robots are bound to the project id, not its name', () => {
  it('a project deleted and created again under the same name does not inherit the old robots', async () => {
    const pullAccess = [{ resource: 'repository', action: 'pull' }];
    const created = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'phoenix', metadata: {} });
    expect(created.statusCode, created.body).toBe(201);
    const projectRobot = await api(reg.app, 'POST', '/robots', ADMIN, {
      name: 'ci',
      level: 'project',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'phoenix', access: pullAccess }],
    });
    expect(projectRobot.statusCode, projectRobot.body).toBe(201);
    const systemRobot = await api(reg.app, 'POST', '/robots', ADMIN, {
      name: 'phoenix-reader',
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'phoenix', access: pullAccess }],
    });
    expect(systemRobot.statusCode, systemRobot.body).toBe(201);
    const robots = [projectRobot, systemRobot].map((res) => {
      const body = res.json<{ id: number; name: string; secret: string }>();
      return { id: body.id, credentials: { username: body.name, password: body.secret } };
    });
    const [projectCi, reader] = robots as [(typeof robots)[0], (typeof robots)[0]];
    await pushImage(reg.app, 'phoenix/app', 'v1');
    const pullAs = (as: Credentials, tag: string) =>
      reg.wharf.app.inject({
        method: 'GET',
        url: `/v2/phoenix/app/manifests/${tag}`,
        headers: { authorization: basic(as) },
      });
    for (const robot of robots) expect((await pullAs(robot.credentials, 'v1')).statusCode).toBe(200);

    expect((await api(reg.app, 'DELETE', '/projects/phoenix/repositories/app', ADMIN)).statusCode).toBe(200);
    expect((await api(reg.app, 'DELETE', '/projects/phoenix', ADMIN)).statusCode).toBe(200);
    const again = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'phoenix', metadata: {} });
    expect(again.statusCode, again.body).toBe(201);
    await pushImage(reg.app, 'phoenix/app', 'v2');

    // The project robot went with its project.
    expect((await api(reg.app, 'GET', `/robots/${projectCi.id}`, ADMIN)).statusCode).toBe(404);
    expect((await pullAs(projectCi.credentials, 'v2')).statusCode).toBe(401);
    // The system robot's block for the old project is inert: nothing in the new one.
    expect((await pullAs(reader.credentials, 'v2')).statusCode).toBe(403);
    expect((await api(reg.app, 'GET', '/projects/phoenix', reader.credentials)).statusCode).toBe(403);
    const token = await tokenFor(reader.credentials, 'repository:phoenix/app:pull');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as {
      access: unknown[];
    };
    expect(claims.access).toEqual([]);
    // Granting it again (an explicit decision) binds it to the new project.
    const regrant = await api(reg.app, 'PUT', `/robots/${reader.id}`, ADMIN, {
      name: reader.credentials.username,
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: 'phoenix', access: pullAccess }],
    });
    expect(regrant.statusCode, regrant.body).toBe(200);
    expect((await pullAs(reader.credentials, 'v2')).statusCode).toBe(200);
  });
});
