/**
 * The OIDC client port over `openid-client` (v6, on oauth4webapi): discovery, the authorisation code flow with
 * PKCE, state and nonce, the refresh token grant and userinfo. Discovered configurations are kept per provider
 * settings (a changed endpoint, client or secret discovers again) for ten minutes.
 *
 * Plain `http://` endpoints are refused by openid-client unless `allowInsecureRequests` is set: it is set only when
 * the configuration says not to verify certificates (`oidc_verify_cert` false), which also turns off certificate
 * verification for the provider's https endpoints (an undici agent without `rejectUnauthorized`). The tests' OpenID
 * provider listens on http://127.0.0.1 with `oidc_verify_cert` false.
 */
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { IdentityProviderUnavailableError } from '../../ports/identity-provider.js';
import {
  OidcRejectedError,
  type OidcClient,
  type OidcClientSettings,
  type OidcTokenSet,
  type PendingAuthorization,
} from '../../ports/oidc-client.js';

const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const TIMEOUT_SECONDS = 10;

/** Connection failures (the provider is down or unreachable), as opposed to answers that refuse. */
function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
    if (e instanceof TypeError && /fetch failed/i.test(e.message)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code)) return true;
  }
  return false;
}

/** The port's errors: unreachable → IdentityProviderUnavailableError; any other failure → OidcRejectedError. */
function translate(error: unknown, what: string): Error {
  if (error instanceof OidcRejectedError || error instanceof IdentityProviderUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isUnreachable(error)) {
    return new IdentityProviderUnavailableError(`the OpenID provider cannot be reached (${what}): ${message}`);
  }
  if (error instanceof client.ResponseBodyError) {
    return new OidcRejectedError(
      `${what}: the provider answered ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`,
    );
  }
  return new OidcRejectedError(`${what}: ${message}`);
}

function claimsOf(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Record<string, unknown> | undefined {
  const claims = tokens.claims();
  return claims === undefined ? undefined : { ...claims };
}

function tokenSetOf(
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  now: () => number,
): OidcTokenSet {
  const expiresIn = tokens.expiresIn();
  return {
    idClaims: claimsOf(tokens),
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: expiresIn === undefined ? undefined : new Date(now() + expiresIn * 1000),
  };
}

export class OpenIdClient implements OidcClient {
  private readonly configurations = new Map<string, { config: Promise<client.Configuration>; until: number }>();
  private readonly insecureAgent = new Agent({ connect: { rejectUnauthorized: false } });

  /** `now` is the clock port's: the access tokens' expiry is kept in its time. */
  constructor(private readonly now: () => number = Date.now) {}

  private discoveryOptions(verifyCert: boolean): client.DiscoveryRequestOptions {
    if (verifyCert) return { timeout: TIMEOUT_SECONDS };
    const agent = this.insecureAgent;
    return {
      timeout: TIMEOUT_SECONDS,
      execute: [client.allowInsecureRequests],
      [client.customFetch]: ((url: string, options: Record<string, unknown>) =>
        undiciFetch(url, { ...options, dispatcher: agent })) as unknown as client.CustomFetch,
    };
  }

  private configuration(settings: OidcClientSettings): Promise<client.Configuration> {
    const key = JSON.stringify([settings.endpoint, settings.clientId, settings.clientSecret, settings.verifyCert]);
    const cached = this.configurations.get(key);
    if (cached && cached.until > Date.now()) return cached.config;
    const config = client
      .discovery(
        new URL(settings.endpoint),
        settings.clientId,
        undefined,
        // HTTP Basic at the token endpoint, most providers' default (client_secret_basic).
        client.ClientSecretBasic(settings.clientSecret),
        this.discoveryOptions(settings.verifyCert),
      )
      .catch((error: unknown) => {
        this.configurations.delete(key);
        throw translate(error, 'discovery');
      });
    // One configuration per settings: a changed secret replaces the entries of the old one.
    for (const [k, v] of this.configurations) if (v.until <= Date.now()) this.configurations.delete(k);
    this.configurations.set(key, { config, until: Date.now() + DISCOVERY_TTL_MS });
    return config;
  }

  async authorizationUrl(
    settings: OidcClientSettings,
    redirectUri: string,
    extraParams: Readonly<Record<string, string>>,
  ): Promise<{ url: string; pending: PendingAuthorization }> {
    const config = await this.configuration(settings);
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingAuthorization = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      redirectUri,
    };
    const url = client.buildAuthorizationUrl(config, {
      ...extraParams,
      redirect_uri: redirectUri,
      scope: settings.scope.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  async exchangeCode(
    settings: OidcClientSettings,
    callbackUrl: URL,
    pending: PendingAuthorization,
  ): Promise<OidcTokenSet> {
    const config = await this.configuration(settings);
    try {
      const tokens = await client.authorizationCodeGrant(
        config,
        callbackUrl,
        {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        },
        { redirect_uri: pending.redirectUri },
      );
      return tokenSetOf(tokens, this.now);
    } catch (error) {
      throw translate(error, 'code exchange');
    }
  }

  async refresh(settings: OidcClientSettings, refreshToken: string): Promise<OidcTokenSet> {
    const config = await this.configuration(settings);
    try {
      return tokenSetOf(await client.refreshTokenGrant(config, refreshToken), this.now);
    } catch (error) {
      throw translate(error, 'refresh');
    }
  }

  async userInfo(
    settings: OidcClientSettings,
    accessToken: string,
    subject: string,
  ): Promise<Readonly<Record<string, unknown>> | undefined> {
    const config = await this.configuration(settings);
    if (config.serverMetadata().userinfo_endpoint === undefined) return undefined;
    try {
      return { ...(await client.fetchUserInfo(config, accessToken, subject)) };
    } catch (error) {
      throw translate(error, 'userinfo');
    }
  }

  async ping(endpoint: string, verifyCert: boolean): Promise<void> {
    // Discovery without a client: any client id will do to read the provider's metadata.
    try {
      await client.discovery(new URL(endpoint), 'wharf-ping', undefined, undefined, this.discoveryOptions(verifyCert));
    } catch (error) {
      throw translate(error, 'discovery');
    }
  }
}
