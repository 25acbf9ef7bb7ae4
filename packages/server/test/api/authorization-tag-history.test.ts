import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord, RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api, type Credentials } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { useTestRegistry } from '../helpers/test-registry.js';
import { CALLERS, expectedStatus, MatrixPrincipals, VISIBILITIES } from '../helpers/authorization-matrix.js';

/**
 * Who may list a repository's tag history (whoever may pull from it: every member, anyone in a public project,
 * robots granted pull) and restore an entry (whoever may push: developers and up, robots granted push), in a private
 * and a public project: anonymous callers, a user who is no member, a member of each role, a robot holding the
 * permission, a robot holding only `artifact:read`, and a system administrator.
 */

interface Row {
  readonly name: string;
  readonly needs: RobotAccess;
  readonly roles: readonly ProjectRole[];
  readonly publicAllows: boolean;
  readonly success: number;
  readonly run: (project: ProjectRecord, as: Credentials | undefined) => Promise<{ status: number; body: string }>;
  /** After a refusal: that nothing changed. */
  readonly unchanged?: (project: ProjectRecord) => Promise<void>;
}

const reg = useTestRegistry();
let counter = 0;
let lastTag = '';

/** A tag pushed and deleted by the administrator; returns its history entry's id. */
async function deletedTag(project: ProjectRecord): Promise<number> {
  lastTag = `t${++counter}`;
  await pushImage(reg.app, `${project.name}/app`, lastTag);
  const res = await api(
    reg.app,
    'DELETE',
    `/projects/${project.name}/repositories/app/artifacts/${lastTag}/tags/${lastTag}`,
    ADMIN,
  );
  expect(res.statusCode, res.body).toBe(200);
  const repository = await reg.wharf.store.repositories.get(`${project.name}/app`);
  const { items } = await reg.wharf.store.tagHistory.query(repository!.id, {
    page: 1,
    pageSize: 1,
    now: reg.wharf.clock.now(),
    tag: lastTag,
  });
  return items[0]!.id;
}

const ALL_ROLES: readonly ProjectRole[] = PROJECT_ROLES;
const PUSHERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer', 'developer'];

const ROWS: readonly Row[] = [
  {
    name: 'GET …/repositories/{r}/taghistory',
    needs: { resource: 'repository', action: 'pull' },
    roles: ALL_ROLES,
    publicAllows: true,
    success: 200,
    run: async (p, as) => {
      const res = await api(reg.app, 'GET', `/projects/${p.name}/repositories/app/taghistory`, as);
      return { status: res.statusCode, body: res.body };
    },
  },
  {
    name: 'POST …/repositories/{r}/taghistory/{id}/restore',
    needs: { resource: 'repository', action: 'push' },
    roles: PUSHERS,
    publicAllows: false,
    success: 200,
    run: async (p, as) => {
      const id = await deletedTag(p);
      const res = await api(reg.app, 'POST', `/projects/${p.name}/repositories/app/taghistory/${id}/restore`, as);
      return { status: res.statusCode, body: res.body };
    },
    unchanged: async (p) => {
      const tag = await reg.app.inject({
        method: 'HEAD',
        url: `/v2/${p.name}/app/manifests/${lastTag}`,
        headers: { authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}` },
      });
      expect(tag.statusCode).toBe(404);
    },
  },
];

const principals = new MatrixPrincipals(() => reg.wharf, [{ resource: 'artifact', action: 'read' }]);
const projects = principals.projects;

beforeAll(async () => {
  await principals.setUp('th');
  for (const project of ['th-private', 'th-public']) await pushImage(reg.app, `${project}/app`, 'v1');
});

describe('authorisation matrix of tag history', () => {
  for (const visibility of VISIBILITIES) {
    describe(`in a ${visibility} project`, () => {
      for (const row of ROWS) {
        for (const caller of CALLERS) {
          const status = expectedStatus(row, caller, visibility);
          it(`${row.name} as ${caller} → ${status}`, async () => {
            const project = projects[visibility].project;
            const credentials = await principals.credentialsOf(caller, visibility, row.needs);
            const res = await row.run(project, credentials);
            expect(res.status, res.body).toBe(status);
            if (status >= 400) {
              const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
              expect(JSON.parse(res.body)).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
              await row.unchanged?.(project);
            }
          });
        }
      }
    });
  }
});
