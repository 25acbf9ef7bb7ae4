import type { RobotSubject, Subject, UserSubject } from '../domain/rbac/evaluator.js';
import { roleFromId, type ProjectRole } from '../domain/rbac/roles.js';
import { hashPassword, verifyPassword } from '../lib/password-hash.js';
import type { IdentityStore, RobotRecord, UserRecord } from '../ports/identity-store.js';

/** Who a request acts as: a user with their record, a robot account with its record, or nobody. */
export type SecurityContext =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly subject: UserSubject; readonly user: UserRecord }
  | { readonly kind: 'robot'; readonly subject: RobotSubject; readonly robot: RobotRecord };

export const ANONYMOUS: SecurityContext = { kind: 'anonymous' };

const ANONYMOUS_SUBJECT: Subject = { kind: 'anonymous' };

/** The subject the RBAC evaluator (domain/rbac/evaluator.ts) decides for. */
export function subjectOf(ctx: SecurityContext): Subject {
  return ctx.kind === 'anonymous' ? ANONYMOUS_SUBJECT : ctx.subject;
}

/** Checks local users' passwords and builds their security context (with their project roles). */
export class Authenticator {
  /** Verified against when the user is unknown, so that a miss costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(private readonly identity: IdentityStore) {}

  /** The user's context, or undefined when the username or password is wrong (or the user has no password). */
  async withPassword(username: string, password: string): Promise<SecurityContext | undefined> {
    const user = await this.identity.users.getByName(username);
    if (!user?.passwordHash) {
      this.decoy ??= hashPassword('decoy password that never matches');
      await verifyPassword(password, await this.decoy);
      return undefined;
    }
    if (!(await verifyPassword(password, user.passwordHash))) return undefined;
    return this.contextOf(user);
  }

  async contextOf(user: UserRecord): Promise<SecurityContext> {
    const projectRoles = new Map<number, ProjectRole[]>();
    for (const { projectId, roleId } of await this.identity.members.rolesOf(user.id)) {
      const role = roleFromId(roleId);
      if (role) projectRoles.set(projectId, [...(projectRoles.get(projectId) ?? []), role]);
    }
    const subject: UserSubject = {
      kind: 'user',
      id: user.id,
      username: user.username,
      sysadmin: user.sysadmin,
      projectRoles,
    };
    return { kind: 'user', subject, user };
  }
}
