/**
 * An OpenID Connect relying party (the oidc/ feature's view of a client library): the authorisation code flow with
 * PKCE, refresh, userinfo and a discovery check. Stateless: every call takes the provider's settings.
 */
export interface OidcClientSettings {
  /** The issuer URL: its `/.well-known/openid-configuration` describes the provider. */
  readonly endpoint: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: readonly string[];
  /** False: TLS certificates are not verified, and plain http endpoints are accepted. */
  readonly verifyCert: boolean;
}

/** What a login needs to remember between the redirect and the callback. */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

export interface OidcTokenSet {
  /** The verified ID token's claims (iss, sub, …); undefined when a refresh returned no ID token. */
  readonly idClaims: Readonly<Record<string, unknown>> | undefined;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  /** When the access token expires; undefined when the provider did not say. */
  readonly expiresAt: Date | undefined;
}

/** The provider answered with an OAuth error (invalid_grant: a revoked or used code or refresh token…). */
export class OidcRejectedError extends Error {
  override readonly name = 'OidcRejectedError';
}

export interface OidcClient {
  /** The URL to send the browser to, and what the callback must be checked against. */
  authorizationUrl(
    settings: OidcClientSettings,
    redirectUri: string,
    extraParams: Readonly<Record<string, string>>,
  ): Promise<{ url: string; pending: PendingAuthorization }>;
  /** Exchanges the callback's code; checks state, the ID token (signature, audience, nonce, expiry). */
  exchangeCode(settings: OidcClientSettings, callbackUrl: URL, pending: PendingAuthorization): Promise<OidcTokenSet>;
  refresh(settings: OidcClientSettings, refreshToken: string): Promise<OidcTokenSet>;
  /** The userinfo endpoint's claims for `subject`; undefined when the provider has no userinfo endpoint. */
  userInfo(
    settings: OidcClientSettings,
    accessToken: string,
    subject: string,
  ): Promise<Readonly<Record<string, unknown>> | undefined>;
  /** Reads the discovery document of `endpoint` (Harbor's ping); throws when it cannot. */
  ping(endpoint: string, verifyCert: boolean): Promise<void>;
}
