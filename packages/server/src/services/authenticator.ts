import { createHmac, randomBytes } from 'node:crypto';
import {
  isRobotActive,
  systemSubject,
  type RobotSubject,
  type Subject,
  type SystemSubject,
  type TokenScope,
  type UserSubject,
} from '../domain/rbac/evaluator.js';
import { systemOperator, type Operator, type RequestOrigin } from '../domain/events.js';
import { roleFromId, type ProjectRole } from '../domain/rbac/roles.js';
import { ConflictError, InvalidError } from '../domain/errors.js';
import { hashPassword, PasswordVerifier } from '../lib/password-hash.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExternalIdentity, PasswordIdentityProvider } from '../ports/identity-provider.js';
import type { RobotRecord, UserRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';

/** Who a request acts as: a user with their record, a robot account with its record, or nobody. */
export type SecurityContext = (
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly subject: UserSubject; readonly user: UserRecord }
  | { readonly kind: 'robot'; readonly subject: RobotSubject; readonly robot: RobotRecord }
  | { readonly kind: 'system'; readonly subject: SystemSubject }
) & {
  /** The request this context acts in (set per request by the HTTP layer; absent for jobs and shared contexts). */
  readonly origin?: RequestOrigin | undefined;
};

/** `ctx` acting in the request `origin` (a copy: contexts are shared between a session's requests). */
export function inRequest(ctx: SecurityContext, origin: RequestOrigin): SecurityContext {
  return { ...ctx, origin };
}

export const ANONYMOUS: SecurityContext = { kind: 'anonymous' };

/** The security context of a system job (domain/rbac/evaluator.ts SystemSubject). */
export function systemContext(job: string): SecurityContext {
  return { kind: 'system', subject: systemSubject(job) };
}

const ANONYMOUS_SUBJECT: Subject = { kind: 'anonymous' };

/** The subject the RBAC evaluator (domain/rbac/evaluator.ts) decides for. */
export function subjectOf(ctx: SecurityContext): Subject {
  return ctx.kind === 'anonymous' ? ANONYMOUS_SUBJECT : ctx.subject;
}

/** The caller as the operator recorded in the events of the changes it makes. */
export function operatorOf(ctx: SecurityContext): Operator {
  switch (ctx.kind) {
    case 'anonymous':
      return { kind: 'anonymous', name: 'anonymous', ...(ctx.origin && { origin: ctx.origin }) };
    case 'user':
      return { kind: 'user', name: ctx.user.username, id: ctx.user.id, ...(ctx.origin && { origin: ctx.origin }) };
    case 'robot':
      return { kind: 'robot', name: ctx.subject.name, id: ctx.robot.id, ...(ctx.origin && { origin: ctx.origin }) };
    case 'system':
      return systemOperator(ctx.subject.job);
  }
}

/** `ctx` narrowed to a personal access token's scope (users only; other contexts are returned as they are). */
export function scopedContext(ctx: SecurityContext, scope: TokenScope): SecurityContext {
  return ctx.kind === 'user' ? { ...ctx, subject: { ...ctx.subject, scope } } : ctx;
}

/** The personal access token a context authenticated with (its scope), if any. */
export function tokenScopeOf(ctx: SecurityContext): TokenScope | undefined {
  return ctx.kind === 'user' ? ctx.subject.scope : undefined;
}

/**
 * Checks personal access tokens (tokens/personal-tokens.ts): a password that `recognises` is a token and nothing
 * else (no password check follows); `verify` answers its owner and scope when it is valid and owned by `username`.
 */
export interface PersonalTokenVerifier {
  recognises(password: string): boolean;
  verify(
    username: string,
    secret: string,
  ): Promise<{ readonly user: UserRecord; readonly scope: TokenScope } | undefined>;
}

/** Robot accounts authenticate with names carrying this prefix (Harbor's default `robot$`). */
export const ROBOT_PREFIX = 'robot$';

/**
 * Logins through an identity provider (services/identity/identity-providers.ts): the provider of the current
 * `auth_mode` (undefined in `db_auth`), and the onboarding of the identity it returns into a user record.
 */
export interface ExternalLogins {
  provider(): Promise<PasswordIdentityProvider | undefined>;
  /** The user record of the identity; throws InvalidError or ConflictError when it cannot be one. */
  onboard(identity: ExternalIdentity): Promise<UserRecord>;
}

/** The bootstrap administrator: always checked against the database, whatever the auth_mode (as in Harbor). */
const LOCAL_ADMIN = 'admin';

/** Stands for the stored hash of users without one (they log in through a provider) in the remembered keys. */
const EXTERNAL_STAMP = 'external';

/** How long a verified password is trusted without running scrypt again, and how many are remembered. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1024;

/**
 * Checks passwords of local users and secrets of robot accounts and builds their security context (user project
 * roles; robot permissions). A successful verification is remembered for a minute under an HMAC of the
 * credentials and the stored hash, so that clients sending Basic credentials with every request (docker, skopeo,
 * API scripts) do not pay for scrypt each time; changing the password changes the hash and so misses the cache.
 */
export class Authenticator {
  /** Verified against when the account is unknown, so that a miss costs as much time as a wrong password. */
  private decoy: Promise<string> | undefined;
  private readonly cacheKey = randomBytes(32);
  private readonly verified = new Map<string, number>();
  private readonly verifying = new Map<string, Promise<boolean>>();

  private readonly verifier: PasswordVerifier;
  private readonly clock: Clock;
  private readonly personalTokens: PersonalTokenVerifier | undefined;
  private readonly external: ExternalLogins | undefined;

  /**
   * `verifier` bounds concurrent scrypt runs (main.ts builds it from `login.maxConcurrentHashes` and
   * `login.maxQueuedHashes`); when it is full, withPassword throws PasswordCheckOverloadError.
   */
  constructor(
    private readonly identity: Store,
    opts: {
      readonly verifier?: PasswordVerifier;
      readonly clock?: Clock;
      readonly external?: ExternalLogins;
      /** Personal access tokens, accepted as passwords in every auth_mode (one indexed lookup, no scrypt). */
      readonly personalTokens?: PersonalTokenVerifier;
    } = {},
  ) {
    this.verifier = opts.verifier ?? new PasswordVerifier();
    this.clock = opts.clock ?? systemClock;
    this.external = opts.external;
    this.personalTokens = opts.personalTokens;
  }

  /**
   * The account's context, or undefined when the name or password is wrong, or the account cannot log in. An
   * unknown name costs one scrypt run as well (against a decoy hash with the default parameters, which every
   * stored hash has), through the same bounded verifier, so the answer's time does not tell whether it exists.
   */
  async withPassword(username: string, password: string): Promise<SecurityContext | undefined> {
    if (this.personalTokens?.recognises(password)) return this.withPersonalToken(username, password);
    if (username.startsWith(ROBOT_PREFIX)) return this.withRobotSecret(username, password);
    const provider = username === LOCAL_ADMIN ? undefined : await this.external?.provider();
    if (provider) return this.withProvider(provider, username, password);
    const user = await this.identity.users.getByName(username);
    if (!user?.passwordHash) return this.miss(password);
    if (!(await this.verify(username, password, user.passwordHash))) return undefined;
    return this.contextOf(user);
  }

  /** Whether a password check now would be refused (PasswordCheckOverloadError): shed before any other work. */
  get saturated(): boolean {
    return this.verifier.saturated;
  }

  /**
   * The context of credentials verified in the last minute (looked up, no scrypt), or undefined: then only
   * withPassword can tell. The login guard lets these through without reserving a password check.
   */
  async rememberedContext(username: string, password: string): Promise<SecurityContext | undefined> {
    // A personal access token is checked afresh every time (one indexed lookup): revoking it ends it at once.
    if (this.personalTokens?.recognises(password)) return this.withPersonalToken(username, password);
    if (username.startsWith(ROBOT_PREFIX)) {
      const robot = await this.identity.robots.getByName(username);
      if (!robot || !this.remembered(username, password, robot.secretHash)) return undefined;
      const ctx = this.robotContextOf(robot);
      return ctx.kind === 'robot' && isRobotActive(ctx.subject) ? ctx : undefined;
    }
    const user = await this.identity.users.getByName(username);
    if (!user || !this.remembered(username, password, user.passwordHash ?? EXTERNAL_STAMP)) return undefined;
    return this.contextOf(user);
  }

  /**
   * A login through the identity provider of the auth_mode: the user is onboarded (created, groups read) at every
   * check, and a success is remembered for a minute like a password, so a client sending Basic credentials with
   * every request asks the directory once a minute. Empty passwords never reach the provider (an LDAP bind with
   * one is an anonymous bind, which succeeds).
   */
  private async withProvider(
    provider: PasswordIdentityProvider,
    username: string,
    password: string,
  ): Promise<SecurityContext | undefined> {
    if (password === '') return undefined;
    const identity = await provider.authenticate(username, password);
    if (!identity) return undefined;
    let user: UserRecord;
    try {
      user = await this.external!.onboard(identity);
    } catch (error) {
      if (error instanceof InvalidError || error instanceof ConflictError) return undefined;
      throw error;
    }
    this.rememberVerified(this.cacheKeyOf(username, password, user.passwordHash ?? EXTERNAL_STAMP));
    return this.contextOf(user);
  }

  /** A personal access token's context: its owner's, narrowed to its scope; undefined when it is not valid. */
  private async withPersonalToken(username: string, secret: string): Promise<SecurityContext | undefined> {
    const verified = await this.personalTokens?.verify(username, secret);
    return verified && scopedContext(await this.contextOf(verified.user), verified.scope);
  }

  /** The user's rights: their own roles and their groups' (as the provider said at their last login). */
  async contextOf(user: UserRecord): Promise<SecurityContext> {
    const projectRoles = new Map<number, ProjectRole[]>();
    // One query: the user's own roles and those of the groups the provider named at the last login.
    const roles = await this.identity.members.rolesOf(user.id, 'stored');
    for (const { projectId, roleId } of roles) {
      const role = roleFromId(roleId);
      if (role) projectRoles.set(projectId, [...(projectRoles.get(projectId) ?? []), role]);
    }
    const subject: UserSubject = {
      kind: 'user',
      id: user.id,
      username: user.username,
      sysadmin: user.sysadmin || user.adminRoleInAuth,
      projectRoles,
    };
    return { kind: 'user', subject, user };
  }

  /** The context of an account named in a token (a user, or a robot that is still active); undefined if gone. */
  async contextOfAccount(name: string): Promise<SecurityContext | undefined> {
    if (name.startsWith(ROBOT_PREFIX)) {
      const robot = await this.identity.robots.getByName(name);
      const ctx = robot && this.robotContextOf(robot);
      return ctx?.kind === 'robot' && isRobotActive(ctx.subject) ? ctx : undefined;
    }
    const user = await this.identity.users.getByName(name);
    return user && this.contextOf(user);
  }

  /**
   * A robot's context, stamped with the clock's time; it still cannot do anything while disabled or expired at
   * that time (the evaluator checks).
   */
  robotContextOf(robot: RobotRecord): SecurityContext {
    const subject: RobotSubject = {
      kind: 'robot',
      authenticatedAt: new Date(this.clock.now()),
      id: robot.id,
      name: robot.name,
      level: robot.level,
      disabled: robot.disabled,
      expiresAt: robot.expiresAt,
      permissions: robot.permissions.map((p) => ({
        kind: p.kind,
        namespace: p.namespace,
        ...(p.projectId !== undefined && { projectId: p.projectId }),
        access: p.access.map((a) => ({
          resource: a.resource,
          action: a.action,
          ...(a.effect === 'deny' || a.effect === 'allow' ? { effect: a.effect } : {}),
        })),
      })),
    };
    return { kind: 'robot', subject, robot };
  }

  /** Disabled and expired robots are refused like a wrong secret. */
  private async withRobotSecret(name: string, secret: string): Promise<SecurityContext | undefined> {
    const robot = await this.identity.robots.getByName(name);
    if (!robot) return this.miss(secret);
    if (!(await this.verify(name, secret, robot.secretHash))) return undefined;
    const ctx = this.robotContextOf(robot);
    return ctx.kind === 'robot' && isRobotActive(ctx.subject) ? ctx : undefined;
  }

  /**
   * Forgets every remembered verification (an account changed, possibly on another node): the next request of
   * each client runs scrypt again. Entries are keyed by an HMAC, so they cannot be told apart by account.
   */
  forgetVerified(): void {
    this.verified.clear();
  }

  private cacheKeyOf(name: string, password: string, hash: string): string {
    return createHmac('sha256', this.cacheKey).update(`${name}\0${password}\0${hash}`).digest('base64url');
  }

  /** Whether these exact credentials were verified against this hash in the last minute. */
  private remembered(name: string, password: string, hash: string): boolean {
    const at = this.verified.get(this.cacheKeyOf(name, password, hash));
    return at !== undefined && this.clock.now() - at < VERIFIED_TTL_MS;
  }

  private async miss(password: string): Promise<undefined> {
    this.decoy ??= hashPassword('decoy password that never matches');
    await this.verifier.verify(password, await this.decoy);
    return undefined;
  }

  /**
   * Verifies with scrypt, unless these exact credentials were verified against this hash in the last minute.
   * Concurrent checks of the same credentials share one scrypt run (a client pushing layers in parallel).
   */
  private async verify(name: string, password: string, hash: string): Promise<boolean> {
    const key = this.cacheKeyOf(name, password, hash);
    if (this.remembered(name, password, hash)) return true;
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = this.verifier.verify(password, hash).finally(() => this.verifying.delete(key));
      this.verifying.set(key, pending);
    }
    if (!(await pending)) return false;
    this.rememberVerified(key);
    return true;
  }

  private rememberVerified(key: string): void {
    this.verified.delete(key);
    this.verified.set(key, this.clock.now());
    if (this.verified.size > VERIFIED_MAX) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
  }
}
