import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord, RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, basic, type Credentials } from '../helpers/api-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { ensureRepository } from '../../src/registry-core/repository-records.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * Who may call the project, member, metadata, search and statistics endpoints: anonymous callers, a signed-in
 * outsider, each project role, a robot with the permission the route needs and one without it, and a system
 * administrator; on a private project, a public one, and a project that does not exist.
 */
const registry = useTestRegistry();

type Caller = 'anonymous' | 'outsider' | ProjectRole | 'robotWith' | 'robotWithout' | 'sysadmin';
type Outcomes = Readonly<Record<Caller, number>>;
type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
type Kind = 'private' | 'public' | 'missing';

const CALLERS: readonly Caller[] = [
  'anonymous',
  'outsider',
  'projectAdmin',
  'maintainer',
  'developer',
  'guest',
  'limitedGuest',
  'robotWith',
  'robotWithout',
  'sysadmin',
];

/** `ok` for the listed callers and system administrators; else 401 for anonymous callers, 403 for the others. */
function only(ok: number, ...allowed: Caller[]): Outcomes {
  const outcomes = {} as Record<Caller, number>;
  for (const caller of CALLERS) {
    const refused = caller === 'anonymous' ? 401 : 403;
    outcomes[caller] = caller === 'sysadmin' || allowed.includes(caller) ? ok : refused;
  }
  return outcomes;
}

const MEMBERS: Caller[] = ['projectAdmin', 'maintainer', 'developer', 'guest', 'limitedGuest'];

/** Project read: every member and the robot with it; in a public project everybody. */
function projectRead(kind: Kind): Outcomes {
  if (kind === 'public') return only(200, ...CALLERS);
  return only(200, ...MEMBERS, 'robotWith');
}

interface ProjectRow {
  readonly method: Method;
  /** `{p}` the project, `{mid}` a guest's member id, `{victim}` a member created for the call. */
  readonly path: string;
  /** What the robot with the permission holds. */
  readonly robot: RobotAccess;
  readonly body?: () => unknown;
  /** Prepares the project before each call (sets metadata, adds a victim member); returns path substitutions. */
  readonly before?: (project: ProjectRecord) => Promise<Record<string, string>>;
  readonly expect: (kind: Kind) => Outcomes;
}

let counter = 0;

async function addMember(project: ProjectRecord, roleId: 1 | 2 | 3 | 4 | 5): Promise<number> {
  const user = await registry.wharf.store.users.create({ username: `az-user-${++counter}` });
  const member = await registry.wharf.store.members.add({
    projectId: project.id,
    entityType: 'u',
    entityId: user.id,
    roleId,
  });
  return member.id;
}

const ADMINS_ONLY = (ok: number) => () => only(ok, 'projectAdmin', 'robotWith');

const PROJECT_ROWS: readonly ProjectRow[] = [
  { method: 'GET', path: '/projects/{p}', robot: { resource: 'project', action: 'read' }, expect: projectRead },
  {
    method: 'HEAD',
    path: '/projects?project_name={p}',
    robot: { resource: 'project', action: 'read' },
    expect: projectRead,
  },
  {
    method: 'GET',
    path: '/projects/{p}/summary',
    robot: { resource: 'project', action: 'read' },
    expect: projectRead,
  },
  {
    method: 'PUT',
    path: '/projects/{p}',
    robot: { resource: 'project', action: 'update' },
    body: () => ({ metadata: { auto_scan: 'true' } }),
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'GET',
    path: '/projects/{p}/_deletable',
    robot: { resource: 'project', action: 'delete' },
    expect: ADMINS_ONLY(200),
  },
  // The projects hold a repository, so an allowed delete stops at 412 and the matrix can go on.
  {
    method: 'DELETE',
    path: '/projects/{p}',
    robot: { resource: 'project', action: 'delete' },
    expect: ADMINS_ONLY(412),
  },
  {
    method: 'GET',
    path: '/projects/{p}/metadatas',
    robot: { resource: 'metadata', action: 'list' },
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'GET',
    path: '/projects/{p}/metadatas/public',
    robot: { resource: 'metadata', action: 'read' },
    expect: () => only(200, 'projectAdmin', 'maintainer', 'robotWith'),
  },
  {
    method: 'POST',
    path: '/projects/{p}/metadatas',
    robot: { resource: 'metadata', action: 'create' },
    body: () => ({ prevent_vul: 'true' }),
    before: async (project) => {
      await registry.wharf.store.projects.update(project.id, { metadata: { prevent_vul: null } });
      return {};
    },
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'PUT',
    path: '/projects/{p}/metadatas/auto_scan',
    robot: { resource: 'metadata', action: 'update' },
    body: () => ({ auto_scan: 'false' }),
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'DELETE',
    path: '/projects/{p}/metadatas/severity',
    robot: { resource: 'metadata', action: 'delete' },
    before: async (project) => {
      await registry.wharf.store.projects.update(project.id, { metadata: { severity: 'low' } });
      return {};
    },
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'GET',
    path: '/projects/{p}/members',
    robot: { resource: 'member', action: 'list' },
    expect: () => only(200, 'projectAdmin', 'maintainer', 'developer', 'guest', 'robotWith'),
  },
  {
    method: 'GET',
    path: '/projects/{p}/members/{mid}',
    robot: { resource: 'member', action: 'read' },
    expect: () => only(200, 'projectAdmin', 'maintainer', 'developer', 'guest', 'robotWith'),
  },
  {
    method: 'POST',
    path: '/projects/{p}/members',
    robot: { resource: 'member', action: 'create' },
    body: () => ({ role_id: 3, member_user: { username: `az-new-${++counter}` } }),
    before: async () => {
      await registry.wharf.store.users.create({ username: `az-new-${counter + 1}` });
      return {};
    },
    expect: ADMINS_ONLY(201),
  },
  {
    method: 'PUT',
    path: '/projects/{p}/members/{mid}',
    robot: { resource: 'member', action: 'update' },
    body: () => ({ role_id: 3 }),
    expect: ADMINS_ONLY(200),
  },
  {
    method: 'DELETE',
    path: '/projects/{p}/members/{victim}',
    robot: { resource: 'member', action: 'delete' },
    before: async (project) => ({ victim: String(await addMember(project, 2)) }),
    expect: ADMINS_ONLY(200),
  },
];

/** A project that does not exist: nobody but the administrator learns it (404); the others see a refusal. */
function missing(): Outcomes {
  return only(404);
}

interface Setup {
  readonly projects: Record<'private' | 'public', ProjectRecord>;
  readonly members: Record<'private' | 'public', Record<ProjectRole, Credentials>>;
  readonly guestMember: Record<'private' | 'public', number>;
  readonly outsider: Credentials;
  readonly robotsWithout: Record<'private' | 'public', Credentials>;
}

let setup: Setup;
const robotsWith = new Map<string, Credentials>();

beforeAll(async () => {
  const { wharf } = registry;
  const priv = await createProjectWithMembers(wharf, 'az-private', { public: false });
  const pub = await createProjectWithMembers(wharf, 'az-public', { public: true });
  for (const name of ['az-private/app', 'az-public/app']) await ensureRepository(wharf.store, name);
  const pull = [{ resource: 'repository', action: 'pull' }];
  setup = {
    projects: { private: priv.project, public: pub.project },
    members: { private: priv.members, public: pub.members },
    guestMember: { private: await addMember(priv.project, 3), public: await addMember(pub.project, 3) },
    outsider: await createUserDirect(wharf, 'az-outsider'),
    robotsWithout: {
      private: await createRobotDirect(wharf, 'without', pull, priv.project),
      public: await createRobotDirect(wharf, 'without', pull, pub.project),
    },
  };
});

async function robotWith(kind: 'private' | 'public', access: RobotAccess): Promise<Credentials> {
  const key = `${kind}:${access.resource}:${access.action}`;
  let robot = robotsWith.get(key);
  if (!robot) {
    robot = await createRobotDirect(
      registry.wharf,
      `with-${access.resource}-${access.action}`,
      [access],
      setup.projects[kind],
    );
    robotsWith.set(key, robot);
  }
  return robot;
}

async function credentialsOf(
  caller: Caller,
  kind: 'private' | 'public',
  row?: ProjectRow,
): Promise<Credentials | undefined> {
  switch (caller) {
    case 'anonymous':
      return undefined;
    case 'outsider':
      return setup.outsider;
    case 'sysadmin':
      return ADMIN;
    case 'robotWith':
      return robotWith(kind, row?.robot ?? { resource: 'project', action: 'read' });
    case 'robotWithout':
      return setup.robotsWithout[kind];
    case 'projectAdmin':
    case 'maintainer':
    case 'developer':
    case 'guest':
    case 'limitedGuest':
      return setup.members[kind][caller];
  }
}

function call(
  method: Method,
  path: string,
  as: Credentials | undefined,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return registry.app.inject({
    method,
    url: `/api/v2.0${path}`,
    headers: as ? { authorization: basic(as) } : {},
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** A refusal carries Harbor's error envelope (HEAD answers have no body). */
function expectRefusal(method: Method, res: LightMyRequestResponse): void {
  if (res.statusCode !== 401 && res.statusCode !== 403) return;
  if (method === 'HEAD') return;
  const code = res.statusCode === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
  expect(res.json()).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
}

describe('authorisation matrix of the project endpoints', () => {
  for (const row of PROJECT_ROWS) {
    for (const kind of ['private', 'public'] as const) {
      for (const caller of CALLERS) {
        const expected = row.expect(kind)[caller];
        it(`${row.method} ${row.path} on a ${kind} project as ${caller} → ${expected}`, async () => {
          const project = setup.projects[kind];
          const substitutions = {
            p: project.name,
            mid: String(setup.guestMember[kind]),
            ...(await row.before?.(project)),
          };
          const path = row.path.replace(
            /\{(\w+)\}/g,
            (_, key: string) => substitutions[key as keyof typeof substitutions] ?? '',
          );
          const res = await call(row.method, path, await credentialsOf(caller, kind, row), row.body?.());
          expect(res.statusCode, res.body).toBe(expected);
          expectRefusal(row.method, res);
        });
      }
    }
  }

  for (const row of PROJECT_ROWS.filter((r) => !r.path.includes('{victim}'))) {
    for (const caller of CALLERS) {
      const expected = missing()[caller];
      it(`${row.method} ${row.path} on a missing project as ${caller} → ${expected}`, async () => {
        const path = row.path.replace('{p}', 'az-missing').replace('{mid}', '1');
        const res = await call(row.method, path, await credentialsOf(caller, 'private', row), row.body?.());
        expect(res.statusCode, res.body).toBe(expected);
        expectRefusal(row.method, res);
      });
    }
  }
});

interface GlobalRow {
  readonly method: Method;
  readonly path: string;
  readonly body?: () => unknown;
  readonly expect: Outcomes;
}

const GLOBAL_ROWS: readonly GlobalRow[] = [
  { method: 'GET', path: '/projects', expect: only(200, ...CALLERS) },
  { method: 'GET', path: '/search?q=az', expect: only(200, ...CALLERS) },
  { method: 'GET', path: '/statistics', expect: { ...only(200, ...CALLERS), anonymous: 401 } },
  {
    method: 'POST',
    path: '/projects',
    body: () => ({ project_name: `az-made-${++counter}` }),
    // Any user may create projects (project_creation_restriction: everyone); robots need the system permission.
    expect: only(201, 'outsider', ...MEMBERS, 'robotWith'),
  },
];

describe('authorisation matrix of the endpoints across projects', () => {
  let systemRobot: Credentials;
  beforeAll(async () => {
    const { wharf } = registry;
    const template = await wharf.store.robots.getByName(setup.robotsWithout.private.username);
    await wharf.store.robots.create({
      name: 'robot$az-creator',
      level: 'system',
      projectId: null,
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'project', action: 'create' }] }],
      secretHash: template?.secretHash ?? '',
      durationDays: null,
      expiresAt: null,
    });
    systemRobot = { username: 'robot$az-creator', password: setup.robotsWithout.private.password };
  });

  for (const row of GLOBAL_ROWS) {
    for (const caller of CALLERS) {
      it(`${row.method} ${row.path} as ${caller} → ${row.expect[caller]}`, async () => {
        const as = caller === 'robotWith' ? systemRobot : await credentialsOf(caller, 'private');
        const res = await call(row.method, row.path, as, row.body?.());
        expect(res.statusCode, res.body).toBe(row.expect[caller]);
        expectRefusal(row.method, res);
      });
    }
  }
});

describe('a private project is invisible to anonymous callers and outsiders', () => {
  const strangers: Caller[] = ['anonymous', 'outsider', 'robotWithout'];

  for (const caller of strangers) {
    it(`neither its content nor its existence reaches ${caller === 'robotWithout' ? "another project's robot" : caller}`, async () => {
      // A robot of the public project stands for robots of other projects; a fresh user for outsiders (the matrix's
      // outsider has created projects of its own by now).
      const as =
        caller === 'robotWithout'
          ? setup.robotsWithout.public
          : caller === 'outsider'
            ? await createUserDirect(registry.wharf, 'az-stranger')
            : undefined;
      const list = await call('GET', '/projects?page_size=100', as);
      expect(list.body).not.toContain('az-private');
      const search = await call('GET', '/search?q=az-private', as);
      expect(search.json()).toEqual({ project: [], repository: [] });
      const statistics = await call('GET', '/statistics', as);
      if (caller === 'anonymous') expect(statistics.statusCode).toBe(401);
      else
        expect(statistics.json()).toMatchObject({
          private_project_count: 0,
          private_repo_count: 0,
          total_project_count: 0,
        });
      // Every per-project answer is the same for the private project and for one that does not exist.
      for (const path of [
        '/projects/{p}',
        '/projects/{p}/summary',
        '/projects/{p}/members',
        '/projects/{p}/metadatas',
        '/projects/{p}/_deletable',
      ]) {
        const existing = await call('GET', path.replace('{p}', 'az-private'), as);
        const absent = await call('GET', path.replace('{p}', 'az-nothing'), as);
        expect(existing.statusCode, path).toBe(caller === 'anonymous' ? 401 : 403);
        expect(absent.statusCode, path).toBe(existing.statusCode);
        expect(absent.body.replaceAll('az-nothing', 'az-private')).toBe(existing.body);
      }
      const head = await call('HEAD', '/projects?project_name=az-private', as);
      expect(head.statusCode).toBe((await call('HEAD', '/projects?project_name=az-nothing', as)).statusCode);
      const byId = await call('GET', `/projects/${setup.projects.private.id}`, as);
      const byMissingId = await call('GET', '/projects/987654', as);
      expect(byId.statusCode).toBe(byMissingId.statusCode);
    });
  }
});
