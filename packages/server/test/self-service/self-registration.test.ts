import { describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, expectHarborError, type Credentials } from '../helpers/api-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();

async function setSelfRegistration(on: boolean): Promise<void> {
  const res = await api(reg.app, 'PUT', '/configurations', ADMIN, { self_registration: on });
  expect(res.statusCode, res.body).toBe(200);
}

describe('self-registration', () => {
  it.each([
    [true, 201],
    [false, 401],
  ])('self_registration %s: anonymous POST /users answers %i, and /systeminfo tells the portal', async (on, status) => {
    await setSelfRegistration(on);
    const info = await api(reg.app, 'GET', '/systeminfo');
    expect(info.json()).toMatchObject({ self_registration: on });
    const username = `visitor-${String(on)}`;
    const res = await api(reg.app, 'POST', '/users', undefined, {
      username,
      email: `${username}@example.com`,
      realname: 'A Visitor',
      comment: 'signed up',
      password: 'Visit0rPass',
    });
    expect(res.statusCode, res.body).toBe(status);
    const me = await api(reg.app, 'GET', '/users/current', { username, password: 'Visit0rPass' });
    expect(me.statusCode).toBe(on ? 200 : 401);
    if (on)
      expect(me.json()).toMatchObject({ username, realname: 'A Visitor', comment: 'signed up', sysadmin_flag: false });
  });

  it('an administrator creates users whatever the setting', async () => {
    await setSelfRegistration(false);
    await createUser(reg.app, 'by-admin');
  });
});

describe('profile: email, real name and comment', () => {
  it('each user changes their own, administrators anyone’s; other users and anonymous callers none', async () => {
    const owner = await createUser(reg.app, 'owner');
    const other = await createUser(reg.app, 'other');
    const change = (as: Credentials | undefined, body: Record<string, unknown>) =>
      api(reg.app, 'PUT', `/users/${owner.id}`, as, body);
    const mine = await change(owner.credentials, { email: 'me@example.org', realname: 'O. Wner', comment: 'it is me' });
    expect(mine.statusCode, mine.body).toBe(200);
    expectHarborError(await change(other.credentials, { comment: 'not yours' }), 403, 'FORBIDDEN');
    expectHarborError(await change(undefined, { comment: 'nobody' }), 401, 'UNAUTHORIZED');
    expect((await change(ADMIN, { realname: 'Owner O' })).statusCode).toBe(200);
    const me = await api(reg.app, 'GET', '/users/current', owner.credentials);
    expect(me.json()).toMatchObject({ email: 'me@example.org', realname: 'Owner O', comment: 'it is me' });
    // The comment is at most 30 characters, as in Harbor.
    expectHarborError(await change(owner.credentials, { comment: 'x'.repeat(31) }), 400, 'BAD_REQUEST');
  });
});
