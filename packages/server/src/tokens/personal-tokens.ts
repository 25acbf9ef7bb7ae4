/**
 * Personal access tokens (docs/architecture.md, "Personal access tokens"): a user's own credentials for docker,
 * skopeo and API scripts, each with a name, an expiry and a scope no wider than the user's rights. The secret is
 * `wharf_pat_` and 32 random bytes (base64url), shown once; only its SHA-256 is stored, under a unique index, so a
 * presented secret is checked with one indexed lookup (a secret of 256 random bits needs no slow hash: nobody can
 * guess it or invert the hash). Each authentication looks the token up again, nothing caches it: deleting it
 * (revocation) ends it at once on every node. What it may do at use time is its scope intersected with the owner's
 * rights then (the RBAC evaluator's `scope` on the user subject).
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from '../domain/errors.js';
import { can, type ProjectRef, type TokenScope } from '../domain/rbac/evaluator.js';
import { PROJECT_POLICIES, SYSTEM_POLICIES } from '../domain/rbac/known-policies.js';
import { isAction, isProjectResource, isSystemResource } from '../domain/rbac/resources.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { Clock } from '../ports/clock.js';
import type { PagedResult, PageQuery, RobotAccess, RobotPermission, UserRecord } from '../ports/identity-store.js';
import type { PersonalTokenRecord } from '../ports/personal-token-records.js';
import type { Store } from '../ports/store.js';
import { operatorOf, subjectOf, type PersonalTokenVerifier, type SecurityContext } from '../services/authenticator.js';
import { projectRef } from '../services/project-access.js';

/** What every secret starts with: recognisable by people and by secret scanners. */
export const PERSONAL_TOKEN_PREFIX = 'wharf_pat_';
const SECRET_BYTES = 32;
const DAY_MS = 86_400_000;
/** The last use is recorded at most once a minute per token. */
const LAST_USE_RESOLUTION_MS = 60_000;
export const MAX_TOKENS_PER_USER = 100;
const MAX_NAME_LENGTH = 100;
const MAX_DESCRIPTION_LENGTH = 1024;
const MAX_DURATION_DAYS = 10_000_000;
const MAX_PERMISSIONS = 100;
const MAX_ACCESS = 500;
/** Stands for "every project" (a `*` namespace): only who holds a right in every project may grant it there. */
const EVERY_PROJECT: ProjectRef = { id: 0, name: '*', public: false };

const PROJECT_PAIRS = new Set(PROJECT_POLICIES.map((p) => `${p.resource}:${p.action}`));
const SYSTEM_PAIRS = new Set(SYSTEM_POLICIES.map((p) => `${p.resource}:${p.action}`));

/** A creation request, its JSON types checked by the HTTP layer. */
export interface PersonalTokenCreationRequest {
  readonly name?: string;
  readonly description?: string;
  /** Days; -1 never expires. */
  readonly duration?: number;
  readonly permissions?: readonly {
    readonly kind: string;
    readonly namespace?: string;
    readonly access: readonly { readonly resource: string; readonly action: string; readonly effect?: string }[];
  }[];
}

export interface CreatedPersonalToken {
  readonly token: PersonalTokenRecord;
  /** Shown once, never stored. */
  readonly secret: string;
}

export interface PersonalTokenListQuery extends PageQuery {
  /** Owners whose name is this (`exact`) or contains it. */
  readonly ownerName?: { readonly value: string; readonly exact: boolean };
}

export interface PersonalTokenServiceOptions {
  /** Told when recording a token's last use failed (the authentication still succeeds). */
  readonly onError?: (err: unknown) => void;
}

type UserContext = Extract<SecurityContext, { kind: 'user' }>;

export function hashPersonalTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export class PersonalTokenService implements PersonalTokenVerifier {
  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
    private readonly clock: Clock,
    private readonly options: PersonalTokenServiceOptions = {},
  ) {}

  recognises(password: string): boolean {
    return password.startsWith(PERSONAL_TOKEN_PREFIX);
  }

  /**
   * The owner and scope of the token `secret`, when it exists, has not expired and belongs to `username` (the
   * name a client logs in with must be the owner's); undefined otherwise. Records the use (at most once a minute).
   */
  async verify(username: string, secret: string): Promise<{ user: UserRecord; scope: TokenScope } | undefined> {
    if (!this.recognises(secret)) return undefined;
    const token = await this.store.personalTokens.getBySecretHash(hashPersonalTokenSecret(secret));
    if (!token || token.ownerName !== username || !this.isActive(token)) return undefined;
    const user = await this.store.users.get(token.userId);
    if (!user) return undefined;
    await this.recordUse(token);
    return { user, scope: scopeOf(token) };
  }

  /** The scope of token `tokenId` of user `userId` while it is valid (bearer tokens issued from it re-check here). */
  async scopeOf(tokenId: number, userId: number): Promise<TokenScope | undefined> {
    const token = await this.store.personalTokens.get(tokenId);
    if (!token || token.userId !== userId || !this.isActive(token)) return undefined;
    await this.recordUse(token);
    return scopeOf(token);
  }

  /** The tokens of user `userId`: the user themself or whoever may read users (system administrators). */
  async list(ctx: SecurityContext, userId: number, page: PageQuery): Promise<PagedResult<PersonalTokenRecord>> {
    await this.authorizeOwnerOr(ctx, userId, 'read');
    return this.store.personalTokens.list({ ...page, userId });
  }

  /** Every user's tokens: for whoever may list users (system administrators). */
  async listAll(ctx: SecurityContext, query: PersonalTokenListQuery): Promise<PagedResult<PersonalTokenRecord>> {
    const caller = requireUser(ctx);
    if (!can(caller.subject, undefined, 'user', 'list')) {
      throw new PermissionDeniedError('only system administrators may list every personal access token');
    }
    return this.store.personalTokens.list(query);
  }

  /** Only the user themself, signed in otherwise than with a token, creates their tokens. */
  async create(
    ctx: SecurityContext,
    userId: number,
    input: PersonalTokenCreationRequest,
  ): Promise<CreatedPersonalToken> {
    const caller = requireUser(ctx);
    if (caller.user.id !== userId)
      throw new PermissionDeniedError('users create their personal access tokens themselves');
    refuseTokenLogin(caller);
    const name = parseName(input.name);
    const description = parseDescription(input.description);
    const durationDays = parseDuration(input.duration);
    const permissions = parsePermissions(input.permissions);
    await this.assertHeld(caller, permissions);
    const { total } = await this.store.personalTokens.list({ page: 1, pageSize: 1, userId });
    if (total >= MAX_TOKENS_PER_USER) {
      throw invalid(`a user may hold at most ${MAX_TOKENS_PER_USER} personal access tokens; revoke some first`);
    }
    const secret = PERSONAL_TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
    const now = this.clock.now();
    const token = await this.work.run(async ({ tx, emit }) => {
      const created = await tx.personalTokens.create({
        userId,
        name,
        description,
        permissions,
        secretHash: hashPersonalTokenSecret(secret),
        durationDays,
        expiresAt: durationDays === null ? null : new Date(now + durationDays * DAY_MS),
        createdAt: new Date(now),
      });
      emit(
        { type: 'personal_token.created', tokenId: created.id, name, userId, username: created.ownerName },
        operatorOf(ctx),
      );
      return created;
    });
    return { token, secret };
  }

  /** Revokes (deletes) a token: its owner, or whoever may delete users (system administrators). */
  async delete(ctx: SecurityContext, userId: number, tokenId: number): Promise<void> {
    await this.authorizeOwnerOr(ctx, userId, 'delete');
    const token = await this.store.personalTokens.get(tokenId);
    if (!token || token.userId !== userId) throw notFound(tokenId);
    const deleted = await this.work.run(async ({ tx, emit }) => {
      if (!(await tx.personalTokens.delete(tokenId))) return false;
      emit(
        { type: 'personal_token.deleted', tokenId, name: token.name, userId, username: token.ownerName },
        operatorOf(ctx),
      );
      return true;
    });
    if (!deleted) throw notFound(tokenId);
  }

  private isActive(token: PersonalTokenRecord): boolean {
    return token.expiresAt === null || token.expiresAt.getTime() > this.clock.now();
  }

  /** Records a use unless one was recorded in the last minute (also by another node: the update is conditional). */
  private async recordUse(token: PersonalTokenRecord): Promise<void> {
    const now = this.clock.now();
    if (token.lastUsedAt !== null && now - token.lastUsedAt.getTime() < LAST_USE_RESOLUTION_MS) return;
    try {
      await this.store.personalTokens.touch(token.id, new Date(now), new Date(now - LAST_USE_RESOLUTION_MS));
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  /**
   * The owner (signed in otherwise than with a token), or whoever the evaluator lets `action` users at system scope;
   * a missing user is 404 for the latter only.
   */
  private async authorizeOwnerOr(ctx: SecurityContext, userId: number, action: 'read' | 'delete'): Promise<void> {
    const caller = requireUser(ctx);
    if (caller.user.id === userId) {
      refuseTokenLogin(caller);
      return;
    }
    if (!can(caller.subject, undefined, 'user', action)) {
      throw new PermissionDeniedError("only system administrators may manage other users' personal access tokens");
    }
    if (!(await this.store.users.get(userId))) throw new NotFoundError('user', String(userId));
  }

  /** Every requested pair must be one the caller holds now (400 otherwise, also for a project it cannot see). */
  private async assertHeld(caller: UserContext, permissions: readonly RobotPermission[]): Promise<void> {
    const subject = subjectOf(caller);
    const now = new Date(this.clock.now());
    for (const permission of permissions) {
      let scope: ProjectRef | undefined;
      if (permission.kind === 'project') {
        if (permission.namespace === '*') scope = EVERY_PROJECT;
        else {
          const project = await this.store.projects.getByName(permission.namespace);
          scope = project && projectRef(project);
        }
      }
      const where = permission.kind === 'system' ? 'at system scope' : `in project ${permission.namespace}`;
      for (const { resource, action } of permission.access) {
        const held =
          permission.kind === 'system'
            ? isSystemResource(resource) && isAction(action) && can(subject, undefined, resource, action, now)
            : scope !== undefined &&
              isProjectResource(resource) &&
              isAction(action) &&
              can(subject, scope, resource, action, now);
        if (!held) throw invalid(`you cannot grant ${resource}:${action} ${where}: you do not hold it`);
      }
    }
  }
}

/** The evaluator's view of a stored scope (which only allows: stored entries carry no effect). */
function scopeOf(token: PersonalTokenRecord): TokenScope {
  return {
    tokenId: token.id,
    permissions: token.permissions.map((p) => ({
      kind: p.kind,
      namespace: p.namespace,
      ...(p.projectId !== undefined && { projectId: p.projectId }),
      access: p.access.map((a) => ({ resource: a.resource, action: a.action })),
    })),
  };
}

function requireUser(ctx: SecurityContext): UserContext {
  if (ctx.kind === 'anonymous') throw new UnauthenticatedError('authentication required');
  if (ctx.kind !== 'user') throw new PermissionDeniedError(`${ctx.kind} accounts have no personal access tokens`);
  return ctx;
}

function refuseTokenLogin(caller: UserContext): void {
  if (caller.subject.scope !== undefined) {
    throw new PermissionDeniedError('personal access tokens cannot manage personal access tokens');
  }
}

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

function notFound(id: number): NotFoundError {
  return new NotFoundError('personal-token', String(id), `personal access token ${id} not found`);
}

function parseName(name: string | undefined): string {
  if (name === undefined || name.trim() === '') throw invalid('name is required');
  // eslint-disable-next-line no-control-regex
  if (name !== name.trim() || [...name].length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name)) {
    throw invalid(`name must be at most ${MAX_NAME_LENGTH} characters, without control characters or outer spaces`);
  }
  return name;
}

function parseDescription(description: string | undefined): string {
  if (description === undefined) return '';
  if ([...description].length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(`description must be text of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

/** `duration`: -1 never expires, otherwise a whole number of days (as Harbor's robots). */
function parseDuration(duration: number | undefined): number | null {
  if (duration === undefined) throw invalid('duration is required: -1 (never expires) or a number of days');
  if (duration === -1) return null;
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_DAYS) {
    throw invalid(`duration must be -1 (never expires) or a whole number of days from 1 to ${MAX_DURATION_DAYS}`);
  }
  return duration;
}

/**
 * The scope, in the shape of Harbor's robot permissions: blocks of kind `project` (a project name, or `*` for every
 * project) or `system` (namespace `/`), each listing exact (resource, action) pairs that exist at that scope. A scope
 * only allows: no wildcards, no `deny`.
 */
function parsePermissions(value: PersonalTokenCreationRequest['permissions']): RobotPermission[] {
  if (value === undefined || value.length === 0) throw invalid('permissions must list at least one permission');
  if (value.length > MAX_PERMISSIONS) throw invalid(`permissions may list at most ${MAX_PERMISSIONS} entries`);
  return value.map(({ kind, namespace, access }) => {
    if (kind !== 'project' && kind !== 'system') throw invalid('permission kind must be "project" or "system"');
    if (kind === 'system' && namespace !== undefined && namespace !== '' && namespace !== '/') {
      throw invalid('a permission of kind "system" has the namespace "/"');
    }
    if (kind === 'project' && (namespace === undefined || namespace === '')) {
      throw invalid('a permission of kind "project" names a project (or "*") as its namespace');
    }
    if (access.length === 0) throw invalid('each permission must list at least one access');
    if (access.length > MAX_ACCESS) throw invalid(`a permission may list at most ${MAX_ACCESS} accesses`);
    const pairs = kind === 'project' ? PROJECT_PAIRS : SYSTEM_PAIRS;
    const seen = new Set<string>();
    const accesses: RobotAccess[] = [];
    for (const { resource, action, effect } of access) {
      if (effect !== undefined && effect !== '' && effect !== 'allow') {
        throw invalid('a personal access token’s scope only allows: effect must be "allow" or absent');
      }
      const key = `${resource}:${action}`;
      if (!pairs.has(key)) throw invalid(`${key} is not a permission at ${kind} scope`);
      if (seen.has(key)) continue;
      seen.add(key);
      accesses.push({ resource, action });
    }
    return { kind, namespace: kind === 'system' ? '/' : namespace!, access: accesses };
  });
}
