import { describe, expect, it } from 'vitest';
import {
  can,
  isRobotActive,
  permittedActions,
  type ProjectRef,
  type RobotSubject,
  type Subject,
  type UserSubject,
} from './evaluator.js';
import { ROLE_POLICIES } from './policies.js';
import { ACTIONS, PROJECT_RESOURCES, SYSTEM_RESOURCES, type Action, type ProjectResource } from './resources.js';
import { PROJECT_ROLES, PROJECT_ROLE_IDS, isProjectRole, roleFromId, type ProjectRole } from './roles.js';

const priv: ProjectRef = { id: 1, name: 'team', public: false };
const pub: ProjectRef = { id: 2, name: 'library', public: true };
const now = new Date('2025-01-01T00:00:00Z');

function member(role: ProjectRole, projectId = priv.id): UserSubject {
  return { kind: 'user', id: 10, username: 'u', sysadmin: false, projectRoles: new Map([[projectId, [role]]]) };
}

type Pair = `${ProjectResource}:${Action}`;
function split(pair: Pair): [ProjectResource, Action] {
  const [resource, action] = pair.split(':') as [ProjectResource, Action];
  return [resource, action];
}

/** Cells checked against Harbor main's role grants (golden file of src/pkg/permission/policy/testdata). */
const MATRIX: Record<ProjectRole, { allow: Pair[]; deny: Pair[] }> = {
  projectAdmin: {
    allow: [
      'project:delete',
      'project:update',
      'member:create',
      'member:delete',
      'metadata:list',
      'log:list',
      'repository:delete',
      'robot:create',
      'configuration:update',
      'artifact:delete',
      'tag:delete',
      'notification-policy:create',
      'preheat-policy:delete',
      'scanner:create',
      'export-cve:create',
    ],
    deny: [
      'repository:operate',
      'tag:update',
      'artifact:update',
      'quota:update',
      'immutable-tag:read',
      'scanner:delete',
    ],
  },
  maintainer: {
    allow: [
      'repository:push',
      'repository:delete',
      'artifact:delete',
      'tag:delete',
      'label:create',
      'immutable-tag:create',
      'tag-retention:operate',
      'scan:create',
      'scan:stop',
      'sbom:create',
      'metadata:read',
      'notification-policy:read',
      'member:list',
    ],
    deny: [
      'member:create',
      'member:update',
      'member:delete',
      'metadata:update',
      'log:list',
      'robot:create',
      'configuration:update',
      'project:delete',
      'project:update',
      'notification-policy:create',
      'preheat-policy:list',
      'scanner:create',
    ],
  },
  developer: {
    allow: [
      'repository:push',
      'repository:pull',
      'repository:update',
      'artifact:create',
      'tag:create',
      'artifact-label:create',
      'tag-retention:create',
      'export-cve:create',
      'member:list',
      'robot:list',
    ],
    deny: [
      'repository:delete',
      'artifact:delete',
      'tag:delete',
      'label:create',
      'immutable-tag:create',
      'scan:create',
      'metadata:read',
      'log:list',
      'member:create',
      'robot:create',
      'project:update',
    ],
  },
  guest: {
    allow: [
      'repository:pull',
      'repository:read',
      'repository:list',
      'artifact:read',
      'tag:list',
      'member:list',
      'label:list',
      'robot:read',
      'scan:read',
      'project:read',
    ],
    deny: [
      'repository:push',
      'repository:create',
      'artifact:create',
      'tag:create',
      'artifact-label:create',
      'scan:create',
      'log:list',
      'export-cve:read',
      'tag-retention:read',
    ],
  },
  limitedGuest: {
    allow: [
      'repository:pull',
      'repository:read',
      'repository:list',
      'artifact:read',
      'artifact:list',
      'tag:list',
      'accessory:list',
      'sbom:read',
      'quota:read',
    ],
    deny: [
      'member:list',
      'member:read',
      'label:list',
      'robot:list',
      'log:list',
      'repository:push',
      'tag:create',
      'export-cve:list',
    ],
  },
};

describe('roles', () => {
  it('uses Harbor role ids', () => {
    expect(PROJECT_ROLE_IDS).toEqual({ projectAdmin: 1, developer: 2, guest: 3, maintainer: 4, limitedGuest: 5 });
    expect(roleFromId(4)).toBe('maintainer');
    expect(roleFromId(6)).toBeUndefined();
    expect(isProjectRole('developer')).toBe(true);
    expect(isProjectRole('toString')).toBe(false);
  });
});

describe('role matrix', () => {
  for (const role of PROJECT_ROLES) {
    const { allow, deny } = MATRIX[role];
    it.each(allow)(`${role} may %s`, (pair) => {
      const [resource, action] = split(pair);
      expect(can(member(role), priv, resource, action, now)).toBe(true);
    });
    it.each(deny)(`${role} may not %s`, (pair) => {
      const [resource, action] = split(pair);
      expect(can(member(role), priv, resource, action, now)).toBe(false);
    });
    it(`${role} has no rights in a private project it is not a member of`, () => {
      expect(can(member(role, 99), priv, 'repository', 'pull', now)).toBe(false);
    });
  }

  it('every role is a subset of the role above it', () => {
    const chain: ProjectRole[] = ['limitedGuest', 'guest', 'developer', 'maintainer', 'projectAdmin'];
    for (let i = 0; i + 1 < chain.length; i++) {
      const upper = ROLE_POLICIES[chain[i + 1]!];
      for (const [resource, actions] of Object.entries(ROLE_POLICIES[chain[i]!])) {
        for (const action of actions) expect(upper[resource as ProjectResource]).toContain(action);
      }
    }
  });

  it('names only known resources and actions', () => {
    for (const grants of Object.values(ROLE_POLICIES)) {
      for (const [resource, actions] of Object.entries(grants)) {
        expect(PROJECT_RESOURCES).toContain(resource);
        for (const action of actions) expect(ACTIONS).toContain(action);
      }
    }
  });

  it('takes the union of several roles in one project', () => {
    const user: UserSubject = {
      ...member('limitedGuest'),
      projectRoles: new Map([[priv.id, ['limitedGuest', 'developer']]]),
    };
    expect(can(user, priv, 'repository', 'push', now)).toBe(true);
    expect(can(user, priv, 'repository', 'delete', now)).toBe(false);
  });
});

describe('system administrators and system scope', () => {
  const admin: UserSubject = { kind: 'user', id: 1, username: 'admin', sysadmin: true, projectRoles: new Map() };
  it('may do everything everywhere', () => {
    for (const resource of PROJECT_RESOURCES) expect(can(admin, priv, resource, 'delete', now)).toBe(true);
    for (const resource of SYSTEM_RESOURCES) expect(can(admin, undefined, resource, 'create', now)).toBe(true);
  });
  it('ordinary users hold nothing at system scope, even project admins', () => {
    expect(can(member('projectAdmin'), undefined, 'catalog', 'read', now)).toBe(false);
    expect(can(member('projectAdmin'), undefined, 'user', 'list', now)).toBe(false);
  });
  it('refuses resources that do not exist at the requested scope', () => {
    expect(can(admin, priv, 'garbage-collection', 'create', now)).toBe(false);
    expect(can(admin, undefined, 'artifact', 'read', now)).toBe(false);
  });
});

describe('anonymous and public projects', () => {
  const anonymous: Subject = { kind: 'anonymous' };
  it('may pull and read in a public project', () => {
    for (const pair of ['repository:pull', 'repository:list', 'artifact:read', 'tag:list', 'project:read'] as Pair[]) {
      const [resource, action] = split(pair);
      expect(can(anonymous, pub, resource, action, now)).toBe(true);
    }
  });
  it('may not push, delete or list members in a public project', () => {
    for (const pair of ['repository:push', 'artifact:delete', 'member:list', 'repository:read', 'log:list'] as Pair[]) {
      const [resource, action] = split(pair);
      expect(can(anonymous, pub, resource, action, now)).toBe(false);
    }
  });
  it('may do nothing in a private project or at system scope', () => {
    expect(can(anonymous, priv, 'repository', 'pull', now)).toBe(false);
    expect(can(anonymous, undefined, 'catalog', 'read', now)).toBe(false);
  });
  it('gives signed-in non-members the public rights too', () => {
    expect(can(member('guest', 99), pub, 'repository', 'pull', now)).toBe(true);
    expect(can(member('guest', 99), pub, 'repository', 'push', now)).toBe(false);
  });
});

describe('robot accounts', () => {
  const robot = (overrides: Partial<RobotSubject> = {}): RobotSubject => ({
    kind: 'robot',
    id: 5,
    name: 'robot$team+ci',
    level: 'project',
    disabled: false,
    expiresAt: null,
    permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'push' }] }],
    authenticatedAt: now,
    ...overrides,
  });

  it('may do what its list grants, and pull when it may push', () => {
    expect(can(robot(), priv, 'repository', 'push', now)).toBe(true);
    expect(can(robot(), priv, 'repository', 'pull', now)).toBe(true);
  });
  it('may not do what its list does not grant', () => {
    expect(can(robot(), priv, 'repository', 'delete', now)).toBe(false);
    expect(can(robot(), priv, 'artifact', 'delete', now)).toBe(false);
    expect(can(robot(), { ...priv, id: 3, name: 'other' }, 'repository', 'push', now)).toBe(false);
    expect(can(robot(), undefined, 'catalog', 'read', now)).toBe(false);
  });
  it('a disabled or expired robot may do nothing, even in a public project', () => {
    expect(can(robot({ disabled: true }), priv, 'repository', 'push', now)).toBe(false);
    const expired = robot({ expiresAt: new Date(now.getTime() - 1000) });
    expect(isRobotActive(expired, now)).toBe(false);
    expect(can(expired, priv, 'repository', 'push', now)).toBe(false);
    expect(can(expired, pub, 'repository', 'pull', now)).toBe(false);
    expect(can(robot({ expiresAt: new Date(now.getTime() + 1000) }), priv, 'repository', 'push', now)).toBe(true);
  });
  it('judges expiry at the robot’s authentication time (the clock port’s) unless a decision gives its own', () => {
    const expiresAt = new Date(now.getTime() + 1000);
    const before = robot({ expiresAt, authenticatedAt: new Date(now.getTime() + 999) });
    const after = robot({ expiresAt, authenticatedAt: new Date(now.getTime() + 1000) });
    expect(isRobotActive(before)).toBe(true);
    expect(can(before, priv, 'repository', 'push')).toBe(true);
    expect(isRobotActive(after)).toBe(false);
    expect(can(after, priv, 'repository', 'push')).toBe(false);
    expect(permittedActions(after, pub, 'repository', ['pull'])).toEqual([]);
    expect(can(after, priv, 'repository', 'push', now)).toBe(true);
  });
  it('honours wildcards and deny effects', () => {
    const wide = robot({
      permissions: [
        {
          kind: 'project',
          namespace: '*',
          access: [
            { resource: '*', action: '*' },
            { resource: 'artifact', action: 'delete', effect: 'deny' },
          ],
        },
      ],
    });
    expect(can(wide, priv, 'tag', 'delete', now)).toBe(true);
    expect(can(wide, pub, 'repository', 'push', now)).toBe(true);
    expect(can(wide, priv, 'artifact', 'delete', now)).toBe(false);
    expect(can(wide, priv, 'project', 'delete', now)).toBe(false);
  });
  it('uses system permissions only at system scope', () => {
    const sys = robot({
      name: 'robot$ops',
      level: 'system',
      permissions: [{ kind: 'system', namespace: '/', access: [{ resource: 'catalog', action: 'read' }] }],
    });
    expect(can(sys, undefined, 'catalog', 'read', now)).toBe(true);
    expect(can(sys, undefined, 'registry', 'read', now)).toBe(false);
    expect(can(sys, priv, 'repository', 'pull', now)).toBe(false);
  });
  it('gets public-project rights like everyone else', () => {
    expect(can(robot(), pub, 'repository', 'pull', now)).toBe(true);
    expect(can(robot(), pub, 'repository', 'push', now)).toBe(false);
  });
});

describe('permittedActions', () => {
  it('reduces requested actions to the permitted ones', () => {
    expect(permittedActions(member('guest'), priv, 'repository', ['pull', 'push'], now)).toEqual(['pull']);
    expect(permittedActions({ kind: 'anonymous' }, priv, 'repository', ['pull', 'push'], now)).toEqual([]);
  });
});
