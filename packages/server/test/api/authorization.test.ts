import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api, createUser, type Credentials } from '../helpers/api-client.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

/**
 * Who may call which management endpoint: anonymous callers, an ordinary user (acting on someone else, or on
 * themselves where that differs), a system administrator, and a caller with a wrong password.
 */
type Caller = 'anonymous' | 'user' | 'sysadmin' | 'wrong-password';
type Outcome = number;

interface Row {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `{other}` is another ordinary user's id, `{self}` the calling user's own id. */
  readonly path: string;
  readonly body?: () => unknown;
  readonly expect: Readonly<Record<Caller, Outcome>>;
}

let counter = 0;
const freshUser = () => ({ username: `made-${++counter}`, password: 'Passw0rd1' });

const MATRIX: readonly Row[] = [
  { method: 'GET', path: '/ping', expect: { anonymous: 200, user: 200, sysadmin: 200, 'wrong-password': 401 } },
  { method: 'GET', path: '/health', expect: { anonymous: 200, user: 200, sysadmin: 200, 'wrong-password': 401 } },
  { method: 'GET', path: '/systeminfo', expect: { anonymous: 200, user: 200, sysadmin: 200, 'wrong-password': 401 } },
  {
    method: 'GET',
    path: '/system/notifications',
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
  { method: 'GET', path: '/users', expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 } },
  {
    method: 'POST',
    path: '/users',
    body: freshUser,
    expect: { anonymous: 401, user: 403, sysadmin: 201, 'wrong-password': 401 },
  },
  {
    method: 'GET',
    path: '/users/current',
    expect: { anonymous: 401, user: 200, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'GET',
    path: '/users/search?username=a',
    expect: { anonymous: 401, user: 200, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'GET',
    path: '/users/{other}',
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
  { method: 'GET', path: '/users/{self}', expect: { anonymous: 401, user: 200, sysadmin: 200, 'wrong-password': 401 } },
  {
    method: 'PUT',
    path: '/users/{other}',
    body: () => ({ comment: 'changed' }),
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'PUT',
    path: '/users/{self}',
    body: () => ({ comment: 'mine' }),
    expect: { anonymous: 401, user: 200, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'PUT',
    path: '/users/{other}/password',
    body: () => ({ new_password: `Reset${++counter}Pw` }),
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'PUT',
    path: '/users/{other}/sysadmin',
    body: () => ({ sysadmin_flag: false }),
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
  {
    method: 'DELETE',
    path: '/users/{victim}',
    expect: { anonymous: 401, user: 403, sysadmin: 200, 'wrong-password': 401 },
  },
];

let reg: TestRegistry;
let user: { id: number; credentials: Credentials };
let other: { id: number };
let adminId: number;
beforeAll(async () => {
  reg = await startTestRegistry();
  user = await createUser(reg.app, 'matrix-user');
  other = await createUser(reg.app, 'matrix-other');
  adminId = (await api(reg.app, 'GET', '/users/current', ADMIN)).json<{ user_id: number }>().user_id;
});
afterAll(() => reg.close());

const CALLERS: readonly Caller[] = ['anonymous', 'user', 'sysadmin', 'wrong-password'];

describe('authorisation matrix of /api/v2.0', () => {
  for (const row of MATRIX) {
    for (const caller of CALLERS) {
      it(`${row.method} ${row.path} as ${caller} → ${row.expect[caller]}`, async () => {
        const credentials: Credentials | undefined = {
          anonymous: undefined,
          user: user.credentials,
          sysadmin: ADMIN,
          'wrong-password': { username: 'admin', password: 'Wrong-Passw0rd' },
        }[caller];
        const victim = row.path.includes('{victim}') ? (await createUser(reg.app, `victim-${++counter}`)).id : 0;
        const self = caller === 'sysadmin' ? adminId : user.id;
        const path = row.path
          .replace('{other}', String(other.id))
          .replace('{self}', String(self))
          .replace('{victim}', String(victim));
        const res = await api(reg.app, row.method, path, credentials, row.body?.());
        expect(res.statusCode, res.body).toBe(row.expect[caller]);
        if (res.statusCode >= 400) {
          const code = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN' }[res.statusCode as 401 | 403];
          expect(res.json()).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
        }
      });
    }
  }
});
