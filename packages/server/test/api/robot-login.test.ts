import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/password-hash.js';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, basic, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

describe('robot accounts authenticate with Basic credentials', () => {
  const registry = useTestRegistry();

  it('accepts an active robot with its secret and refuses a wrong, disabled or expired one', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'robots', { public: false });
    const pull = [{ resource: 'repository', action: 'pull' }];
    const active = await createRobotDirect(registry.wharf, 'active', pull, project);
    const disabled = await createRobotDirect(registry.wharf, 'off', pull, project, { disabled: true });
    const expired = await createRobotDirect(registry.wharf, 'old', pull, project, {
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await api(registry.app, 'GET', '/ping', active)).statusCode).toBe(200);
    // Twice: the second request is answered from the verification cache and must agree.
    expect((await api(registry.app, 'GET', '/ping', active)).statusCode).toBe(200);
    expect((await api(registry.app, 'GET', '/ping', { ...active, password: 'wrong' })).statusCode).toBe(401);
    expect((await api(registry.app, 'GET', '/ping', disabled)).statusCode).toBe(401);
    expect((await api(registry.app, 'GET', '/ping', expired)).statusCode).toBe(401);
    expect((await api(registry.app, 'GET', '/ping', { username: 'robot$nobody', password: 'x' })).statusCode).toBe(401);
  });

  it('forgets a cached verification when the password changes', async () => {
    const { members } = await createProjectWithMembers(registry.wharf, 'cache', { public: false });
    const guest = members.guest;
    expect((await api(registry.app, 'GET', '/users/current', guest)).statusCode).toBe(200);
    const user = await registry.wharf.store.users.getByName(guest.username);
    await registry.wharf.store.users.setPasswordHash(user!.id, await hashPassword('Another1pass'));
    expect((await api(registry.app, 'GET', '/users/current', guest)).statusCode).toBe(401);
    expect((await api(registry.app, 'GET', '/users/current', { ...guest, password: 'Another1pass' })).statusCode).toBe(
      200,
    );
  });
});

describe('robot expiry is judged on the clock port', () => {
  const clock = new ManualClock();
  const registry = useTestRegistry({}, { clock });

  /** The statuses of a login with `robot` on /v2 (Basic), the token service and the management API. */
  async function logins(robot: Credentials): Promise<number[]> {
    const authorization = basic(robot);
    const v2 = await registry.app.inject({ method: 'GET', url: '/v2/', headers: { authorization } });
    const token = await registry.app.inject({
      method: 'GET',
      url: '/service/token?service=wharf-registry&scope=repository:expiring/app:pull',
      headers: { authorization },
    });
    const permissions = await api(registry.app, 'GET', '/users/current/permissions?scope=/system', robot);
    return [v2.statusCode, token.statusCode, permissions.statusCode];
  }

  it('refuses a robot’s Basic login on /v2, the token service and the API once the clock passes its expires_at', async () => {
    const { project } = await createProjectWithMembers(registry.wharf, 'expiring', { public: false });
    const pull = [{ resource: 'repository', action: 'pull' }];
    const robot = await createRobotDirect(registry.wharf, 'soon', pull, project, {
      expiresAt: new Date(clock.now() + 30_000),
    });
    expect(await logins(robot)).toEqual([200, 200, 200]);
    // Within the same minute the verified secret is remembered: expiry must still be judged at the clock's time.
    clock.advance(29_999);
    expect(await logins(robot)).toEqual([200, 200, 200]);
    clock.advance(1);
    expect(await logins(robot)).toEqual([401, 401, 401]);
    // The real time never passed expires_at: only the clock port decided.
    expect(Date.now()).toBeLessThan(clock.now());
  });

  it('a robot created through the API with a duration expires when the clock has moved that many days', async () => {
    await createProjectWithMembers(registry.wharf, 'dated', { public: false });
    const res = await api(registry.app, 'POST', '/robots', ADMIN, {
      name: 'daily',
      level: 'project',
      duration: 1,
      permissions: [{ kind: 'project', namespace: 'dated', access: [{ resource: 'repository', action: 'pull' }] }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json<{ name: string; secret: string; expires_at: number }>();
    // expires_at (seconds) counts from the clock's time of creation.
    expect(created.expires_at).toBe(Math.floor((clock.now() + 86_400_000) / 1000));
    const robot = { username: created.name, password: created.secret };
    const permissions = () => api(registry.app, 'GET', '/users/current/permissions?scope=/system', robot);
    expect((await permissions()).statusCode).toBe(200);
    clock.advance(86_400_000);
    expect((await permissions()).statusCode).toBe(401);
  });
});
