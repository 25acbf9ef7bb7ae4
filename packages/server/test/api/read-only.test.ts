import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ManualClock } from '../../src/ports/clock.js';
import { READ_ONLY_CACHE_MS } from '../../src/services/read-only.js';
import { pushImage } from '../helpers/artifact-content.js';
import { ADMIN, api, createUser, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const MESSAGE = 'The system is in read only mode. Any modification is prohibited.';

describe('read-only mode', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry({}, { clock });
  let user: { id: number; credentials: Credentials };
  let robotId: number;
  let projectName: string;

  beforeAll(async () => {
    user = await createUser(registry.app, 'reader');
    const { project } = await createProjectWithMembers(registry.wharf, 'frozen', { public: false });
    projectName = project.name;
    const robot = await createRobotDirect(
      registry.wharf,
      'frozen',
      [{ resource: 'repository', action: 'pull' }],
      project,
    );
    robotId = (await registry.wharf.store.robots.getByName(robot.username))!.id;
    await pushImage(registry.app, 'frozen/app', 'v1');
    await pushImage(registry.app, 'frozen/app', 'v2');
  });

  const setReadOnly = async (value: boolean) => {
    const res = await api(registry.app, 'PUT', '/configurations', ADMIN, { read_only: value });
    expect(res.statusCode, res.body).toBe(200);
  };

  const writes = (): [string, 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown][] => [
    ['create a user', 'POST', '/users', { username: 'blocked', password: 'Passw0rd1' }],
    ['update a user', 'PUT', `/users/${user.id}`, { comment: 'x' }],
    ['change a password', 'PUT', `/users/${user.id}/password`, { new_password: 'Another1pw' }],
    ['toggle sysadmin', 'PUT', `/users/${user.id}/sysadmin`, { sysadmin_flag: true }],
    ['delete a user', 'DELETE', `/users/${user.id}`, undefined],
    [
      'create a robot',
      'POST',
      '/robots',
      {
        name: 'blocked',
        level: 'project',
        duration: -1,
        permissions: [
          { kind: 'project', namespace: projectName, access: [{ resource: 'repository', action: 'pull' }] },
        ],
      },
    ],
    ['update a robot', 'PUT', `/robots/${robotId}`, { disable: true }],
    ['refresh a robot secret', 'PATCH', `/robots/${robotId}`, {}],
    ['delete a robot', 'DELETE', `/robots/${robotId}`, undefined],
    ['describe a repository', 'PUT', '/projects/frozen/repositories/app', { description: 'x' }],
    ['tag an artifact', 'POST', '/projects/frozen/repositories/app/artifacts/v1/tags', { name: 'extra' }],
    ['delete a tag', 'DELETE', '/projects/frozen/repositories/app/artifacts/v1/tags/extra', undefined],
    ['delete an artifact', 'DELETE', '/projects/frozen/repositories/app/artifacts/v2', undefined],
    ['delete a repository', 'DELETE', '/projects/frozen/repositories/app', undefined],
  ];

  it('refuses every modification with 403 DENIED and Harbor message, and allows reading', async () => {
    await setReadOnly(true);
    try {
      for (const [label, method, path, body] of writes()) {
        const res = await api(registry.app, method, path, ADMIN, body);
        expect(expectHarborError(res, 403, 'DENIED'), label).toBe(MESSAGE);
      }
      // Anonymous callers are refused for the same reason; wrong credentials still get 401.
      expectHarborError(await api(registry.app, 'POST', '/users', undefined, {}), 403, 'DENIED');
      const wrong = { username: 'admin', password: 'Wrong-Passw0rd' };
      expectHarborError(await api(registry.app, 'POST', '/users', wrong, {}), 401, 'UNAUTHORIZED');
      expect((await api(registry.app, 'GET', '/users', ADMIN)).statusCode).toBe(200);
      expect((await api(registry.app, 'GET', `/robots/${robotId}`, ADMIN)).statusCode).toBe(200);
      const info = await api(registry.app, 'GET', '/systeminfo', ADMIN);
      expect(info.json()).toMatchObject({ read_only: true });
      expect((await api(registry.app, 'GET', '/configurations', ADMIN)).json()).toMatchObject({
        read_only: { value: true, editable: true },
      });
      expect(await registry.wharf.store.users.getByName('blocked')).toBeUndefined();
      expect(await registry.wharf.store.robots.get(robotId)).toMatchObject({ disabled: false });
      const artifacts = await api(registry.app, 'GET', '/projects/frozen/repositories/app/artifacts', ADMIN);
      expect(
        artifacts
          .json<{ tags: { name: string }[] }[]>()
          .flatMap((a) => a.tags.map((t) => t.name))
          .sort(),
      ).toEqual(['v1', 'v2']);
    } finally {
      await setReadOnly(false);
    }
  });

  it('lets the configurations change, so that an administrator can turn it off; writes work again', async () => {
    await setReadOnly(true);
    await setReadOnly(false);
    for (const [label, method, path, body] of writes()) {
      const res = await api(registry.app, method, path, ADMIN, body);
      expect(res.statusCode, `${label}: ${res.body}`).toBeLessThan(300);
    }
  });

  it('follows a change made elsewhere (another node) within the cache interval', async () => {
    await registry.wharf.store.settings.set({ readOnly: true });
    try {
      clock.advance(READ_ONLY_CACHE_MS + 50);
      const res = await api(registry.app, 'POST', '/users', ADMIN, { username: 'late', password: 'Passw0rd1' });
      expectHarborError(res, 403, 'DENIED');
    } finally {
      await setReadOnly(false);
    }
    const res = await api(registry.app, 'POST', '/users', ADMIN, { username: 'late', password: 'Passw0rd1' });
    expect(res.statusCode).toBe(201);
  });

  it('a check that falls inside the transaction of a write reads through it (SQLite has one connection)', async () => {
    const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN.password}`).toString('base64')}` };
    const blob = Buffer.from('checked inside the transaction');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const started = await registry.app.inject({ method: 'POST', url: '/v2/frozen/tx/blobs/uploads/', headers: auth });
    expect(started.statusCode, started.body).toBe(202);
    const at = started.headers.location!;
    const patched = await registry.app.inject({
      method: 'PATCH',
      url: at,
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      payload: blob,
    });
    expect(patched.statusCode, patched.body).toBe(202);
    // The cached answer is stale now: the completion's check inside its transaction must read the setting again.
    clock.advance(READ_ONLY_CACHE_MS + 50);
    const completed = await registry.app.inject({
      method: 'PUT',
      url: `${patched.headers.location!}${patched.headers.location!.includes('?') ? '&' : '?'}digest=${digest}`,
      headers: auth,
    });
    expect(completed.statusCode, completed.body).toBe(201);
  });
});
