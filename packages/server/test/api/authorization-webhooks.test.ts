import { beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord, RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { CALLERS, expectedStatus, MatrixPrincipals, PULL_PUSH, VISIBILITIES } from '../helpers/authorization-matrix.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * Who may manage webhook policies and read their deliveries, in a private and a public project: anonymous callers,
 * a user who is no member, a member of each role, a robot holding the permission the endpoint needs, a robot holding
 * only repository pull and push, and a system administrator. Harbor's RBAC on `notification-policy`: project admins
 * hold all of it, maintainers `read` and `list` (executions, tasks and logs need `read`, as in Harbor's handler); others nothing, and a public project grants nothing to outsiders.
 */
const WRITERS: readonly ProjectRole[] = ['projectAdmin'];
const READERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer'];

interface Target {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

interface Row {
  readonly name: string;
  readonly needs: RobotAccess;
  readonly roles: readonly ProjectRole[];
  readonly success: number;
  readonly target: (project: ProjectRecord) => Promise<Target>;
  /** After a refusal, as the administrator: that nothing changed. */
  readonly unchanged?: (project: ProjectRecord, target: Target) => Promise<void>;
}

// 127.0.0.1:9 (discard) refuses connections at once: test-fires and deliveries end quickly.
const reg = useTestRegistry({ WHARF_WEBHOOKS_ALLOWEDTARGETS: '127.0.0.1', WHARF_WEBHOOKS_MAXRETRIES: '0' });
let counter = 0;

function body(name: string) {
  return { name, event_types: ['PUSH_ARTIFACT'], targets: [{ address: 'http://127.0.0.1:9/hook' }] };
}

async function policyOf(project: ProjectRecord, fresh = false): Promise<number> {
  const [existing] = await reg.wharf.store.webhooks.ofProject(project.id);
  if (existing && !fresh) return existing.id;
  const res = await api(reg.app, 'POST', `/projects/${project.name}/webhook/policies`, ADMIN, body(`p${++counter}`));
  expect(res.statusCode, res.body).toBe(201);
  return Number((res.headers.location as string).split('/').at(-1));
}

/** A delivery execution of the project's policy with one task, run once. */
async function executionOf(project: ProjectRecord): Promise<{ policy: number; execution: number; task: number }> {
  const policy = await policyOf(project);
  const execution = await reg.wharf.jobs.enqueue({
    vendorType: 'WEBHOOK',
    vendorId: policy,
    trigger: 'EVENT',
    extraAttrs: { event_type: 'PUSH_ARTIFACT' },
    params: {
      policy_id: policy,
      event_type: 'PUSH_ARTIFACT',
      target_index: 0,
      type: 'http',
      address: 'http://127.0.0.1:9/hook',
      skip_cert_verify: false,
      payload_format: 'Default',
      content_type: 'application/json',
      payload: '{}',
    },
  });
  await reg.wharf.jobs.tick();
  await reg.wharf.jobs.idle();
  const [task] = await reg.wharf.jobs.tasks.list(execution.id);
  return { policy, execution: execution.id, task: task!.id };
}

const base = (p: ProjectRecord) => `/projects/${p.name}/webhook`;

const ROWS: readonly Row[] = [
  {
    name: 'GET /projects/{p}/webhook/events',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${base(p)}/events` }),
  },
  {
    name: 'GET /projects/{p}/webhook/lasttrigger',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${base(p)}/lasttrigger` }),
  },
  {
    name: 'GET /projects/{p}/webhook/policies',
    needs: { resource: 'notification-policy', action: 'list' },
    roles: READERS,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `${base(p)}/policies` }),
  },
  {
    name: 'POST /projects/{p}/webhook/policies',
    needs: { resource: 'notification-policy', action: 'create' },
    roles: WRITERS,
    success: 201,
    target: (p) => Promise.resolve({ method: 'POST', path: `${base(p)}/policies`, body: body(`new${++counter}`) }),
    unchanged: async (p, target) => {
      const names = (await reg.wharf.store.webhooks.ofProject(p.id)).map((x) => x.name);
      expect(names).not.toContain((target.body as { name: string }).name);
    },
  },
  {
    name: 'GET /projects/{p}/webhook/policies/{id}',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: async (p) => ({ method: 'GET', path: `${base(p)}/policies/${await policyOf(p)}` }),
  },
  {
    name: 'PUT /projects/{p}/webhook/policies/{id}',
    needs: { resource: 'notification-policy', action: 'update' },
    roles: WRITERS,
    success: 200,
    target: async (p) => ({
      method: 'PUT',
      path: `${base(p)}/policies/${await policyOf(p)}`,
      body: body(`renamed${++counter}`),
    }),
    unchanged: async (p, target) => {
      const id = Number(target.path.split('/').at(-1));
      expect((await reg.wharf.store.webhooks.get(id))?.name).not.toBe((target.body as { name: string }).name);
      void p;
    },
  },
  {
    name: 'DELETE /projects/{p}/webhook/policies/{id}',
    needs: { resource: 'notification-policy', action: 'delete' },
    roles: WRITERS,
    success: 200,
    target: async (p) => ({ method: 'DELETE', path: `${base(p)}/policies/${await policyOf(p, true)}` }),
    unchanged: async (_p, target) => {
      expect(await reg.wharf.store.webhooks.get(Number(target.path.split('/').at(-1)))).toBeDefined();
    },
  },
  {
    name: 'POST /projects/{p}/webhook/policies/{id}/test',
    needs: { resource: 'notification-policy', action: 'update' },
    roles: WRITERS,
    success: 200,
    target: async (p) => ({ method: 'POST', path: `${base(p)}/policies/${await policyOf(p)}/test` }),
  },
  {
    name: 'GET /projects/{p}/webhook/policies/{id}/executions',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: async (p) => ({ method: 'GET', path: `${base(p)}/policies/${await policyOf(p)}/executions` }),
  },
  {
    name: 'GET /projects/{p}/webhook/policies/{id}/executions/{eid}/tasks',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: async (p) => {
      const { policy, execution } = await executionOf(p);
      return { method: 'GET', path: `${base(p)}/policies/${policy}/executions/${execution}/tasks` };
    },
  },
  {
    name: 'GET /projects/{p}/webhook/policies/{id}/executions/{eid}/tasks/{tid}/log',
    needs: { resource: 'notification-policy', action: 'read' },
    roles: READERS,
    success: 200,
    target: async (p) => {
      const { policy, execution, task } = await executionOf(p);
      return { method: 'GET', path: `${base(p)}/policies/${policy}/executions/${execution}/tasks/${task}/log` };
    },
  },
];

const principals = new MatrixPrincipals(() => reg.wharf, PULL_PUSH);
const projects = principals.projects;

beforeAll(async () => {
  await principals.setUp('whz');
});

describe('authorisation matrix of webhooks', () => {
  for (const visibility of VISIBILITIES) {
    describe(`in a ${visibility} project`, () => {
      for (const row of ROWS) {
        for (const caller of CALLERS) {
          const status = expectedStatus(
            { roles: row.roles, publicAllows: false, success: row.success },
            caller,
            visibility,
          );
          it(`${row.name} as ${caller} → ${status}`, async () => {
            const project = projects[visibility].project;
            const target = await row.target(project);
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
});
