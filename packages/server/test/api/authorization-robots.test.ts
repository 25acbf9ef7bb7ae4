import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord } from '../../src/ports/identity-store.js';
import { ADMIN, api, type Credentials } from '../helpers/api-client.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * Who may call the robot, configuration and permission endpoints: anonymous callers, a signed-in user who is no
 * member, each of the five project roles, a robot holding the robot permissions it needs, one without them, and a
 * system administrator, against a private and a public project.
 */
type Caller = 'anonymous' | 'outsider' | ProjectRole | 'robot-with' | 'robot-without' | 'sysadmin';
const CALLERS: readonly Caller[] = [
  'anonymous',
  'outsider',
  ...PROJECT_ROLES,
  'robot-with',
  'robot-without',
  'sysadmin',
];

/** `status` for the callers listed, 401 for anonymous callers, 403 for everyone else. */
function only(status: number, ...allowed: Caller[]): Readonly<Record<Caller, number>> {
  return Object.fromEntries(
    CALLERS.map((c) => [c, allowed.includes(c) ? status : c === 'anonymous' ? 401 : 403]),
  ) as Record<Caller, number>;
}

const pull = { resource: 'repository', action: 'pull' };
const ROBOT_CRUDL = ['create', 'read', 'update', 'delete', 'list'].map((action) => ({ resource: 'robot', action }));

interface Setup {
  readonly fixture: ProjectWithMembers;
  readonly callers: Readonly<Record<Caller, Credentials | undefined>>;
  /** A project robot the rows read, update and refresh. */
  readonly target: number;
  /** A system robot. */
  readonly systemTarget: number;
}

interface Row {
  /** The path as the test title shows it. */
  readonly label: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: (s: Setup) => Promise<string> | string;
  readonly body?: (s: Setup) => unknown;
  readonly expect: Readonly<Record<Caller, number>>;
}

let counter = 0;
const fresh = () => `made-${++counter}`;

const projectRobotBody = (s: Setup) => ({
  name: fresh(),
  level: 'project',
  duration: 30,
  permissions: [{ kind: 'project', namespace: s.fixture.project.name, access: [pull] }],
});

const readers = ['projectAdmin', 'maintainer', 'developer', 'guest', 'robot-with', 'sysadmin'] as const;
const managers = ['projectAdmin', 'robot-with', 'sysadmin'] as const;

const PROJECT_ROWS: readonly Row[] = [
  {
    label: '/robots?q=Level=project,ProjectID={id}',
    method: 'GET',
    path: (s) => `/robots?q=${encodeURIComponent(`Level=project,ProjectID=${s.fixture.project.id}`)}`,
    expect: only(200, ...readers),
  },
  {
    label: '/robots (project robot)',
    method: 'POST',
    path: () => '/robots',
    body: projectRobotBody,
    expect: only(201, ...managers),
  },
  {
    label: '/robots/{project robot}',
    method: 'GET',
    path: (s) => `/robots/${s.target}`,
    expect: only(200, ...readers),
  },
  {
    label: '/robots/{project robot}',
    method: 'PUT',
    path: (s) => `/robots/${s.target}`,
    body: () => ({ description: fresh() }),
    expect: only(200, ...managers),
  },
  {
    label: '/robots/{project robot}',
    method: 'PATCH',
    path: (s) => `/robots/${s.target}`,
    body: () => ({}),
    expect: only(200, ...managers),
  },
  {
    label: '/robots/{project robot}',
    method: 'DELETE',
    path: async (s) => `/robots/${await victim(s.fixture.project)}`,
    expect: only(200, ...managers),
  },
  {
    label: '/users/current/permissions?scope=/project/{id}',
    method: 'GET',
    path: (s) => `/users/current/permissions?scope=/project/${s.fixture.project.id}`,
    expect: { ...only(200, ...CALLERS), anonymous: 401 },
  },
];

const SYSTEM_ROWS: readonly Row[] = [
  { label: '/robots (system robots)', method: 'GET', path: () => '/robots', expect: only(200, 'sysadmin') },
  {
    label: '/robots (system robot)',
    method: 'POST',
    path: () => '/robots',
    body: () => ({
      name: fresh(),
      level: 'system',
      duration: -1,
      permissions: [{ kind: 'project', namespace: '*', access: [pull] }],
    }),
    expect: only(201, 'sysadmin'),
  },
  {
    label: '/robots/{system robot}',
    method: 'GET',
    path: (s) => `/robots/${s.systemTarget}`,
    expect: only(200, 'sysadmin'),
  },
  {
    label: '/robots/{system robot}',
    method: 'PUT',
    path: (s) => `/robots/${s.systemTarget}`,
    body: () => ({ description: fresh() }),
    expect: only(200, 'sysadmin'),
  },
  {
    label: '/robots/{system robot}',
    method: 'PATCH',
    path: (s) => `/robots/${s.systemTarget}`,
    body: () => ({}),
    expect: only(200, 'sysadmin'),
  },
  {
    label: '/robots/{system robot}',
    method: 'DELETE',
    path: async () => `/robots/${await victim()}`,
    expect: only(200, 'sysadmin'),
  },
  { label: '/configurations', method: 'GET', path: () => '/configurations', expect: only(200, 'sysadmin') },
  {
    label: '/configurations',
    method: 'PUT',
    path: () => '/configurations',
    body: () => ({ token_expiration: 30 }),
    expect: only(200, 'sysadmin'),
  },
  {
    label: '/users/current/permissions?scope=/system',
    method: 'GET',
    path: () => '/users/current/permissions?scope=/system',
    expect: { ...only(200, ...CALLERS), anonymous: 401 },
  },
];

const registry = useTestRegistry();

/** A robot to delete: in `project`, or a system robot. */
async function victim(project?: ProjectRecord): Promise<number> {
  const credentials = await createRobotDirect(registry.wharf, fresh(), [pull], project);
  return (await registry.wharf.store.robots.getByName(credentials.username))!.id;
}

async function setUp(name: string, isPublic: boolean, outsider: Credentials): Promise<Setup> {
  const fixture = await createProjectWithMembers(registry.wharf, name, { public: isPublic });
  const robotWith = await createRobotDirect(registry.wharf, 'with', [...ROBOT_CRUDL, pull], fixture.project);
  const robotWithout = await createRobotDirect(registry.wharf, 'without', [pull], fixture.project);
  return {
    fixture,
    callers: {
      anonymous: undefined,
      outsider,
      ...fixture.members,
      'robot-with': robotWith,
      'robot-without': robotWithout,
      sysadmin: ADMIN,
    },
    target: await victim(fixture.project),
    systemTarget: await victim(),
  };
}

const setups: Record<string, Setup> = {};
beforeAll(async () => {
  const outsider = await createUserDirect(registry.wharf, 'outsider');
  setups.private = await setUp('private-p', false, outsider);
  setups.public = await setUp('public-p', true, outsider);
});

/**
 * In a private project, callers who cannot see the project (a signed-in non-member, a robot of the project without
 * robot permissions) get 404 for its robots, exactly as for robots that do not exist: no existence oracle.
 */
const CANNOT_SEE_PRIVATE: readonly Caller[] = ['outsider', 'robot-without'];

function expected(row: Row, visibility: 'private' | 'public', caller: Caller): number {
  const hidden =
    visibility === 'private' &&
    (row.label === '/robots/{project robot}' || row.label === '/robots?q=Level=project,ProjectID={id}');
  return hidden && CANNOT_SEE_PRIVATE.includes(caller) ? 404 : row.expect[caller];
}

async function check(row: Row, setup: Setup, caller: Caller, status = row.expect[caller]): Promise<void> {
  const path = await row.path(setup);
  const res = await api(registry.app, row.method, path, setup.callers[caller], row.body?.(setup));
  expect(res.statusCode, res.body).toBe(status);
  if (res.statusCode >= 400) {
    const code = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[res.statusCode as 401 | 403 | 404];
    expect(res.json()).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
  }
}

for (const visibility of ['private', 'public'] as const) {
  describe(`robot authorisation in a ${visibility} project`, () => {
    for (const row of PROJECT_ROWS) {
      for (const caller of CALLERS) {
        const status = expected(row, visibility, caller);
        it(`${row.method} ${row.label} as ${caller} → ${status}`, () =>
          check(row, setups[visibility]!, caller, status));
      }
    }
  });
}

describe('system robots, configurations and system permissions', () => {
  for (const row of SYSTEM_ROWS) {
    for (const caller of CALLERS) {
      it(`${row.method} ${row.label} as ${caller} → ${row.expect[caller]}`, () => check(row, setups.private!, caller));
    }
  }
});

describe("no existence oracle: a private project's robot looks exactly like a missing one", () => {
  const strip = (headers: Record<string, unknown>) => {
    // The date and request id differ on every response, the length with the id's digits (the bodies are compared).
    const { date: _date, 'x-request-id': _id, 'content-length': _length, ...rest } = headers;
    return rest;
  };
  for (const caller of CANNOT_SEE_PRIVATE) {
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE'] as const) {
      it(`${method} /robots/{id} as ${caller}`, async () => {
        const setup = setups.private!;
        const target = await victim(setup.fixture.project);
        const missing = target + 100_000;
        const body = method === 'PUT' ? { description: 'x' } : method === 'PATCH' ? {} : undefined;
        const real = await api(registry.app, method, `/robots/${target}`, setup.callers[caller], body);
        const none = await api(registry.app, method, `/robots/${missing}`, setup.callers[caller], body);
        expect(real.statusCode).toBe(404);
        expect(real.statusCode).toBe(none.statusCode);
        expect(real.body.replace(String(target), 'N')).toBe(none.body.replace(String(missing), 'N'));
        expect(strip(real.headers)).toEqual(strip(none.headers));
        expect(await registry.wharf.store.robots.get(target)).toBeDefined();
      });
    }
    it(`GET /robots?q=Level=project,ProjectID={id} as ${caller}`, async () => {
      const setup = setups.private!;
      const list = (id: number) =>
        api(
          registry.app,
          'GET',
          `/robots?q=${encodeURIComponent(`Level=project,ProjectID=${id}`)}`,
          setup.callers[caller],
        );
      const id = setup.fixture.project.id;
      const real = await list(id);
      const none = await list(id + 100_000);
      expect(real.statusCode).toBe(404);
      expect(real.statusCode).toBe(none.statusCode);
      expect(real.body.replace(String(id), 'N')).toBe(none.body.replace(String(id + 100_000), 'N'));
      expect(strip(real.headers)).toEqual(strip(none.headers));
    });
  }
});
