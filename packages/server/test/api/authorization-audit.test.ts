import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, api } from '../helpers/api-client.js';
import {
  CALLERS,
  expectedStatus,
  MatrixPrincipals,
  PULL_PUSH,
  VISIBILITIES,
  type Caller,
} from '../helpers/authorization-matrix.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * Who may read the audit log. A project's logs (`/projects/{name}/logs`, `/projects/{name}/auditlog-exts`): Harbor's
 * `log` list permission, held by project administrators only (and robots granted it), in private and public projects
 * alike. The system-wide lists and the event types: anyone signed in (each sees the records of projects whose log they
 * may list); anonymous callers get 401. Purges: the system resource `purge-audit` (administrators; system robots
 * granted it, which this matrix does not create).
 */
const reg = useTestRegistry();
const principals = new MatrixPrincipals(() => reg.wharf, PULL_PUSH);

beforeAll(async () => {
  await principals.setUp('aum');
});

describe('project audit logs', () => {
  for (const path of ['logs', 'auditlog-exts']) {
    for (const visibility of VISIBILITIES) {
      for (const caller of CALLERS) {
        it(`GET /projects/{name}/${path} in a ${visibility} project as ${caller}`, async () => {
          const project = principals.projects[visibility].project;
          const as = await principals.credentialsOf(caller, visibility, { resource: 'log', action: 'list' });
          const res = await api(reg.app, 'GET', `/projects/${project.name}/${path}`, as);
          const expected = expectedStatus(
            { roles: ['projectAdmin'], publicAllows: false, success: 200 },
            caller,
            visibility,
          );
          expect(res.statusCode, res.body).toBe(expected);
        });
      }
    }
  }
});

describe('system audit logs and event types', () => {
  for (const path of ['/audit-logs', '/auditlog-exts', '/auditlog-exts/events']) {
    for (const caller of CALLERS) {
      it(`GET ${path} as ${caller}`, async () => {
        const as = await principals.credentialsOf(caller, 'private', { resource: 'log', action: 'list' });
        const res = await api(reg.app, 'GET', path, as);
        expect(res.statusCode, res.body).toBe(caller === 'anonymous' ? 401 : 200);
      });
    }
  }

  it('a member without the log permission sees no record of the project; its administrator does', async () => {
    const project = principals.projects.private.project;
    await reg.wharf.audit!.handle({
      type: 'project.updated',
      projectId: project.id,
      project: project.name,
      at: Date.now(),
      by: { kind: 'user', name: 'admin' },
      outboxId: 8_888_888,
    });
    const seen = async (caller: Caller) => {
      const as = await principals.credentialsOf(caller, 'private', { resource: 'log', action: 'list' });
      const res = await api(reg.app, 'GET', '/auditlog-exts?page_size=100', as);
      return res.json<{ resource: string }[]>().some((r) => r.resource === project.name);
    };
    expect(await seen('projectAdmin')).toBe(true);
    expect(await seen('robot-with')).toBe(true);
    expect(await seen('sysadmin')).toBe(true);
    for (const caller of ['outsider', 'maintainer', 'developer', 'guest', 'limitedGuest', 'robot-without'] as const) {
      expect(await seen(caller), caller).toBe(false);
    }
  });
});

describe('audit log purges', () => {
  const targets = [
    { method: 'GET', path: '/system/purgeaudit' },
    { method: 'GET', path: '/system/purgeaudit/schedule' },
    { method: 'PUT', path: '/system/purgeaudit/schedule', body: { schedule: { type: 'None' } } },
    { method: 'POST', path: '/system/purgeaudit/schedule', body: { schedule: { type: 'None' } }, success: 201 },
  ] as const;
  for (const target of targets) {
    for (const caller of CALLERS) {
      it(`${target.method} ${target.path} as ${caller}`, async () => {
        const as = await principals.credentialsOf(caller, 'private', { resource: 'log', action: 'list' });
        const res = await api(reg.app, target.method, target.path, as, 'body' in target ? target.body : undefined);
        const allowed = caller === 'sysadmin';
        const success = 'success' in target ? target.success : 200;
        expect(res.statusCode, res.body).toBe(allowed ? success : caller === 'anonymous' ? 401 : 403);
      });
    }
  }

  it('a run, its log and stopping it: administrators only', async () => {
    const run = await api(reg.app, 'POST', '/system/purgeaudit/schedule', ADMIN, {
      schedule: { type: 'Manual' },
      parameters: { dry_run: true },
    });
    const id = Number((run.headers.location as string).split('/').at(-1));
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    for (const caller of CALLERS) {
      const as = await principals.credentialsOf(caller, 'private', { resource: 'log', action: 'list' });
      const expected = caller === 'sysadmin' ? 200 : caller === 'anonymous' ? 401 : 403;
      for (const [method, path] of [
        ['GET', `/system/purgeaudit/${id}`],
        ['GET', `/system/purgeaudit/${id}/log`],
        ['PUT', `/system/purgeaudit/${id}`],
      ] as const) {
        expect((await api(reg.app, method, path, as)).statusCode, `${method} ${path} as ${caller}`).toBe(expected);
      }
    }
  });
});
