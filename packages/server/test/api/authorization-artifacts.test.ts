import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { createRobotDirect } from '../helpers/principals.js';
import { useTestRegistry } from '../helpers/test-registry.js';
import {
  type Caller,
  CALLERS,
  expectedStatus,
  MatrixPrincipals,
  PULL_PUSH,
  VISIBILITIES,
} from '../helpers/authorization-matrix.js';

/**
 * Who may call the repository, artifact and tag endpoints, in a private and in a public project: anonymous callers,
 * a user who is no member, a member of each role, a robot holding the permission the endpoint needs, a robot
 * holding only repository pull and push, and a system administrator. Refused writes must leave things as they were.
 */

interface Target {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** Asked as the administrator after a refusal: what must still be there. */
  readonly survivor?: string;
}

interface Row {
  readonly name: string;
  /** The permission the endpoint needs (what `robot-with` holds). */
  readonly needs: RobotAccess;
  /** Roles allowed in a private project; in a public project everyone may also do what public projects allow. */
  readonly roles: readonly ProjectRole[];
  readonly publicAllows: boolean;
  readonly success: number;
  readonly target: (project: string) => Promise<Target>;
}

const ALL_ROLES = PROJECT_ROLES;
const WRITERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer', 'developer'];
const DELETERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer'];

const reg = useTestRegistry();
let counter = 0;
const fresh = (prefix: string) => `${prefix}${++counter}`;
const repo = (project: string, name = 'app') => `/projects/${project}/repositories/${name}`;

const ROWS: readonly Row[] = [
  {
    name: 'GET /projects/{p}/repositories',
    needs: { resource: 'repository', action: 'list' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `/projects/${p}/repositories` }),
  },
  {
    name: 'GET /projects/{p}/repositories/{r}',
    needs: { resource: 'repository', action: 'list' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: repo(p) }),
  },
  {
    name: 'PUT /projects/{p}/repositories/{r}',
    needs: { resource: 'repository', action: 'update' },
    roles: WRITERS,
    publicAllows: false,
    success: 200,
    target: (p) => Promise.resolve({ method: 'PUT', path: repo(p), body: { description: fresh('d') } }),
  },
  {
    name: 'DELETE /projects/{p}/repositories/{r}',
    needs: { resource: 'repository', action: 'delete' },
    roles: DELETERS,
    publicAllows: false,
    success: 200,
    target: async (p) => {
      const name = fresh('doomed');
      await pushImage(reg.app, `${p}/${name}`, 'v1', { layers: 1 });
      return { method: 'DELETE', path: repo(p, name), survivor: repo(p, name) };
    },
  },
  {
    name: 'GET .../artifacts',
    needs: { resource: 'artifact', action: 'list' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${repo(p)}/artifacts` }),
  },
  {
    name: 'GET .../artifacts/{reference}',
    needs: { resource: 'artifact', action: 'read' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${repo(p)}/artifacts/v1` }),
  },
  {
    name: 'DELETE .../artifacts/{reference}',
    needs: { resource: 'artifact', action: 'delete' },
    roles: DELETERS,
    publicAllows: false,
    success: 200,
    target: async (p) => {
      const tag = fresh('gone');
      await pushImage(reg.app, `${p}/app`, tag, { layers: 1 });
      const path = `${repo(p)}/artifacts/${tag}`;
      return { method: 'DELETE', path, survivor: path };
    },
  },
  {
    name: 'GET .../artifacts/{reference}/tags',
    needs: { resource: 'tag', action: 'list' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${repo(p)}/artifacts/v1/tags` }),
  },
  {
    name: 'POST .../artifacts/{reference}/tags',
    needs: { resource: 'tag', action: 'create' },
    roles: WRITERS,
    publicAllows: false,
    success: 201,
    target: (p) =>
      Promise.resolve({ method: 'POST', path: `${repo(p)}/artifacts/v1/tags`, body: { name: fresh('t') } }),
  },
  {
    name: 'DELETE .../artifacts/{reference}/tags/{tag}',
    needs: { resource: 'tag', action: 'delete' },
    roles: DELETERS,
    publicAllows: false,
    success: 200,
    target: async (p) => {
      const tag = fresh('t');
      const created = await api(reg.app, 'POST', `${repo(p)}/artifacts/v1/tags`, ADMIN, { name: tag });
      expect(created.statusCode, created.body).toBe(201);
      return {
        method: 'DELETE',
        path: `${repo(p)}/artifacts/v1/tags/${tag}`,
        survivor: `${repo(p)}/artifacts/${tag}`,
      };
    },
  },
];

const principals = new MatrixPrincipals(() => reg.wharf, PULL_PUSH);
const projects = principals.projects;

beforeAll(async () => {
  await principals.setUp('mx');
  for (const project of ['mx-private', 'mx-public']) await pushImage(reg.app, `${project}/app`, 'v1');
});

describe('authorisation matrix of repositories, artifacts and tags', () => {
  for (const visibility of VISIBILITIES) {
    describe(`in a ${visibility} project`, () => {
      for (const row of ROWS) {
        for (const caller of CALLERS) {
          const status = expectedStatus(row, caller, visibility);
          it(`${row.name} as ${caller} → ${status}`, async () => {
            const target = await row.target(projects[visibility].project.name);
            const credentials = await principals.credentialsOf(caller, visibility, row.needs);
            const res = await api(reg.app, target.method, target.path, credentials, target.body);
            expect(res.statusCode, res.body).toBe(status);
            if (status >= 400) {
              const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
              expect(res.json()).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
              if (target.survivor) {
                expect((await api(reg.app, 'GET', target.survivor, ADMIN)).statusCode).toBe(200);
              }
            }
          });
        }
      }
    });
  }
});

describe('GET /repositories shows a private project only to those who may list its repositories', () => {
  const sees: Record<Caller, boolean> = {
    anonymous: false,
    outsider: false,
    projectAdmin: true,
    maintainer: true,
    developer: true,
    guest: true,
    limitedGuest: true,
    'robot-with': true,
    'robot-without': false,
    sysadmin: true,
  };
  const listRow = ROWS[0]!;
  for (const caller of CALLERS) {
    it(`as ${caller}: ${sees[caller] ? 'listed' : 'hidden'}`, async () => {
      const credentials = await principals.credentialsOf(caller, 'private', listRow.needs);
      const res = await api(reg.app, 'GET', '/repositories?page_size=100', credentials);
      expect(res.statusCode, res.body).toBe(200);
      const names = res.json<{ name: string }[]>().map((r) => r.name);
      expect(names).toContain('mx-public/app');
      expect(names.includes('mx-private/app')).toBe(sees[caller]);
    });
  }
});

describe('a project that does not exist looks like a private one', () => {
  for (const caller of CALLERS) {
    const status = caller === 'sysadmin' ? 404 : caller === 'anonymous' ? 401 : 403;
    it(`GET /projects/nowhere/repositories/app/artifacts as ${caller} → ${status}`, async () => {
      const credentials = await principals.credentialsOf(caller, 'private', ROWS[4]!.needs);
      const res = await api(reg.app, 'GET', '/projects/nowhere/repositories/app/artifacts', credentials);
      expect(res.statusCode, res.body).toBe(status);
    });
  }

  it('a robot covering every project learns that it does not exist', async () => {
    const everywhere = await createRobotDirect(reg.wharf, 'everywhere', [{ resource: 'artifact', action: 'list' }]);
    const res = await api(reg.app, 'GET', '/projects/nowhere/repositories/app/artifacts', everywhere);
    expect(res.statusCode).toBe(404);
    const listed = await api(reg.app, 'GET', '/projects/mx-private/repositories/app/artifacts', everywhere);
    expect(listed.statusCode).toBe(200);
  });
});
