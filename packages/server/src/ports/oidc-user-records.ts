/**
 * What Wharf keeps of each user onboarded through the OpenID provider (Harbor's oidc_user): who they are there, their
 * CLI secret and the refresh token that keeps their CLI logins valid. The adapter seals the secret and the refresh
 * token (lib/secret-box.ts); callers see them in clear.
 */
export interface OidcUserClaims {
  readonly email: string | null;
  readonly realname: string;
  /** The groups claim's values, filtered by oidc_group_filter. */
  readonly groups: readonly string[];
  /** Member of oidc_admin_group. */
  readonly admin: boolean;
}

export interface OidcUserRecord {
  readonly userId: number;
  readonly issuer: string;
  readonly subject: string;
  readonly secret: string;
  readonly refreshToken: string | null;
  readonly tokenExpiresAt: Date | null;
  readonly claims: OidcUserClaims;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewOidcUser {
  readonly userId: number;
  readonly issuer: string;
  readonly subject: string;
  readonly secret: string;
  readonly refreshToken: string | null;
  readonly tokenExpiresAt: Date | null;
  readonly claims: OidcUserClaims;
}

export interface OidcTokenUpdate {
  readonly refreshToken: string | null;
  readonly tokenExpiresAt: Date | null;
  readonly claims: OidcUserClaims;
}

export interface OidcUserRecords {
  getByUserId(userId: number): Promise<OidcUserRecord | undefined>;
  getBySubject(issuer: string, subject: string): Promise<OidcUserRecord | undefined>;
  /**
   * Stores the row of `user.userId`, replacing the one that held the same issuer and subject (a user deleted since)
   * and the user's previous one; the secret is kept when the user had one.
   */
  save(user: NewOidcUser, at: Date): Promise<OidcUserRecord>;
  /** False when the user has no row. */
  setSecret(userId: number, secret: string, at: Date): Promise<boolean>;
  /** The tokens and claims after a login or a refresh; false when the user has no row. */
  setTokens(userId: number, update: OidcTokenUpdate, at: Date): Promise<boolean>;
}
