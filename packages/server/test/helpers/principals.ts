import { PROJECT_ROLE_IDS, PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import { hashPassword } from '../../src/lib/password-hash.js';
import type { ProjectRecord, RobotAccess } from '../../src/ports/identity-store.js';
import type { Wharf } from '../../src/main.js';
import type { Credentials } from './api-client.js';

/**
 * Principals for authorisation tests, written straight into the identity store (so a test of one API does not
 * depend on another API to set itself up). Every password is PASSWORD; hashing makes each account cost ~0.1 s.
 */
export const PASSWORD = 'Passw0rd1';

export async function createUserDirect(wharf: Wharf, username: string, sysadmin = false): Promise<Credentials> {
  await wharf.store.users.create({
    username,
    email: `${username}@example.com`,
    realname: username,
    comment: '',
    passwordHash: await hashPassword(PASSWORD),
    sysadmin,
  });
  return { username, password: PASSWORD };
}

export interface ProjectWithMembers {
  readonly project: ProjectRecord;
  /** One member per Harbor role. */
  readonly members: Readonly<Record<ProjectRole, Credentials>>;
}

/** A project (public or private) with one user per role, named `<project>-<role>`. */
export async function createProjectWithMembers(
  wharf: Wharf,
  name: string,
  opts: { public: boolean },
): Promise<ProjectWithMembers> {
  const project = await wharf.store.projects.create({ name, public: opts.public });
  await wharf.store.quotas.create(project.id, -1); // as the management API creates every project's quota
  const members = {} as Record<ProjectRole, Credentials>;
  for (const role of PROJECT_ROLES) {
    const credentials = await createUserDirect(wharf, `${name}-${role.toLowerCase()}`);
    const user = await wharf.store.users.getByName(credentials.username);
    await wharf.store.members.add({
      projectId: project.id,
      entityType: 'u',
      entityId: user!.id,
      roleId: PROJECT_ROLE_IDS[role],
    });
    members[role] = credentials;
  }
  return { project, members };
}

/**
 * A robot account with `access` inside `project` (a project-level robot, `robot$<project>+<name>`), or at
 * system scope with `access` on every project when `project` is undefined (`robot$<name>`).
 */
export async function createRobotDirect(
  wharf: Wharf,
  name: string,
  access: readonly RobotAccess[],
  project?: ProjectRecord,
  opts: { disabled?: boolean; expiresAt?: Date | null } = {},
): Promise<Credentials> {
  const fullName = project ? `robot$${project.name}+${name}` : `robot$${name}`;
  const secret = `Secret-${name}-0`;
  await wharf.store.robots.create({
    name: fullName,
    level: project ? 'project' : 'system',
    projectId: project?.id ?? null,
    permissions: [{ kind: 'project', namespace: project?.name ?? '*', access }],
    secretHash: await hashPassword(secret),
    disabled: opts.disabled ?? false,
    durationDays: null,
    expiresAt: opts.expiresAt ?? null,
  });
  return { username: fullName, password: secret };
}
