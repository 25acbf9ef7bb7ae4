import { PROJECT_ROLES, type ProjectRole } from '../../src/domain/rbac/roles.js';
import type { Wharf } from '../../src/main.js';
import type { RobotAccess } from '../../src/ports/identity-store.js';
import { ADMIN, type Credentials } from './api-client.js';
import {
  createProjectWithMembers,
  createRobotDirect,
  createUserDirect,
  type ProjectWithMembers,
} from './principals.js';

/**
 * The callers of an authorisation matrix over a project's endpoints: anonymous, a user who is no member, a member of
 * each role, a robot holding the permission the endpoint needs, a robot holding something else, and a system
 * administrator; each endpoint is asked in a private and in a public project.
 */
export type Caller = 'anonymous' | 'outsider' | ProjectRole | 'robot-with' | 'robot-without' | 'sysadmin';
export type Visibility = 'private' | 'public';
export const CALLERS: readonly Caller[] = [
  'anonymous',
  'outsider',
  ...PROJECT_ROLES,
  'robot-with',
  'robot-without',
  'sysadmin',
];
/** What a robot that may push and pull holds: the usual robot without an endpoint's permission. */
export const PULL_PUSH: readonly RobotAccess[] = [
  { resource: 'repository', action: 'pull' },
  { resource: 'repository', action: 'push' },
];

export const VISIBILITIES: readonly Visibility[] = ['private', 'public'];

/** Who an endpoint lets in: these roles, and everyone in a public project when `publicAllows`. */
export interface MatrixRule {
  readonly roles: readonly ProjectRole[];
  readonly publicAllows: boolean;
  /** The status of an allowed call. */
  readonly success: number;
}

/** The status a caller must get: the rule's success when allowed, else 401 anonymous and 403 for the others. */
export function expectedStatus(rule: MatrixRule, caller: Caller, visibility: Visibility): number {
  const allowed =
    caller === 'sysadmin' ||
    caller === 'robot-with' ||
    ((PROJECT_ROLES as readonly string[]).includes(caller) && rule.roles.includes(caller as ProjectRole)) ||
    (visibility === 'public' && rule.publicAllows);
  if (allowed) return rule.success;
  return caller === 'anonymous' ? 401 : 403;
}

/** The principals of a matrix: a private and a public project with a member per role, an outsider, robots. */
export class MatrixPrincipals {
  readonly projects = {} as Record<Visibility, ProjectWithMembers>;
  private outsider: Credentials | undefined;
  private readonly robots = new Map<string, Credentials>();

  /** `robotWithout`: what the robot without the endpoint's permission holds instead. */
  constructor(
    private readonly wharf: () => Wharf,
    private readonly robotWithout: readonly RobotAccess[],
  ) {}

  /** Creates `<prefix>-private`, `<prefix>-public` with their members, and the user `<prefix>-outsider`. */
  async setUp(prefix: string): Promise<void> {
    this.projects.private = await createProjectWithMembers(this.wharf(), `${prefix}-private`, { public: false });
    this.projects.public = await createProjectWithMembers(this.wharf(), `${prefix}-public`, { public: true });
    this.outsider = await createUserDirect(this.wharf(), `${prefix}-outsider`);
  }

  async credentialsOf(caller: Caller, visibility: Visibility, needs: RobotAccess): Promise<Credentials | undefined> {
    switch (caller) {
      case 'anonymous':
        return undefined;
      case 'outsider':
        return this.outsider;
      case 'sysadmin':
        return ADMIN;
      case 'robot-with':
        return this.robot(visibility, [needs]);
      case 'robot-without':
        return this.robot(visibility, this.robotWithout);
      case 'projectAdmin':
      case 'maintainer':
      case 'developer':
      case 'guest':
      case 'limitedGuest':
        return this.projects[visibility].members[caller];
    }
  }

  /** A project robot holding exactly `access` (created once per project and permission). */
  private async robot(visibility: Visibility, access: readonly RobotAccess[]): Promise<Credentials> {
    const key = `${visibility}:${access.map((a) => `${a.resource}.${a.action}`).join('+')}`;
    let credentials = this.robots.get(key);
    if (!credentials) {
      const project = this.projects[visibility].project;
      credentials = await createRobotDirect(this.wharf(), `r${this.robots.size}`, access, project);
      this.robots.set(key, credentials);
    }
    return credentials;
  }
}
