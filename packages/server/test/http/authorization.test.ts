import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, type Credentials } from '../helpers/api-client.js';
import { pushImage, randomBlob, sha256 } from '../helpers/inject-client.js';
import { createProjectWithMembers, createRobotDirect, createUserDirect } from '../helpers/principals.js';
import { ManualClock } from '../../src/ports/clock.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';

/**
 * Who may do what on /v2, for every endpoint against a private and a public project: anonymous callers, a user
 * with no membership, each of Harbor's five roles, robots with and without the needed permission, and the
 * administrator. Expectations are written out by hand from Harbor's role matrix, not computed from it.
 */
type Principal =
  | 'anonymous'
  | 'outsider'
  | 'projectAdmin'
  | 'maintainer'
  | 'developer'
  | 'guest'
  | 'limitedGuest'
  | 'robotPull'
  | 'robotPush'
  | 'robotOther'
  | 'admin';

const PRINCIPALS: readonly Principal[] = [
  'anonymous',
  'outsider',
  'projectAdmin',
  'maintainer',
  'developer',
  'guest',
  'limitedGuest',
  'robotPull',
  'robotPush',
  'robotOther',
  'admin',
];

/** Who holds each right in a project (members of that project, its robots, and the administrator). */
const PULLERS = new Set<Principal>([
  'projectAdmin',
  'maintainer',
  'developer',
  'guest',
  'limitedGuest',
  'robotPull',
  'robotPush',
  'admin',
]);
const PUSHERS = new Set<Principal>(['projectAdmin', 'maintainer', 'developer', 'robotPush', 'admin']);
const DELETERS = new Set<Principal>(['projectAdmin', 'maintainer', 'admin']);

type Right = 'pull' | 'push' | 'delete';

/** The status a principal gets for `right` in a private or public project when the action itself succeeds. */
function expected(principal: Principal, right: Right, isPublic: boolean, success: number): number {
  const holders = right === 'pull' ? PULLERS : right === 'push' ? PUSHERS : DELETERS;
  if (holders.has(principal) || (isPublic && right === 'pull')) return success;
  return principal === 'anonymous' ? 401 : 403;
}

const clock = new ManualClock();
const reg = useOciTestRegistry({}, { clock });
const credentials = new Map<Principal, Credentials>();
const content = new Map<string, { digest: string; layer: string }>();

beforeAll(async () => {
  const wharf = reg.wharf;
  const priv = await createProjectWithMembers(wharf, 'priv', { public: false });
  const pub = await createProjectWithMembers(wharf, 'pub', { public: true });
  const other = await wharf.store.projects.create({ name: 'other', public: false });
  // Each role-holder is a member of both projects under one name: make the pub members' names the same users.
  for (const [role, creds] of Object.entries(priv.members)) credentials.set(role as Principal, creds);
  for (const [role, creds] of Object.entries(pub.members)) {
    const user = await wharf.store.users.getByName(creds.username);
    const privUser = await wharf.store.users.getByName(priv.members[role as keyof typeof priv.members].username);
    const member = (await wharf.store.members.list(pub.project.id, { page: 1, pageSize: 10 })).items.find(
      (m) => m.entityId === user!.id,
    );
    await wharf.store.members.remove(pub.project.id, member!.id);
    await wharf.store.members.add({
      projectId: pub.project.id,
      entityType: 'u',
      entityId: privUser!.id,
      roleId: member!.roleId,
    });
  }
  credentials.set('outsider', await createUserDirect(wharf, 'outsider'));
  credentials.set('admin', ADMIN);
  const access = (...actions: string[]) => actions.map((action) => ({ resource: 'repository', action }));
  // System-level robots covering both projects, so one robot is tested on private and public alike.
  credentials.set('robotPull', await systemRobot('puller', ['priv', 'pub'], access('pull')));
  credentials.set('robotPush', await systemRobot('pusher', ['priv', 'pub'], access('pull', 'push')));
  credentials.set('robotOther', await createRobotDirect(wharf, 'elsewhere', access('pull', 'push', 'delete'), other));
  for (const project of ['priv', 'pub']) {
    const image = await pushImage(reg.app, `${project}/app`, 'v1');
    content.set(project, { digest: image.digest, layer: image.manifest.layers[0]!.digest });
  }

  async function systemRobot(name: string, projects: string[], list: { resource: string; action: string }[]) {
    const { hashPassword } = await import('../../src/lib/password-hash.js');
    const secret = `Secret-${name}-1`;
    await wharf.store.robots.create({
      name: `robot$${name}`,
      level: 'system',
      projectId: null,
      permissions: projects.map((namespace) => ({ kind: 'project', namespace, access: list })),
      secretHash: await hashPassword(secret),
      durationDays: null,
      expiresAt: null,
    });
    return { username: `robot$${name}`, password: secret };
  }
});

function send(as: Principal, method: 'GET' | 'HEAD' | 'POST' | 'DELETE' | 'PUT', url: string, payload?: Buffer) {
  const creds = credentials.get(as);
  return reg.wharf.app.inject({
    method,
    url,
    headers: {
      ...(creds ? { authorization: basic(creds) } : {}),
      ...(payload ? { 'content-type': 'application/octet-stream' } : {}),
    },
    ...(payload ? { payload } : {}),
  });
}

function check(res: LightMyRequestResponse, status: number, label: string) {
  expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
  if (status === 401) {
    expect(res.headers['www-authenticate'], label).toMatch(/^Bearer realm="[^"]+\/service\/token",service="/);
  }
  if (status === 401 || status === 403) {
    // The refusal never reveals content.
    expect(res.body, label).not.toContain('layers');
  }
}

describe('/v2 authorisation matrix', () => {
  for (const project of ['priv', 'pub'] as const) {
    const isPublic = project === 'pub';
    describe(`${isPublic ? 'public' : 'private'} project`, () => {
      for (const who of PRINCIPALS) {
        it(`${who}: pull endpoints`, async () => {
          const { digest, layer } = content.get(project)!;
          const pull = expected(who, 'pull', isPublic, 200);
          check(await send(who, 'GET', `/v2/${project}/app/tags/list`), pull, `${who} tags`);
          check(await send(who, 'GET', `/v2/${project}/app/manifests/v1`), pull, `${who} manifest`);
          check(await send(who, 'HEAD', `/v2/${project}/app/manifests/${digest}`), pull, `${who} head`);
          check(await send(who, 'GET', `/v2/${project}/app/blobs/${layer}`), pull, `${who} blob`);
          check(await send(who, 'GET', `/v2/${project}/app/referrers/${digest}`), pull, `${who} referrers`);
          // A repository that does not exist answers the same refusal as one that does: nothing leaks.
          const missing = await send(who, 'GET', `/v2/${project}/nothing/tags/list`);
          check(missing, pull === 200 ? 404 : pull, `${who} missing repo`);
        });

        it(`${who}: push endpoints`, async () => {
          const push = expected(who, 'push', isPublic, 202);
          check(await send(who, 'POST', `/v2/${project}/app/blobs/uploads/`), push, `${who} start upload`);
          const blob = randomBlob(64);
          const mono = await send(who, 'POST', `/v2/${project}/pushed/blobs/uploads/?digest=${sha256(blob)}`, blob);
          check(mono, expected(who, 'push', isPublic, 201), `${who} monolithic`);
        });

        it(`${who}: delete endpoints`, async () => {
          // Deleting a tag that does not exist: the authorised get 404 MANIFEST_UNKNOWN, the others a refusal.
          const del = expected(who, 'delete', isPublic, 404);
          check(await send(who, 'DELETE', `/v2/${project}/app/manifests/no-such-tag`), del, `${who} delete`);
          check(await send(who, 'DELETE', `/v2/${project}/app/blobs/${sha256('none')}`), del, `${who} blob delete`);
        });
      }
    });
  }

  for (const who of PRINCIPALS) {
    it(`${who}: base endpoint and catalog`, async () => {
      const base = await send(who, 'GET', '/v2/');
      check(base, who === 'anonymous' ? 401 : 200, `${who} base`);
      const catalog = await send(who, 'GET', '/v2/_catalog');
      if (who === 'anonymous') {
        check(catalog, 401, 'anonymous catalog');
        return;
      }
      expect(catalog.statusCode).toBe(200);
      const repositories = catalog.json<{ repositories: string[] }>().repositories;
      const visible = (project: string) => PULLERS.has(who) || project === 'pub';
      const wanted = ['priv/app', 'pub/app'].filter((name) => visible(name.split('/')[0]!));
      expect(repositories.filter((name) => name.endsWith('/app'))).toEqual(wanted);
      if (who !== 'admin' && !PULLERS.has(who)) expect(repositories.some((r) => r.startsWith('priv/'))).toBe(false);
    });
  }

  it('a wrong password is refused with a challenge, never treated as anonymous', async () => {
    const res = await reg.wharf.app.inject({
      method: 'GET',
      url: '/v2/pub/app/tags/list',
      headers: { authorization: basic({ username: 'admin', password: 'wrong' }) },
    });
    check(res, 401, 'wrong password');
  });

  it('pushing into a project that does not exist names the project', async () => {
    const res = await send('admin', 'POST', '/v2/nosuchproject/app/blobs/uploads/');
    expect(res.statusCode).toBe(404);
    const error = res.json<{ errors: { code: string; message: string }[] }>().errors[0];
    expect(error?.code).toBe('NAME_UNKNOWN');
    expect(error?.message).toContain('project nosuchproject does not exist');
    // Anonymous callers learn nothing about which projects exist.
    check(await send('anonymous', 'POST', '/v2/nosuchproject/app/blobs/uploads/'), 401, 'anonymous missing project');
  });

  it('names a missing project only to callers who may create projects, with a token as with Basic', async () => {
    const bearer = async (as: Principal, scope: string) => {
      const res = await reg.wharf.app.inject({
        method: 'GET',
        url: `/service/token?service=wharf-registry&scope=${scope}`,
        headers: { authorization: basic(credentials.get(as)!) },
      });
      expect(res.statusCode, res.body).toBe(200);
      return `Bearer ${res.json<{ token: string }>().token}`;
    };
    const push = async (as: Principal, project: string, scheme: 'basic' | 'bearer', method: 'POST' | 'HEAD') => {
      const authorization =
        scheme === 'basic' ? basic(credentials.get(as)!) : await bearer(as, `repository:${project}/app:pull,push`);
      const url = method === 'POST' ? `/v2/${project}/app/blobs/uploads/` : `/v2/${project}/app/blobs/${sha256('x')}`;
      return reg.wharf.app.inject({ method, url, headers: { authorization } });
    };
    const named = (res: LightMyRequestResponse, label: string) => {
      expect(res.statusCode, `${label}: ${res.body}`).toBe(404);
      const error = res.json<{ errors: { code: string; message: string }[] }>().errors[0];
      expect(error?.code, label).toBe('NAME_UNKNOWN');
      expect(error?.message, label).toBe(
        'project nosuchproject does not exist; create it before pushing to nosuchproject/app',
      );
    };
    // The administrator, and a user without any membership while anyone may create projects (the default).
    for (const who of ['admin', 'outsider'] as const) {
      named(await push(who, 'nosuchproject', 'bearer', 'POST'), `${who} token`);
      named(await push(who, 'nosuchproject', 'basic', 'POST'), `${who} basic`);
      // A HEAD has no body: 404, so clients go on to the POST that names the project (no 401 to parse).
      expect((await push(who, 'nosuchproject', 'bearer', 'HEAD')).statusCode, `${who} head`).toBe(404);
    }
    // A robot cannot create projects: a missing project answers exactly what a private one it may not use does.
    const sameRefusal = async (as: Principal, label: string) => {
      for (const scheme of ['bearer', 'basic'] as const) {
        for (const method of ['POST', 'HEAD'] as const) {
          const missing = await push(as, 'nosuchproject', scheme, method);
          const hidden = await push(as, 'other', scheme, method);
          const what = `${label} ${scheme} ${method}`;
          expect(missing.statusCode, what).toBe(scheme === 'bearer' ? 401 : 403);
          expect(missing.statusCode, what).toBe(hidden.statusCode);
          expect(missing.body.replaceAll('nosuchproject', 'other'), what).toBe(hidden.body);
          expect(missing.body, what).not.toContain('does not exist');
          const challenge = (res: LightMyRequestResponse) => String(res.headers['www-authenticate'] ?? '');
          expect(challenge(missing).replaceAll('nosuchproject', 'other'), what).toBe(challenge(hidden));
        }
      }
    };
    await sameRefusal('robotPush', 'robot');
    // Once only administrators may create projects, a user learns no more than the robot.
    const restrict = async (value: 'adminonly' | 'everyone') => {
      const res = await reg.wharf.app.inject({
        method: 'PUT',
        url: '/api/v2.0/configurations',
        headers: { authorization: basic(ADMIN) },
        payload: { project_creation_restriction: value },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await restrict('adminonly');
    try {
      await sameRefusal('outsider', 'outsider, adminonly');
      named(await push('admin', 'nosuchproject', 'bearer', 'POST'), 'admin token, adminonly');
    } finally {
      await restrict('everyone');
    }
  });

  it('a cross-repository mount from a repository the caller cannot read starts a plain upload', async () => {
    const { layer } = content.get('priv')!;
    const outsiderProject = await createProjectWithMembers(reg.wharf, 'own', { public: false });
    const dev = outsiderProject.members.developer;
    const res = await reg.wharf.app.inject({
      method: 'POST',
      url: `/v2/own/app/blobs/uploads/?mount=${layer}&from=priv/app`,
      headers: { authorization: basic(dev) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const allowed = await send('admin', 'POST', `/v2/own/app/blobs/uploads/?mount=${layer}&from=priv/app`);
    expect(allowed.statusCode).toBe(201);
  });

  it('refuses every write in read-only mode while pulls go on', async () => {
    await reg.wharf.store.settings.set({ readOnly: true });
    clock.advance(1100); // the guard re-reads the setting at most once a second
    try {
      const push = await send('admin', 'POST', '/v2/priv/app/blobs/uploads/');
      expect(push.statusCode).toBe(403);
      const error = push.json<{ errors: { code: string; message: string }[] }>().errors[0];
      expect(error?.code).toBe('DENIED');
      expect(error?.message).toContain('read only');
      const del = await send('admin', 'DELETE', `/v2/priv/app/manifests/${content.get('priv')!.digest}`);
      expect(del.statusCode).toBe(403);
      expect((await send('admin', 'GET', '/v2/priv/app/manifests/v1')).statusCode).toBe(200);
    } finally {
      await reg.wharf.store.settings.set({ readOnly: false });
      clock.advance(1100);
    }
    expect((await send('admin', 'POST', '/v2/priv/app/blobs/uploads/')).statusCode).toBe(202);
  });
});

describe('no existence oracle on /v2: a private project looks exactly like a missing one to a non-member', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const uuid = '0f0e0d0c-0b0a-4908-8706-050403020100';
  const endpoints: readonly (readonly [string, string])[] = [
    ['GET', '/tags/list'],
    ['GET', '/manifests/v1'],
    ['HEAD', '/manifests/v1'],
    ['PUT', '/manifests/v1'],
    ['DELETE', `/manifests/${digest}`],
    ['GET', `/blobs/${digest}`],
    ['HEAD', `/blobs/${digest}`],
    ['DELETE', `/blobs/${digest}`],
    ['POST', '/blobs/uploads/'],
    ['POST', `/blobs/uploads/?mount=${digest}&from=library/x`],
    ['GET', `/blobs/uploads/${uuid}`],
    ['PATCH', `/blobs/uploads/${uuid}`],
    ['PUT', `/blobs/uploads/${uuid}?digest=${digest}`],
    ['DELETE', `/blobs/uploads/${uuid}`],
    ['GET', `/referrers/${digest}`],
  ];
  let outsider: Credentials;
  beforeAll(async () => {
    await reg.wharf.store.projects.create({ name: 'hidden', public: false });
    await pushImage(reg.app, 'hidden/app', 'v1');
    outsider = await createUserDirect(reg.wharf, 'oracle-outsider');
    // A user who may create projects learns which exist from POST /projects anyway, and /v2 names a missing one to
    // them (docker prints it); the oracle matters for everyone else.
    await reg.wharf.store.settings.set({ projectCreationRestriction: 'adminonly' });
  });
  afterAll(async () => {
    await reg.wharf.store.settings.set({ projectCreationRestriction: 'everyone' });
  });

  const strip = (headers: Record<string, unknown>) => {
    const { date: _date, 'x-request-id': _id, ...rest } = headers;
    return rest;
  };
  async function compare(method: string, path: string, authorization: (name: string) => Promise<string>) {
    const ask = async (name: string) =>
      reg.wharf.app.inject({
        method: method as 'GET',
        url: `/v2/${name}/app${path}`,
        headers: { authorization: await authorization(name), 'content-type': 'application/octet-stream' },
        ...(method === 'PUT' || method === 'PATCH' ? { payload: 'x' } : {}),
      });
    const real = await ask('hidden');
    const none = await ask('absent');
    expect([401, 403]).toContain(real.statusCode);
    expect(real.statusCode, `${method} ${path}`).toBe(none.statusCode);
    expect(real.body.replaceAll('hidden', 'absent'), `${method} ${path}`).toBe(none.body);
    expect(JSON.stringify(strip(real.headers)).replaceAll('hidden', 'absent')).toBe(
      JSON.stringify(strip(none.headers)),
    );
  }

  for (const [method, path] of endpoints) {
    it(`${method} ${path} with Basic credentials`, () => compare(method, path, () => Promise.resolve(basic(outsider))));
    it(`${method} ${path} with a Bearer token`, () =>
      compare(method, path, async (name) => {
        const scope = `repository:${name}/app:pull,push,delete`;
        const res = await reg.wharf.app.inject({
          method: 'GET',
          url: `/service/token?service=wharf-registry&scope=${encodeURIComponent(scope)}`,
          headers: { authorization: basic(outsider) },
        });
        return `Bearer ${res.json<{ token: string }>().token}`;
      }));
  }
});
