import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES } from '../../src/domain/rbac/roles.js';
import type { Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { postLogin, sessionApi, setCookies, type BrowserSession } from '../helpers/session-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * The portal session routes against every kind of caller: who may open a session, and what that session may
 * then do on /api/v2.0 (the same as the caller's Basic credentials: the RBAC evaluator decides) with and without
 * the CSRF token. Robots never get sessions, whatever their permissions.
 */
type Step =
  | 'login'
  | 'GET /users/current'
  | 'GET /users'
  | 'PUT /users/{self} without CSRF'
  | 'PUT /users/{self}'
  | 'GET /c/log_out'
  | 'GET /users/current after logout';

const SESSION_USER: Record<Step, number> = {
  login: 200,
  'GET /users/current': 200,
  'GET /users': 403,
  'PUT /users/{self} without CSRF': 403,
  'PUT /users/{self}': 200,
  'GET /c/log_out': 200,
  'GET /users/current after logout': 401,
};
const SESSION_ADMIN: Record<Step, number> = { ...SESSION_USER, 'GET /users': 200 };
/** Callers that get no session: every later step runs without one (anonymous). */
const NO_SESSION = (login: number): Record<Step, number> => ({
  login,
  'GET /users/current': 401,
  'GET /users': 401,
  'PUT /users/{self} without CSRF': 401,
  'PUT /users/{self}': 401,
  'GET /c/log_out': 200,
  'GET /users/current after logout': 401,
});

describe('authorisation matrix: portal sessions', () => {
  const registry = useTestRegistry();
  const callers = new Map<string, { credentials: Credentials | undefined; expect: Record<Step, number> }>();

  beforeAll(async () => {
    const wharf = registry.wharf;
    const privateProject = await createProjectWithMembers(wharf, 'sess-private', { public: false });
    const publicProject = await createProjectWithMembers(wharf, 'sess-public', { public: true });
    callers.set('anonymous', { credentials: undefined, expect: NO_SESSION(400) });
    callers.set('outsider', { credentials: await createUserDirect(wharf, 'sess-outsider'), expect: SESSION_USER });
    for (const role of PROJECT_ROLES) {
      callers.set(`private ${role}`, { credentials: privateProject.members[role], expect: SESSION_USER });
      callers.set(`public ${role}`, { credentials: publicProject.members[role], expect: SESSION_USER });
    }
    const pull = [{ resource: 'repository', action: 'pull' }];
    const withPermission = await createRobotDirect(wharf, 'with', pull, privateProject.project);
    const without = await createRobotDirect(wharf, 'without', [], privateProject.project);
    callers.set('robot with permission', { credentials: withPermission, expect: NO_SESSION(401) });
    callers.set('robot without permission', { credentials: without, expect: NO_SESSION(401) });
    callers.set('system robot', { credentials: await createRobotDirect(wharf, 'sys', pull), expect: NO_SESSION(401) });
    callers.set('sysadmin', { credentials: await createUserDirect(wharf, 'sess-admin', true), expect: SESSION_ADMIN });
    callers.set('wrong password', {
      credentials: { username: 'sess-outsider', password: 'Wrong1pass' },
      expect: NO_SESSION(401),
    });
  });

  async function run(credentials: Credentials | undefined): Promise<Record<Step, number>> {
    const app = registry.app;
    const login = credentials
      ? await postLogin(app, credentials.username, credentials.password)
      : await app.inject({ method: 'POST', url: '/c/login' });
    const session: BrowserSession = {
      sid: setCookies(login).get('sid')?.value ?? '',
      csrf: String(login.headers['x-harbor-csrf-token'] ?? ''),
    };
    const current = await sessionApi(app, 'GET', '/users/current', session);
    // Without a session, {self} is some existing user (the outsider), so that only authentication decides.
    const self =
      current.statusCode === 200
        ? current.json<{ user_id: number }>().user_id
        : (await registry.wharf.store.users.getByName('sess-outsider'))!.id;
    const update = { body: { comment: 'from the portal' } };
    const result: Record<Step, number> = {
      login: login.statusCode,
      'GET /users/current': current.statusCode,
      'GET /users': (await sessionApi(app, 'GET', '/users', session)).statusCode,
      'PUT /users/{self} without CSRF': (await sessionApi(app, 'PUT', `/users/${self}`, session, update)).statusCode,
      'PUT /users/{self}': (await sessionApi(app, 'PUT', `/users/${self}`, session, { ...update, csrf: true }))
        .statusCode,
      'GET /c/log_out': (
        await app.inject({ method: 'GET', url: '/c/log_out', headers: { cookie: `sid=${session.sid}` } })
      ).statusCode,
      'GET /users/current after logout': (await sessionApi(app, 'GET', '/users/current', session)).statusCode,
    };
    return result;
  }

  const names = [
    'anonymous',
    'outsider',
    ...PROJECT_ROLES.flatMap((role) => [`private ${role}`, `public ${role}`]),
    'robot with permission',
    'robot without permission',
    'system robot',
    'sysadmin',
    'wrong password',
  ];
  for (const name of names) {
    it(`${name}`, async () => {
      const caller = callers.get(name)!;
      expect(await run(caller.credentials)).toEqual(caller.expect);
    });
  }
});
