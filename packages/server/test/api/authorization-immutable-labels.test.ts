import { beforeAll, describe, expect, it } from 'vitest';
import { type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { ProjectRecord } from '../../src/ports/identity-store.js';
import type { RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
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
 * Who may manage immutable tag rules, labels and the labels of artifacts, in a private and a public project:
 * anonymous callers, a user who is no member, a member of each role, a robot holding the permission the endpoint
 * needs, a robot holding only repository pull and push, and a system administrator (Harbor's RBAC: `immutable-tag`
 * for project admins and maintainers, `label` managed by them and read by members, `artifact-label` down to
 * developers; global labels by system administrators).
 */

interface Target {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

interface Row {
  readonly name: string;
  readonly needs: RobotAccess;
  readonly roles: readonly ProjectRole[];
  readonly publicAllows: boolean;
  readonly success: number;
  readonly target: (project: ProjectRecord) => Promise<Target>;
  /** After a refusal, as the administrator: that nothing changed. */
  readonly unchanged?: (project: ProjectRecord, target: Target) => Promise<void>;
}

const MANAGERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer'];
const READERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer', 'developer', 'guest'];
const LABELLERS: readonly ProjectRole[] = ['projectAdmin', 'maintainer', 'developer'];

const reg = useTestRegistry();
let counter = 0;
const fresh = (prefix: string) => `${prefix}${++counter}`;

function ruleBody(pattern: string) {
  return {
    disabled: false,
    action: 'immutable',
    template: 'immutable_template',
    tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern }],
    scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
  };
}

/** Keeps the project under Harbor's 15 rules: the matrix creates one per case. */
async function makeRoom(project: ProjectRecord): Promise<void> {
  const rules = await reg.wharf.store.immutableRules.ofProject(project.id);
  if (rules.length < 10) return;
  for (const rule of rules) await reg.wharf.store.immutableRules.delete(rule.id);
}

async function ruleIn(project: ProjectRecord): Promise<number> {
  await makeRoom(project);
  const res = await api(reg.app, 'POST', `/projects/${project.name}/immutabletagrules`, ADMIN, ruleBody(fresh('t')));
  expect(res.statusCode, res.body).toBe(201);
  return Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
}

async function labelIn(project: ProjectRecord | undefined): Promise<number> {
  const body = project ? { name: fresh('l'), scope: 'p', project_id: project.id } : { name: fresh('g'), scope: 'g' };
  const res = await api(reg.app, 'POST', '/labels', ADMIN, body);
  expect(res.statusCode, res.body).toBe(201);
  return Number(/(\d+)$/.exec(res.headers.location as string)?.[1]);
}

const artifactLabels = (p: ProjectRecord) => `/projects/${p.name}/repositories/app/artifacts/v1/labels`;

async function labelIdsOfV1(p: ProjectRecord): Promise<number[]> {
  const res = await api(reg.app, 'GET', `/projects/${p.name}/repositories/app/artifacts/v1?with_label=true`, ADMIN);
  return res.json<{ labels: { id: number }[] }>().labels.map((l) => l.id);
}

const ROWS: readonly Row[] = [
  {
    name: 'GET /projects/{p}/immutabletagrules',
    needs: { resource: 'immutable-tag', action: 'list' },
    roles: MANAGERS,
    publicAllows: false,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `/projects/${p.name}/immutabletagrules` }),
  },
  {
    name: 'POST /projects/{p}/immutabletagrules',
    needs: { resource: 'immutable-tag', action: 'create' },
    roles: MANAGERS,
    publicAllows: false,
    success: 201,
    target: async (p) => {
      await makeRoom(p);
      return { method: 'POST', path: `/projects/${p.name}/immutabletagrules`, body: ruleBody(fresh('c')) };
    },
    unchanged: async (p, target) => {
      const rules = await reg.wharf.store.immutableRules.ofProject(p.id);
      const pattern = (target.body as ReturnType<typeof ruleBody>).tag_selectors[0]!.pattern;
      expect(rules.some((r) => r.tagSelectors[0]?.pattern === pattern)).toBe(false);
    },
  },
  {
    name: 'PUT /projects/{p}/immutabletagrules/{id}',
    needs: { resource: 'immutable-tag', action: 'update' },
    roles: MANAGERS,
    publicAllows: false,
    success: 200,
    target: async (p) => {
      const id = await ruleIn(p);
      return {
        method: 'PUT',
        path: `/projects/${p.name}/immutabletagrules/${id}`,
        body: { id, ...ruleBody(fresh('changed')) },
      };
    },
    unchanged: async (_p, target) => {
      const id = Number(/(\d+)$/.exec(target.path)?.[1]);
      const pattern = (target.body as ReturnType<typeof ruleBody>).tag_selectors[0]!.pattern;
      expect((await reg.wharf.store.immutableRules.get(id))?.tagSelectors[0]?.pattern).not.toBe(pattern);
    },
  },
  {
    name: 'DELETE /projects/{p}/immutabletagrules/{id}',
    needs: { resource: 'immutable-tag', action: 'delete' },
    roles: MANAGERS,
    publicAllows: false,
    success: 200,
    target: async (p) => ({ method: 'DELETE', path: `/projects/${p.name}/immutabletagrules/${await ruleIn(p)}` }),
    unchanged: async (_p, target) => {
      expect(await reg.wharf.store.immutableRules.get(Number(/(\d+)$/.exec(target.path)?.[1]))).toBeDefined();
    },
  },
  {
    name: 'GET /labels?scope=p&project_id={p}',
    needs: { resource: 'label', action: 'list' },
    roles: READERS,
    publicAllows: true,
    success: 200,
    target: (p) => Promise.resolve({ method: 'GET', path: `/labels?scope=p&project_id=${p.id}` }),
  },
  {
    name: 'POST /labels (scope p)',
    needs: { resource: 'label', action: 'create' },
    roles: MANAGERS,
    publicAllows: false,
    success: 201,
    target: (p) =>
      Promise.resolve({ method: 'POST', path: '/labels', body: { name: fresh('n'), scope: 'p', project_id: p.id } }),
    unchanged: async (p, target) => {
      const name = (target.body as { name: string }).name;
      const { total } = await reg.wharf.store.labels.query({ scope: 'p', projectId: p.id, name, page: 1, pageSize: 1 });
      expect(total).toBe(0);
    },
  },
  {
    name: 'GET /labels/{id} (project label)',
    needs: { resource: 'label', action: 'read' },
    roles: READERS,
    publicAllows: true,
    success: 200,
    target: async (p) => ({ method: 'GET', path: `/labels/${await labelIn(p)}` }),
  },
  {
    name: 'PUT /labels/{id} (project label)',
    needs: { resource: 'label', action: 'update' },
    roles: MANAGERS,
    publicAllows: false,
    success: 200,
    target: async (p) => ({ method: 'PUT', path: `/labels/${await labelIn(p)}`, body: { name: fresh('renamed') } }),
    unchanged: async (_p, target) => {
      const label = await reg.wharf.store.labels.get(Number(/(\d+)$/.exec(target.path)?.[1]));
      expect(label?.name).not.toBe((target.body as { name: string }).name);
    },
  },
  {
    name: 'DELETE /labels/{id} (project label)',
    needs: { resource: 'label', action: 'delete' },
    roles: MANAGERS,
    publicAllows: false,
    success: 200,
    target: async (p) => ({ method: 'DELETE', path: `/labels/${await labelIn(p)}` }),
    unchanged: async (_p, target) => {
      expect(await reg.wharf.store.labels.get(Number(/(\d+)$/.exec(target.path)?.[1]))).toBeDefined();
    },
  },
  {
    name: 'POST .../artifacts/{reference}/labels',
    needs: { resource: 'artifact-label', action: 'create' },
    roles: LABELLERS,
    publicAllows: false,
    success: 200,
    target: async (p) => ({ method: 'POST', path: artifactLabels(p), body: { id: await labelIn(p) } }),
    unchanged: async (p, target) => {
      expect(await labelIdsOfV1(p)).not.toContain((target.body as { id: number }).id);
    },
  },
  {
    name: 'DELETE .../artifacts/{reference}/labels/{id}',
    needs: { resource: 'artifact-label', action: 'delete' },
    roles: LABELLERS,
    publicAllows: false,
    success: 200,
    target: async (p) => {
      const id = await labelIn(p);
      expect((await api(reg.app, 'POST', artifactLabels(p), ADMIN, { id })).statusCode).toBe(200);
      return { method: 'DELETE', path: `${artifactLabels(p)}/${id}` };
    },
    unchanged: async (p, target) => {
      expect(await labelIdsOfV1(p)).toContain(Number(/(\d+)$/.exec(target.path)?.[1]));
    },
  },
];

const principals = new MatrixPrincipals(() => reg.wharf, PULL_PUSH);
const projects = principals.projects;

beforeAll(async () => {
  await principals.setUp('il');
  for (const project of ['il-private', 'il-public']) await pushImage(reg.app, `${project}/app`, 'v1');
});

describe('authorisation matrix of immutable tag rules and labels', () => {
  for (const visibility of VISIBILITIES) {
    describe(`in a ${visibility} project`, () => {
      for (const row of ROWS) {
        for (const caller of CALLERS) {
          const status = expectedStatus(row, caller, visibility);
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

describe('global labels are managed by system administrators and listed for anyone', () => {
  const status = (caller: Caller, success: number) =>
    caller === 'sysadmin' ? success : caller === 'anonymous' ? 401 : 403;
  for (const caller of CALLERS) {
    it(`POST /labels (scope g) as ${caller} → ${status(caller, 201)}`, async () => {
      const credentials = await principals.credentialsOf(caller, 'private', { resource: 'label', action: 'create' });
      const name = fresh('global');
      const res = await api(reg.app, 'POST', '/labels', credentials, { name, scope: 'g' });
      expect(res.statusCode, res.body).toBe(status(caller, 201));
      const { total } = await reg.wharf.store.labels.query({ scope: 'g', name, page: 1, pageSize: 1 });
      expect(total).toBe(caller === 'sysadmin' ? 1 : 0);
    });

    it(`GET /labels/{id} (global) as ${caller} → ${status(caller, 200)}; listing as ${caller} → 200`, async () => {
      const credentials = await principals.credentialsOf(caller, 'private', { resource: 'label', action: 'read' });
      const id = await labelIn(undefined);
      expect((await api(reg.app, 'GET', `/labels/${id}`, credentials)).statusCode).toBe(status(caller, 200));
      const list = await api(reg.app, 'GET', '/labels?scope=g&page_size=100', credentials);
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json<{ id: number }[]>().map((l) => l.id)).toContain(id);
    });
  }
});
