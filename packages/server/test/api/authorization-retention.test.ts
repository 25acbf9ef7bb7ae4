import { beforeAll, describe, expect, it } from 'vitest';
import { type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord, RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { useTestRegistry } from '../helpers/test-registry.js';
import { CALLERS, expectedStatus, MatrixPrincipals, PULL_PUSH, VISIBILITIES } from '../helpers/authorization-matrix.js';

/**
 * Who may manage and run tag retention policies, in a private and a public project: anonymous callers, a user who
 * is no member, a member of each role, a robot holding the permission the endpoint needs, a robot holding only
 * repository pull and push, and a system administrator. Harbor's RBAC: project admins, maintainers and developers
 * hold `tag-retention` (create, read, update, delete, list; running and stopping need `update`); guests and limited
 * guests do not, and a public project grants nothing of it to outsiders.
 */
const ALLOWED: readonly ProjectRole[] = ['projectAdmin', 'maintainer', 'developer'];

interface Target {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly body?: unknown;
}

interface Row {
  readonly name: string;
  readonly needs: RobotAccess;
  readonly success: number;
  readonly target: (project: ProjectRecord) => Promise<Target>;
  /** After a refusal, as the administrator: that nothing changed. */
  readonly unchanged?: (project: ProjectRecord, target: Target) => Promise<void>;
}

const reg = useTestRegistry();
let counter = 100;

function body(project: ProjectRecord, k: number) {
  return {
    algorithm: 'or',
    rules: [
      {
        disabled: false,
        action: 'retain',
        template: 'latestPushedK',
        params: { latestPushedK: k },
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
      },
    ],
    trigger: { kind: 'Schedule', settings: { cron: '' } },
    scope: { level: 'project', ref: project.id },
  };
}

/** The project's policy, created as the administrator when it has none. */
async function policyOf(project: ProjectRecord): Promise<number> {
  const existing = await reg.wharf.store.retention.ofProject(project.id);
  if (existing) return existing.id;
  const res = await api(reg.app, 'POST', '/retentions', ADMIN, body(project, 5));
  expect(res.statusCode, res.body).toBe(201);
  return Number((res.headers.location as string).split('/').at(-1));
}

/** A (pending) run of the project's policy with one task. */
async function executionOf(
  project: ProjectRecord,
  opts: { run?: boolean } = {},
): Promise<{ policy: number; execution: number; task: number }> {
  const policy = await policyOf(project);
  const res = await api(reg.app, 'POST', `/retentions/${policy}/executions`, ADMIN, { dry_run: true });
  expect(res.statusCode, res.body).toBe(201);
  const execution = Number((res.headers.location as string).split('/').at(-1));
  if (opts.run) {
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
  }
  const [task] = await reg.wharf.jobs.tasks.list(execution);
  return { policy, execution, task: task!.id };
}

const ROWS: readonly Row[] = [
  {
    name: 'POST /retentions',
    needs: { resource: 'tag-retention', action: 'create' },
    success: 201,
    target: async (p) => {
      const policy = await policyOf(p);
      expect((await api(reg.app, 'DELETE', `/retentions/${policy}`, ADMIN)).statusCode).toBe(200);
      return { method: 'POST', path: '/retentions', body: body(p, 3) };
    },
    unchanged: async (p) => {
      expect(await reg.wharf.store.retention.ofProject(p.id)).toBeUndefined();
    },
  },
  {
    name: 'GET /retentions/{id}',
    needs: { resource: 'tag-retention', action: 'read' },
    success: 200,
    target: async (p) => ({ method: 'GET', path: `/retentions/${await policyOf(p)}` }),
  },
  {
    name: 'PUT /retentions/{id}',
    needs: { resource: 'tag-retention', action: 'update' },
    success: 200,
    target: async (p) => ({ method: 'PUT', path: `/retentions/${await policyOf(p)}`, body: body(p, ++counter) }),
    unchanged: async (p) => {
      const policy = await reg.wharf.store.retention.ofProject(p.id);
      expect(policy?.rules[0]?.params).not.toEqual({ latestPushedK: counter });
    },
  },
  {
    name: 'DELETE /retentions/{id}',
    needs: { resource: 'tag-retention', action: 'delete' },
    success: 200,
    target: async (p) => ({ method: 'DELETE', path: `/retentions/${await policyOf(p)}` }),
    unchanged: async (p) => {
      expect(await reg.wharf.store.retention.ofProject(p.id)).toBeDefined();
    },
  },
  {
    name: 'POST /retentions/{id}/executions',
    needs: { resource: 'tag-retention', action: 'update' },
    success: 201,
    target: async (p) => ({ method: 'POST', path: `/retentions/${await policyOf(p)}/executions`, body: {} }),
    unchanged: async (p, target) => {
      const before = (target as Target & { executions?: number }).executions;
      const policy = await policyOf(p);
      const { total } = await reg.wharf.jobs.executions.list({ vendorType: 'RETENTION', vendorId: policy });
      if (before !== undefined) expect(total).toBe(before);
    },
  },
  {
    name: 'GET /retentions/{id}/executions',
    needs: { resource: 'tag-retention', action: 'list' },
    success: 200,
    target: async (p) => ({ method: 'GET', path: `/retentions/${await policyOf(p)}/executions` }),
  },
  {
    name: 'PATCH /retentions/{id}/executions/{eid}',
    needs: { resource: 'tag-retention', action: 'update' },
    success: 200,
    target: async (p) => {
      const { policy, execution } = await executionOf(p);
      return { method: 'PATCH', path: `/retentions/${policy}/executions/${execution}`, body: { action: 'stop' } };
    },
    unchanged: async (_p, target) => {
      const execution = Number(target.path.split('/').at(-1));
      expect((await reg.wharf.jobs.executions.get(execution))?.status).toBe('Pending');
    },
  },
  {
    name: 'GET /retentions/{id}/executions/{eid}/tasks',
    needs: { resource: 'tag-retention', action: 'list' },
    success: 200,
    target: async (p) => {
      const { policy, execution } = await executionOf(p);
      return { method: 'GET', path: `/retentions/${policy}/executions/${execution}/tasks` };
    },
  },
  {
    name: 'GET /retentions/{id}/executions/{eid}/tasks/{tid}',
    needs: { resource: 'tag-retention', action: 'read' },
    success: 200,
    target: async (p) => {
      const { policy, execution, task } = await executionOf(p, { run: true });
      return { method: 'GET', path: `/retentions/${policy}/executions/${execution}/tasks/${task}` };
    },
  },
];

const principals = new MatrixPrincipals(() => reg.wharf, PULL_PUSH);
const projects = principals.projects;

beforeAll(async () => {
  await principals.setUp('rt');
  for (const project of ['rt-private', 'rt-public']) await pushImage(reg.app, `${project}/app`, 'v1');
});

describe('authorisation matrix of tag retention', () => {
  for (const visibility of VISIBILITIES) {
    describe(`in a ${visibility} project`, () => {
      for (const row of ROWS) {
        for (const caller of CALLERS) {
          const status = expectedStatus(
            { roles: ALLOWED, publicAllows: false, success: row.success },
            caller,
            visibility,
          );
          it(`${row.name} as ${caller} → ${status}`, async () => {
            const project = projects[visibility].project;
            const target = await row.target(project);
            if (row.name === 'POST /retentions/{id}/executions') {
              const policy = await policyOf(project);
              const { total } = await reg.wharf.jobs.executions.list({ vendorType: 'RETENTION', vendorId: policy });
              Object.assign(target, { executions: total });
            }
            const credentials = await principals.credentialsOf(caller, visibility, row.needs);
            const res = await api(reg.app, target.method, target.path, credentials, target.body);
            expect(res.statusCode, res.body).toBe(status);
            if (status >= 400) {
              const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
              expect(res.json()).toEqual({ errors: [{ code, message: expect.any(String) as string }] });
              await row.unchanged?.(project, target);
            }
          });
        }
      }
    });
  }

  for (const caller of CALLERS) {
    const status = caller === 'anonymous' ? 401 : 200;
    it(`GET /retentions/metadatas as ${caller} → ${status}`, async () => {
      const credentials = await principals.credentialsOf(caller, 'private', {
        resource: 'tag-retention',
        action: 'read',
      });
      expect((await api(reg.app, 'GET', '/retentions/metadatas', credentials)).statusCode).toBe(status);
    });
  }
});
