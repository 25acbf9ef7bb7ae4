import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, expectHarborError } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

let reg: TestRegistry;
beforeAll(async () => {
  reg = await startTestRegistry();
});
afterAll(() => reg.close());

describe('POST /api/v2.0/users', () => {
  it('creates a user that can then authenticate, answering 201 with its Location', async () => {
    const { id, credentials } = await createUser(reg.app, 'carol', 'Carol1234', {
      realname: 'Carol C',
      comment: 'ops',
    });
    const res = await api(reg.app, 'GET', '/users/current', credentials);
    expect(res.statusCode).toBe(200);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      user_id: id,
      username: 'carol',
      email: 'carol@example.com',
      realname: 'Carol C',
      comment: 'ops',
      sysadmin_flag: false,
      admin_role_in_auth: false,
    });
    expect(Date.parse(body.creation_time as string)).not.toBeNaN();
    expect(Date.parse(body.update_time as string)).not.toBeNaN();
    expect(JSON.stringify(body)).not.toMatch(/scrypt|password/);
  });

  it('refuses a password against the policy, naming every unmet requirement', async () => {
    const res = await api(reg.app, 'POST', '/users', ADMIN, { username: 'weak', password: 'short' });
    const message = expectHarborError(res, 400, 'BAD_REQUEST');
    expect(message).toBe(
      'the password must be at least 8 characters long, contain an upper-case letter (A-Z) and contain a digit (0-9)',
    );
    const missing = await api(reg.app, 'POST', '/users', ADMIN, { username: 'nopw' });
    expect(expectHarborError(missing, 400, 'BAD_REQUEST')).toBe('password is required');
  });

  it('refuses bad usernames, emails and overlong comments', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ password: 'Passw0rd1' }, 'username is required'],
      [{ username: 'a#b', password: 'Passw0rd1' }, 'username must not contain white space or any of , ~ # $ %'],
      [{ username: 'okname', email: 'not-an-email', password: 'Passw0rd1' }, 'email must be an email address'],
      [{ username: 'okname', comment: 'x'.repeat(31), password: 'Passw0rd1' }, 'comment must be text'],
    ];
    for (const [body, message] of cases) {
      const res = await api(reg.app, 'POST', '/users', ADMIN, body);
      expect(expectHarborError(res, 400, 'BAD_REQUEST')).toContain(message);
    }
    expectHarborError(await api(reg.app, 'POST', '/users', ADMIN, [1, 2]), 400, 'BAD_REQUEST');
  });

  it('answers CONFLICT for a taken username or email', async () => {
    await createUser(reg.app, 'dup');
    const name = await api(reg.app, 'POST', '/users', ADMIN, { username: 'dup', password: 'Passw0rd1' });
    expect(expectHarborError(name, 409, 'CONFLICT')).toContain('username dup');
    const email = await api(reg.app, 'POST', '/users', ADMIN, {
      username: 'dup2',
      email: 'dup@example.com',
      password: 'Passw0rd1',
    });
    expect(expectHarborError(email, 409, 'CONFLICT')).toContain('email dup@example.com');
  });

  it('lets anyone register while self-registration is on, never as administrator', async () => {
    await reg.wharf.store.settings.set({ selfRegistration: true });
    try {
      const res = await api(reg.app, 'POST', '/users', undefined, {
        username: 'selfmade',
        password: 'Selfmade1',
        sysadmin_flag: true,
      });
      expect(res.statusCode).toBe(201);
      const me = await api(reg.app, 'GET', '/users/current', { username: 'selfmade', password: 'Selfmade1' });
      expect(me.json()).toMatchObject({ username: 'selfmade', sysadmin_flag: false });
    } finally {
      await reg.wharf.store.settings.set({ selfRegistration: false });
    }
    const closed = await api(reg.app, 'POST', '/users', undefined, { username: 'late', password: 'Passw0rd1' });
    expectHarborError(closed, 401, 'UNAUTHORIZED');
  });
});

describe('GET /api/v2.0/users', () => {
  it('pages with X-Total-Count and Link, and filters with q', async () => {
    for (const name of ['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']) await createUser(reg.app, name);
    const first = await api(reg.app, 'GET', '/users?q=username%3D~pg-&page=1&page_size=2', ADMIN);
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-total-count']).toBe('5');
    expect(first.headers.link).toBe('</api/v2.0/users?q=username%3D%7Epg-&page=2&page_size=2>; rel="next"');
    expect(first.json<{ username: string }[]>().map((u) => u.username)).toEqual(['pg-a', 'pg-b']);
    const middle = await api(reg.app, 'GET', '/users?q=username%3D~pg-&page=2&page_size=2', ADMIN);
    expect(middle.headers.link).toBe(
      '</api/v2.0/users?q=username%3D%7Epg-&page=1&page_size=2>; rel="prev" , ' +
        '</api/v2.0/users?q=username%3D%7Epg-&page=3&page_size=2>; rel="next"',
    );
    const last = await api(reg.app, 'GET', '/users?q=username%3D~pg-&page=3&page_size=2', ADMIN);
    expect(last.json<{ username: string }[]>().map((u) => u.username)).toEqual(['pg-e']);
    expect(last.headers.link).toBe('</api/v2.0/users?q=username%3D%7Epg-&page=2&page_size=2>; rel="prev"');
    const exact = await api(reg.app, 'GET', '/users?q=username%3Dpg-c', ADMIN);
    expect(exact.json<{ username: string }[]>().map((u) => u.username)).toEqual(['pg-c']);
    const byEmail = await api(reg.app, 'GET', '/users?q=email%3D~PG-D%40&sort=-username', ADMIN);
    expect(byEmail.json<{ username: string }[]>().map((u) => u.username)).toEqual(['pg-d']);
    const sorted = await api(reg.app, 'GET', '/users?q=username%3D~pg-&sort=-username&page_size=2', ADMIN);
    expect(sorted.json<{ username: string }[]>().map((u) => u.username)).toEqual(['pg-e', 'pg-d']);
  });

  it('refuses bad paging, query terms and sort keys', async () => {
    for (const query of ['page=0', 'page_size=101', 'page=x', 'q=realname%3Dx', 'sort=password']) {
      expectHarborError(await api(reg.app, 'GET', `/users?${query}`, ADMIN), 400, 'BAD_REQUEST');
    }
  });
});

describe('GET /api/v2.0/users/search', () => {
  it('finds users by username substring with paging headers, for any user', async () => {
    const { credentials } = await createUser(reg.app, 'searcher');
    await createUser(reg.app, 'findme-1');
    await createUser(reg.app, 'findme-2');
    const res = await api(reg.app, 'GET', '/users/search?username=findme&page_size=1', credentials);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-total-count']).toBe('2');
    const items = res.json<Record<string, unknown>[]>();
    expect(items).toHaveLength(1);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(['user_id', 'username']);
    expect(items[0]?.username).toBe('findme-1');
    expectHarborError(await api(reg.app, 'GET', '/users/search', credentials), 400, 'BAD_REQUEST');
  });
});

describe('/api/v2.0/users/{user_id}', () => {
  it('gets, updates and deletes a user; NOT_FOUND afterwards', async () => {
    const { id } = await createUser(reg.app, 'dora');
    const got = await api(reg.app, 'GET', `/users/${id}`, ADMIN);
    expect(got.json()).toMatchObject({ user_id: id, username: 'dora', realname: '' });
    const put = await api(reg.app, 'PUT', `/users/${id}`, ADMIN, { realname: 'Dora D', email: 'dd@example.com' });
    expect(put.statusCode).toBe(200);
    expect((await api(reg.app, 'GET', `/users/${id}`, ADMIN)).json()).toMatchObject({
      realname: 'Dora D',
      email: 'dd@example.com',
      comment: '',
    });
    expect((await api(reg.app, 'DELETE', `/users/${id}`, ADMIN)).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', `/users/${id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'DELETE', `/users/${id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(await api(reg.app, 'PUT', `/users/${id}`, ADMIN, { realname: 'x' }), 404, 'NOT_FOUND');
    // The name is free again.
    await createUser(reg.app, 'dora');
  });

  it('lets users read and update themselves but not others', async () => {
    const { id, credentials } = await createUser(reg.app, 'erin');
    const { id: other } = await createUser(reg.app, 'frank');
    expect((await api(reg.app, 'GET', `/users/${id}`, credentials)).statusCode).toBe(200);
    expect((await api(reg.app, 'PUT', `/users/${id}`, credentials, { comment: 'me' })).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', `/users/${other}`, credentials), 403, 'FORBIDDEN');
    expectHarborError(await api(reg.app, 'PUT', `/users/${other}`, credentials, { comment: 'x' }), 403, 'FORBIDDEN');
  });

  it('refuses a malformed user id and an administrator deleting themselves', async () => {
    expectHarborError(await api(reg.app, 'GET', '/users/abc', ADMIN), 400, 'BAD_REQUEST');
    expectHarborError(await api(reg.app, 'GET', '/users/0', ADMIN), 400, 'BAD_REQUEST');
    const me = (await api(reg.app, 'GET', '/users/current', ADMIN)).json<{ user_id: number }>();
    expectHarborError(await api(reg.app, 'DELETE', `/users/${me.user_id}`, ADMIN), 403, 'FORBIDDEN');
  });
});

describe('PUT /api/v2.0/users/{user_id}/password', () => {
  it('changes one’s own password with the old one', async () => {
    const { id, credentials } = await createUser(reg.app, 'gina', 'GinaPass1');
    const wrongOld = await api(reg.app, 'PUT', `/users/${id}/password`, credentials, {
      old_password: 'NotMine11',
      new_password: 'GinaPass2',
    });
    expectHarborError(wrongOld, 403, 'FORBIDDEN');
    const noOld = await api(reg.app, 'PUT', `/users/${id}/password`, credentials, { new_password: 'GinaPass2' });
    expect(expectHarborError(noOld, 400, 'BAD_REQUEST')).toBe('old_password is required');
    const same = await api(reg.app, 'PUT', `/users/${id}/password`, credentials, {
      old_password: 'GinaPass1',
      new_password: 'GinaPass1',
    });
    expect(expectHarborError(same, 400, 'BAD_REQUEST')).toBe('the new password must differ from the old one');
    const weak = await api(reg.app, 'PUT', `/users/${id}/password`, credentials, {
      old_password: 'GinaPass1',
      new_password: 'alllowercase1',
    });
    expect(expectHarborError(weak, 400, 'BAD_REQUEST')).toBe('the password must contain an upper-case letter (A-Z)');
    const ok = await api(reg.app, 'PUT', `/users/${id}/password`, credentials, {
      old_password: 'GinaPass1',
      new_password: 'GinaPass2',
    });
    expect(ok.statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', '/users/current', credentials), 401, 'UNAUTHORIZED');
    const renewed = { username: 'gina', password: 'GinaPass2' };
    expect((await api(reg.app, 'GET', '/users/current', renewed)).statusCode).toBe(200);
  });

  it('lets an administrator reset another user’s password without the old one, and nobody else', async () => {
    const { id } = await createUser(reg.app, 'hank', 'HankPass1');
    const { credentials: other } = await createUser(reg.app, 'ivan');
    const denied = await api(reg.app, 'PUT', `/users/${id}/password`, other, { new_password: 'HankPass2' });
    expectHarborError(denied, 403, 'FORBIDDEN');
    const reset = await api(reg.app, 'PUT', `/users/${id}/password`, ADMIN, { new_password: 'HankPass3' });
    expect(reset.statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users/current', { username: 'hank', password: 'HankPass3' })).statusCode).toBe(
      200,
    );
    const missing = await api(reg.app, 'PUT', '/users/999999/password', ADMIN, { new_password: 'HankPass4' });
    expectHarborError(missing, 404, 'NOT_FOUND');
  });
});

describe('PUT /api/v2.0/users/{user_id}/sysadmin', () => {
  it('grants and revokes administration', async () => {
    const { id, credentials } = await createUser(reg.app, 'jill');
    expectHarborError(await api(reg.app, 'GET', '/users', credentials), 403, 'FORBIDDEN');
    expect((await api(reg.app, 'PUT', `/users/${id}/sysadmin`, ADMIN, { sysadmin_flag: true })).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users', credentials)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/users/current', credentials)).json()).toMatchObject({ sysadmin_flag: true });
    expect((await api(reg.app, 'PUT', `/users/${id}/sysadmin`, ADMIN, { sysadmin_flag: false })).statusCode).toBe(200);
    expectHarborError(await api(reg.app, 'GET', '/users', credentials), 403, 'FORBIDDEN');
  });

  it('refuses a non-boolean flag, an unknown user and changing one’s own flag', async () => {
    const { id } = await createUser(reg.app, 'kim');
    const bad = await api(reg.app, 'PUT', `/users/${id}/sysadmin`, ADMIN, { sysadmin_flag: 'yes' });
    expectHarborError(bad, 400, 'BAD_REQUEST');
    const missing = await api(reg.app, 'PUT', '/users/999999/sysadmin', ADMIN, { sysadmin_flag: true });
    expectHarborError(missing, 404, 'NOT_FOUND');
    const me = (await api(reg.app, 'GET', '/users/current', ADMIN)).json<{ user_id: number }>();
    const self = await api(reg.app, 'PUT', `/users/${me.user_id}/sysadmin`, ADMIN, { sysadmin_flag: false });
    expectHarborError(self, 403, 'FORBIDDEN');
  });
});
