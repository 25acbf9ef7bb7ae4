import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ConflictError,
  InvalidError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnauthenticatedError,
} from '../domain/errors.js';
import { checkPassword } from '../domain/users/password-policy.js';
import { SecretBoxError, type SecretBox } from '../lib/secret-box.js';
import { GROUP_TYPE, IdentityProviderUnavailableError, type ExternalIdentity } from '../ports/identity-provider.js';
import type { UserRecord } from '../ports/identity/user-records.js';
import {
  OidcRejectedError,
  type OidcClient,
  type OidcClientSettings,
  type OidcTokenSet,
  type PendingAuthorization,
} from '../ports/oidc-client.js';
import type { OidcUserClaims, OidcUserRecord, OidcUserRecords } from '../ports/oidc-user-records.js';
import type { Store } from '../ports/store.js';
import type { SecurityContext } from '../services/authenticator.js';
import { requireUser } from '../services/users.js';
import { authorize } from '../services/project-access.js';
import { validateUsername } from '../services/user-input.js';
import { OIDC_SECTION, readOidcSettings, type OidcSettings } from './oidc-settings.js';
import { can } from '../domain/rbac/evaluator.js';

/** Creates or updates a user from what a provider says (services/identity/external-users.ts `ExternalUsers`). */
export interface OidcOnboarding {
  onboard(identity: ExternalIdentity, opts?: { syncGroups?: boolean }): Promise<UserRecord>;
}

export interface OidcServiceDeps {
  readonly store: Store;
  readonly records: OidcUserRecords;
  readonly client: OidcClient;
  readonly box: SecretBox;
  readonly users: OidcOnboarding;
  /** The clock port's time (ms). */
  readonly now: () => number;
}

/** How long a started login (redirect → callback) and a pending onboarding stay valid. */
export const LOGIN_TTL_MS = 10 * 60 * 1000;
const LOGIN_CONTEXT = 'oidc.login';
const ONBOARD_CONTEXT = 'oidc.onboard';

interface LoginState {
  readonly p: PendingAuthorization;
  /** Where the portal goes after the login (a local path). */
  readonly r: string;
  /** Expiry (ms). */
  readonly e: number;
}

interface OnboardState {
  readonly iss: string;
  readonly sub: string;
  readonly c: OidcUserClaims;
  readonly rt: string | null;
  readonly x: number | null;
  readonly r: string;
  readonly e: number;
}

export type LoginOutcome =
  | { readonly kind: 'user'; readonly user: UserRecord; readonly returnTo: string }
  | { readonly kind: 'onboard'; readonly suggestedUsername: string; readonly state: string };

/** Harbor's OIDCUserInfo (UserResp `oidc_user_meta`). */
export interface OidcUserMeta {
  readonly id: number;
  readonly user_id: number;
  readonly subiss: string;
  readonly secret?: string;
  readonly creation_time: string;
  readonly update_time: string;
}

/** A local path to return to: anything else (another site, `//host`) becomes `/`. */
export function localPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return value;
}

/** A new CLI secret: 32 random URL-safe characters. */
export function generateCliSecret(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  // Digests of equal length: the comparison takes the same time whatever the secrets' lengths and contents.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The groups claim's values: an array of strings, or one string. */
function groupsOf(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  if (claim === '') return [];
  const value = claims[claim];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((g): g is string => typeof g === 'string' && g !== ''))];
}

/** The ID token's claims, completed by userinfo's where the ID token has none (as Harbor merges them). */
function mergeClaims(
  id: Readonly<Record<string, unknown>> | undefined,
  info: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...info };
  for (const [k, v] of Object.entries(id ?? {})) if (v !== undefined && v !== null) merged[k] = v;
  return merged;
}

/**
 * OIDC single sign-on (Harbor's `oidc_auth`): the portal's login through the provider (authorisation code flow with
 * PKCE; the pending login kept in a sealed cookie), onboarding (automatic, or with a user name chosen on the
 * portal's page), and each OIDC user's CLI secret, usable as a password while their session at the provider can
 * be refreshed (OidcProvider).
 */
export class OidcService {
  constructor(private readonly deps: OidcServiceDeps) {}

  async settings(): Promise<OidcSettings> {
    return readOidcSettings(await this.deps.store.settings.getSection(OIDC_SECTION), this.deps.box);
  }

  /** The configured provider's name while auth_mode is oidc_auth (systeminfo's `oidc_provider_name`). */
  async providerName(): Promise<string | undefined> {
    if ((await this.deps.store.settings.get()).authMode !== 'oidc_auth') return undefined;
    const settings = await this.settings();
    return settings.endpoint === '' ? undefined : settings.name;
  }

  /** The settings, when auth_mode is oidc_auth and a provider is configured. */
  private async active(): Promise<OidcSettings> {
    if ((await this.deps.store.settings.get()).authMode !== 'oidc_auth') {
      throw new PreconditionFailedError('the authentication mode is not oidc_auth');
    }
    const settings = await this.settings();
    if (settings.endpoint === '' || settings.clientId === '') {
      throw new PreconditionFailedError('no OIDC provider is configured');
    }
    return settings;
  }

  private clientSettings(settings: OidcSettings): OidcClientSettings {
    return {
      endpoint: settings.endpoint,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      scope: settings.scope.length > 0 ? settings.scope : ['openid', 'offline_access'],
      verifyCert: settings.verifyCert,
    };
  }

  private seal(value: object, context: string): string {
    return this.deps.box.seal(JSON.stringify(value), context);
  }

  /** The sealed state, if it opens and has not expired. */
  private open<T extends { e: number }>(sealed: string | undefined, context: string): T | undefined {
    if (sealed === undefined || sealed === '') return undefined;
    try {
      const state = JSON.parse(this.deps.box.open(sealed, context)) as T;
      return state.e > this.deps.now() ? state : undefined;
    } catch (error) {
      if (error instanceof SecretBoxError || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  /** Starts a login: the provider's authorisation URL and the sealed state for the callback. */
  async startLogin(redirectUri: string, returnTo: unknown): Promise<{ url: string; state: string }> {
    const settings = await this.active();
    const { url, pending } = await this.deps.client.authorizationUrl(
      this.clientSettings(settings),
      redirectUri,
      settings.extraRedirectParams,
    );
    const state: LoginState = { p: pending, r: localPath(returnTo), e: this.deps.now() + LOGIN_TTL_MS };
    return { url, state: this.seal(state, LOGIN_CONTEXT) };
  }

  /**
   * Completes a login at the callback: the code is exchanged (state, PKCE and the ID token's nonce checked), and the
   * user is found by the ID token's issuer and subject, onboarded automatically, or sent to the onboarding page.
   */
  async finishLogin(callbackUrl: URL, sealedState: string | undefined): Promise<LoginOutcome> {
    const state = this.open<LoginState>(sealedState, LOGIN_CONTEXT);
    if (!state) throw new UnauthenticatedError('the OIDC login expired or was not started by this browser');
    const settings = await this.active();
    const client = this.clientSettings(settings);
    let tokens: OidcTokenSet;
    try {
      tokens = await this.deps.client.exchangeCode(client, callbackUrl, state.p);
    } catch (error) {
      if (error instanceof OidcRejectedError) throw new UnauthenticatedError(`OIDC login refused: ${error.message}`);
      throw error;
    }
    const claims = await this.claimsOf(client, tokens);
    const iss = stringClaim(claims, 'iss');
    const sub = stringClaim(claims, 'sub');
    if (iss === undefined || sub === undefined) throw new UnauthenticatedError('the ID token has no issuer or subject');
    const found = this.claimsFor(settings, claims);
    const record = await this.deps.records.getBySubject(iss, sub);
    const known = record && (await this.deps.store.users.get(record.userId));
    const tokenUpdate = {
      refreshToken: tokens.refreshToken ?? null,
      tokenExpiresAt: tokens.expiresAt ?? null,
      claims: found.claims,
    };
    const at = new Date(this.deps.now());
    if (known) {
      const user = await this.deps.users.onboard(this.identity(known.username, found.claims), { syncGroups: true });
      await this.deps.records.setTokens(user.id, tokenUpdate, at);
      return { kind: 'user', user, returnTo: state.r };
    }
    const suggested = found.username.replace(/\s+/g, '_');
    if (settings.autoOnboard) {
      if (suggested === '') {
        throw new UnauthenticatedError(
          `the ID token has no user name (claim ${settings.userClaim || 'name'}) to onboard the user with`,
        );
      }
      const user = await this.create(suggested, iss, sub, tokenUpdate);
      return { kind: 'user', user, returnTo: state.r };
    }
    const pending: OnboardState = {
      iss,
      sub,
      c: found.claims,
      rt: tokenUpdate.refreshToken,
      x: tokenUpdate.tokenExpiresAt?.getTime() ?? null,
      r: state.r,
      e: this.deps.now() + LOGIN_TTL_MS,
    };
    return { kind: 'onboard', suggestedUsername: suggested, state: this.seal(pending, ONBOARD_CONTEXT) };
  }

  /** Onboards the pending user of the onboarding page under the name they chose. */
  async finishOnboarding(
    sealedState: string | undefined,
    username: unknown,
  ): Promise<{ user: UserRecord; returnTo: string }> {
    const state = this.open<OnboardState>(sealedState, ONBOARD_CONTEXT);
    if (!state) throw new UnauthenticatedError('no OIDC login is waiting for onboarding (or it expired)');
    await this.active();
    const name = validateUsername(typeof username === 'string' ? username.trim() : undefined);
    if (
      await this.deps.records.getBySubject(state.iss, state.sub).then((r) => r && this.deps.store.users.get(r.userId))
    ) {
      throw new ConflictError('this OIDC user is onboarded already');
    }
    const user = await this.create(name, state.iss, state.sub, {
      refreshToken: state.rt,
      tokenExpiresAt: state.x === null ? null : new Date(state.x),
      claims: state.c,
    });
    return { user, returnTo: state.r };
  }

  private async create(
    username: string,
    issuer: string,
    subject: string,
    tokens: { refreshToken: string | null; tokenExpiresAt: Date | null; claims: OidcUserClaims },
  ): Promise<UserRecord> {
    validateUsername(username);
    // A name taken by a local (or another provider's) user must not hand that account over.
    if (await this.deps.store.users.getByName(username)) {
      throw new ConflictError(`a user named ${username} exists already; choose another name`);
    }
    const user = await this.deps.users.onboard(this.identity(username, tokens.claims), { syncGroups: true });
    await this.deps.records.save(
      { userId: user.id, issuer, subject, secret: generateCliSecret(), ...tokens },
      new Date(this.deps.now()),
    );
    return user;
  }

  private identity(username: string, claims: OidcUserClaims): ExternalIdentity {
    return {
      username,
      email: claims.email,
      realname: claims.realname,
      groups: claims.groups.map((name) => ({ type: GROUP_TYPE.oidc, name })),
      admin: claims.admin,
    };
  }

  /** The ID token's claims completed by userinfo's (when the provider has a userinfo endpoint). */
  private async claimsOf(client: OidcClientSettings, tokens: OidcTokenSet): Promise<Record<string, unknown>> {
    const sub = tokens.idClaims && stringClaim(tokens.idClaims, 'sub');
    let info: Readonly<Record<string, unknown>> | undefined;
    if (sub !== undefined) {
      try {
        info = await this.deps.client.userInfo(client, tokens.accessToken, sub);
      } catch (error) {
        // Userinfo only completes the ID token; a provider refusing it leaves the ID token's claims.
        if (!(error instanceof OidcRejectedError)) throw error;
      }
    }
    return mergeClaims(tokens.idClaims, info);
  }

  /** The user name, e-mail, real name, groups and admin flag the claims give under these settings. */
  private claimsFor(
    settings: OidcSettings,
    claims: Readonly<Record<string, unknown>>,
  ): { username: string; claims: OidcUserClaims } {
    const username = stringClaim(claims, settings.userClaim || 'name') ?? '';
    const all = groupsOf(claims, settings.groupsClaim);
    const filter = settings.groupFilter === '' ? undefined : new RegExp(settings.groupFilter);
    return {
      username,
      claims: {
        email: stringClaim(claims, 'email') ?? null,
        realname: stringClaim(claims, 'name') ?? username,
        groups: filter ? all.filter((g) => filter.test(g)) : all,
        admin: settings.adminGroup !== '' && all.includes(settings.adminGroup),
      },
    };
  }

  // --- CLI secrets ---------------------------------------------------------------------------------------------

  /**
   * Harbor's `oidc_user_meta` of UserResp, under oidc_auth: the CLI secret only for the user themself (Harbor also
   * shows it to administrators; Wharf does not). Undefined for users not onboarded through OIDC.
   */
  async metaOf(ctx: SecurityContext, userId: number): Promise<OidcUserMeta | undefined> {
    if ((await this.deps.store.settings.get()).authMode !== 'oidc_auth') return undefined;
    const record = await this.deps.records.getByUserId(userId);
    if (!record) return undefined;
    const self = ctx.kind === 'user' && ctx.user.id === userId;
    return {
      id: record.userId,
      user_id: record.userId,
      subiss: `${record.subject}${record.issuer}`,
      ...(self && { secret: record.secret }),
      creation_time: record.createdAt.toISOString(),
      update_time: record.updatedAt.toISOString(),
    };
  }

  /** PUT /users/{id}/cli_secret: the user themself, or a system administrator (Harbor's rule). */
  async setCliSecret(ctx: SecurityContext, userId: number, secret: unknown): Promise<void> {
    if ((await this.deps.store.settings.get()).authMode !== 'oidc_auth') {
      throw new PreconditionFailedError('the CLI secret can be set only when the authentication mode is oidc_auth');
    }
    const caller = requireUser(ctx);
    if (caller.user.id !== userId && !can(caller.subject, undefined, 'user', 'update')) {
      throw new PermissionDeniedError(`not allowed to set the CLI secret of user ${userId}`);
    }
    if (typeof secret !== 'string') throw new InvalidError('field', 'secret is required');
    const check = checkPassword(secret);
    if (!check.ok) throw new InvalidError('field', check.message.replace('the password', 'the secret'));
    if (!(await this.deps.store.users.get(userId))) throw new NotFoundError('user', String(userId));
    if (!(await this.deps.records.setSecret(userId, secret, new Date(this.deps.now())))) {
      throw new PreconditionFailedError(`user ${userId} is not onboarded through OIDC`);
    }
    this.forget(userId);
  }

  /** POST /system/oidc/ping: system administrators check that an endpoint serves OpenID discovery. */
  async ping(ctx: SecurityContext, url: unknown, verifyCert: unknown): Promise<void> {
    authorize(ctx, undefined, 'configuration', 'update');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      throw new InvalidError('field', 'url must be an http(s) URL');
    try {
      await this.deps.client.ping(url, verifyCert !== false);
    } catch (error) {
      if (error instanceof OidcRejectedError || error instanceof IdentityProviderUnavailableError) {
        throw new InvalidError('field', `the OIDC endpoint ${url} failed: ${error.message}`);
      }
      throw error;
    }
  }

  // --- CLI logins (OidcProvider) -------------------------------------------------------------------------------

  /** Refreshes in flight, per user: concurrent CLI logins of one user share one refresh (rotating refresh tokens). */
  private readonly refreshing = new Map<number, Promise<OidcUserRecord | undefined>>();

  private forget(userId: number): void {
    this.refreshing.delete(userId);
  }

  /**
   * The identity of a CLI login with the user's CLI secret, while their session at the provider lives: a stored
   * access token that has expired is refreshed with the refresh token (its groups and admin flag read again); a
   * refresh the provider refuses (revoked, expired) or no refresh token refuses the login, as in Harbor. Until the
   * new access token expires, logins use what the last refresh said.
   */
  async authenticateCli(username: string, secret: string): Promise<ExternalIdentity | undefined> {
    const user = await this.deps.store.users.getByName(username);
    if (!user) return undefined;
    const record = await this.deps.records.getByUserId(user.id);
    if (!record || !sameSecret(record.secret, secret)) return undefined;
    const current = await this.fresh(record);
    return current && this.identity(user.username, current.claims);
  }

  private async fresh(record: OidcUserRecord): Promise<OidcUserRecord | undefined> {
    if (record.tokenExpiresAt !== null && record.tokenExpiresAt.getTime() > this.deps.now()) return record;
    if (record.refreshToken === null) return undefined;
    const inFlight = this.refreshing.get(record.userId);
    if (inFlight) return inFlight;
    const refresh = this.refresh(record).finally(() => this.refreshing.delete(record.userId));
    this.refreshing.set(record.userId, refresh);
    return refresh;
  }

  private async refresh(record: OidcUserRecord): Promise<OidcUserRecord | undefined> {
    const settings = await this.active().catch((error: unknown) => {
      if (error instanceof PreconditionFailedError) return undefined;
      throw error;
    });
    if (!settings || record.refreshToken === null) return undefined;
    const client = this.clientSettings(settings);
    let tokens: OidcTokenSet;
    try {
      tokens = await this.deps.client.refresh(client, record.refreshToken);
    } catch (error) {
      if (error instanceof OidcRejectedError) return undefined;
      throw error;
    }
    const subject = tokens.idClaims ? stringClaim(tokens.idClaims, 'sub') : record.subject;
    if (subject !== record.subject) return undefined;
    let info: Readonly<Record<string, unknown>> | undefined;
    try {
      info = await this.deps.client.userInfo(client, tokens.accessToken, record.subject);
    } catch (error) {
      if (!(error instanceof OidcRejectedError)) throw error;
    }
    // Neither an ID token nor userinfo: what the provider said at the last login stands.
    const claims =
      tokens.idClaims === undefined && info === undefined
        ? record.claims
        : this.claimsFor(settings, mergeClaims(tokens.idClaims, info)).claims;
    const update = {
      // A provider that does not rotate refresh tokens keeps the one it gave.
      refreshToken: tokens.refreshToken ?? record.refreshToken,
      tokenExpiresAt: tokens.expiresAt ?? null,
      claims,
    };
    const at = new Date(this.deps.now());
    await this.deps.records.setTokens(record.userId, update, at);
    return { ...record, ...update, updatedAt: at };
  }
}
