import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/lib/password-hash.js';
import { api } from '../helpers/api-client.js';
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
