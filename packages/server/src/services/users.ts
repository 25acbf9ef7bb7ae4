import { InvalidError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../domain/errors.js';
import { can } from '../domain/rbac/evaluator.js';
import type { Action } from '../domain/rbac/resources.js';
import { hashPassword, verifyPassword } from '../lib/password-hash.js';
import type { PagedResult, UserQuery, UserRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { operatorOf, type SecurityContext } from './authenticator.js';
import { validateEmail, validatePassword, validateText, validateUsername } from './user-input.js';

type UserContext = Extract<SecurityContext, { kind: 'user' }>;

/** A UserCreationReq with its fields' types checked (http/api/user-body.ts); the rules are checked here. */
export interface UserCreation {
  readonly username?: string;
  readonly email?: string;
  readonly realname?: string;
  readonly comment?: string;
  readonly password?: string;
}

/** A UserProfile change; an empty email clears it. */
export interface ProfileChange {
  readonly email?: string;
  readonly realname?: string;
  readonly comment?: string;
}

/**
 * The caller's user context: UnauthenticatedError for anonymous callers, PermissionDeniedError for robots (they
 * are authenticated, but these endpoints are for users only).
 */
export function requireUser(ctx: SecurityContext): UserContext {
  if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
  if (ctx.kind !== 'user') throw new PermissionDeniedError(`${ctx.kind} accounts cannot use this endpoint`);
  return ctx;
}

/** Harbor's user management: system administrators manage everyone; users read and change only themselves. */
export class UserService {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
  ) {}

  async list(ctx: SecurityContext, query: UserQuery): Promise<PagedResult<UserRecord>> {
    this.authorize(ctx, 'list');
    return this.identity.users.list(query);
  }

  /** Open to every authenticated user: ids and names whose username contains `username`. */
  async search(ctx: SecurityContext, username: string, page: UserQuery): Promise<PagedResult<UserRecord>> {
    requireUser(ctx);
    return this.identity.users.list({ ...page, username: { value: username, exact: false } });
  }

  async get(ctx: SecurityContext, id: number): Promise<UserRecord> {
    this.authorizeSelfOr(ctx, id, 'read');
    return this.existing(id);
  }

  async current(ctx: SecurityContext): Promise<UserRecord> {
    return this.existing(requireUser(ctx).user.id);
  }

  /** System administrators, or anyone while self-registration is on; never creates an administrator. */
  async create(ctx: SecurityContext, input: UserCreation): Promise<UserRecord> {
    const admin = ctx.kind === 'user' && can(ctx.subject, undefined, 'user', 'create');
    if (!admin) {
      const { selfRegistration } = await this.identity.settings.get();
      if (!selfRegistration) this.authorize(ctx, 'create');
    }
    await this.requireLocalAccounts('users are created by their identity provider at their first login');
    const username = validateUsername(input.username);
    const email = validateEmail(input.email);
    const realname = validateText('realname', input.realname);
    const comment = validateText('comment', input.comment);
    const password = validatePassword(input.password);
    const passwordHash = await hashPassword(password);
    return this.work.run(async ({ tx, emit }) => {
      const user = await tx.users.create({
        username,
        email: email ?? null,
        realname: realname ?? '',
        comment: comment ?? '',
        passwordHash,
        sysadmin: false,
      });
      emit({ type: 'user.created', userId: user.id, username }, operatorOf(ctx));
      return user;
    });
  }

  async updateProfile(ctx: SecurityContext, id: number, change: ProfileChange): Promise<UserRecord> {
    this.authorizeSelfOr(ctx, id, 'update');
    const email = validateEmail(change.email);
    const realname = validateText('realname', change.realname);
    const comment = validateText('comment', change.comment);
    const updated = await this.work.run(async ({ tx, emit }) => {
      const user = await tx.users.updateProfile(id, {
        ...(email !== undefined && { email }),
        ...(realname !== undefined && { realname }),
        ...(comment !== undefined && { comment }),
      });
      if (user) emit({ type: 'user.updated', userId: id, username: user.username }, operatorOf(ctx));
      return user;
    });
    if (!updated) throw new NotFoundError('user', String(id));
    return updated;
  }

  /** Administrators may not delete themselves. */
  async delete(ctx: SecurityContext, id: number): Promise<void> {
    const caller = this.authorize(ctx, 'delete');
    if (caller.user.id === id) throw new PermissionDeniedError('you cannot delete yourself');
    const user = await this.existing(id);
    const deleted = await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.users.delete(id))) return false;
      emit({ type: 'user.deleted', userId: id, username: user.username }, operatorOf(ctx));
      return true;
    });
    if (!deleted) throw new NotFoundError('user', String(id));
  }

  /**
   * Changing one's own password (administrators included) needs the old one; an administrator resets another
   * user's password without it. The new password must pass the policy and differ from the old one.
   */
  async changePassword(
    ctx: SecurityContext,
    id: number,
    oldPassword: string | undefined,
    newPassword: string | undefined,
  ): Promise<void> {
    const caller = this.authorizeSelfOr(ctx, id, 'update');
    const user = await this.existing(id);
    if (user.passwordHash === null) {
      throw new PermissionDeniedError(
        `${user.username} signs in through an identity provider and has no password here`,
      );
    }
    const password = validatePassword(newPassword, 'new_password');
    if (caller.user.id === id) {
      if (oldPassword === undefined || oldPassword === '') {
        throw new InvalidError('field', 'old_password is required');
      }
      if (!user.passwordHash || !(await verifyPassword(oldPassword, user.passwordHash))) {
        throw new PermissionDeniedError('the old password is not correct');
      }
    }
    if (user.passwordHash && (await verifyPassword(password, user.passwordHash))) {
      throw new InvalidError('field', 'the new password must differ from the old one');
    }
    const passwordHash = await hashPassword(password);
    const changed = await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.users.setPasswordHash(id, passwordHash))) return false;
      emit({ type: 'user.password_changed', userId: id, username: user.username }, operatorOf(ctx));
      return true;
    });
    if (!changed) throw new NotFoundError('user', String(id));
  }

  /** Administrators may not change their own flag (so the last one cannot lock everyone out by mistake). */
  async setSysadmin(ctx: SecurityContext, id: number, sysadmin: boolean): Promise<void> {
    const caller = this.authorize(ctx, 'update');
    if (caller.user.id === id) throw new PermissionDeniedError('you cannot change your own administrator flag');
    const changed = await this.work.run(async ({ tx, emit }) => {
      const user = await tx.users.get(id);
      if (!user || !(await tx.users.setSysadmin(id, sysadmin))) return false;
      emit({ type: 'user.updated', userId: id, username: user.username }, operatorOf(ctx));
      return true;
    });
    if (!changed) throw new NotFoundError('user', String(id));
  }

  /** Harbor refuses local accounts (creation, sign-up) unless auth_mode is db_auth; its admin stays local. */
  private async requireLocalAccounts(why: string): Promise<void> {
    const { authMode } = await this.identity.settings.get();
    if (authMode !== 'db_auth') throw new PermissionDeniedError(`auth_mode is ${authMode}: ${why}`);
  }

  private async existing(id: number): Promise<UserRecord> {
    const user = await this.identity.users.get(id);
    if (!user) throw new NotFoundError('user', String(id));
    return user;
  }

  /** The caller when the evaluator lets them perform `action` on users at system scope. */
  private authorize(ctx: SecurityContext, action: Action): UserContext {
    const caller = requireUser(ctx);
    if (!can(caller.subject, undefined, 'user', action)) {
      throw new PermissionDeniedError('only system administrators may do this');
    }
    return caller;
  }

  /** The caller when they act on themselves or may perform `action` on users. */
  private authorizeSelfOr(ctx: SecurityContext, id: number, action: Action): UserContext {
    const caller = requireUser(ctx);
    return caller.user.id === id ? caller : this.authorize(ctx, action);
  }
}
