import { post } from '../lib/http-post.js';
import {
  GROUP_TYPE,
  IdentityProviderUnavailableError,
  type ExternalIdentity,
  type PasswordIdentityProvider,
} from '../ports/identity-provider.js';
import type { SettingRecords } from '../ports/identity-store.js';
import { AUTH_PROXY_SECTION, authProxySettingsOf, type AuthProxySettings } from './auth-proxy-settings.js';

const TIMEOUT_MS = 10_000;

/** The parts of a Kubernetes TokenReview answer this reads. */
interface TokenReview {
  readonly status?: {
    readonly authenticated?: boolean;
    readonly user?: { readonly username?: string; readonly groups?: readonly string[] };
  };
}

/**
 * `http_auth`, as Harbor's authenticating proxy: the user name and password are POSTed with Basic authentication to
 * the login endpoint, whose 200 answer's body is a token; the token is reviewed at the token review endpoint (a
 * Kubernetes TokenReview, `authentication.k8s.io/v1beta1`), which names the user and their groups (HTTP groups,
 * type 2). A 401 or 403 is a wrong password; anything else, or no answer, is the proxy being unavailable. The user
 * is an administrator when named in, or in a group of, the configured admin lists.
 */
export class AuthProxyProvider implements PasswordIdentityProvider {
  readonly authMode = 'http_auth' as const;

  constructor(private readonly settings: SettingRecords) {}

  async authenticate(username: string, password: string): Promise<ExternalIdentity | undefined> {
    const config = authProxySettingsOf(await this.settings.getSection(AUTH_PROXY_SECTION));
    if (config.endpoint === '' || config.tokenReviewEndpoint === '') {
      throw new IdentityProviderUnavailableError(
        'http_auth needs http_authproxy_endpoint and its token review endpoint',
      );
    }
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    const login = await this.call(config, config.endpoint, { authorization: `Basic ${basic}` });
    if (login.status === 401 || login.status === 403) return undefined;
    if (login.status !== 200) {
      throw new IdentityProviderUnavailableError(`the authenticating proxy answered ${login.status} to the login`);
    }
    const review = await this.call(
      config,
      config.tokenReviewEndpoint,
      { 'content-type': 'application/json' },
      JSON.stringify({
        apiVersion: 'authentication.k8s.io/v1beta1',
        kind: 'TokenReview',
        spec: { token: login.body.trim() },
      }),
    );
    if (review.status < 200 || review.status > 299) {
      throw new IdentityProviderUnavailableError(`the token review answered ${review.status}`);
    }
    let answer: TokenReview;
    try {
      answer = JSON.parse(review.body) as TokenReview;
    } catch {
      throw new IdentityProviderUnavailableError('the token review answered no JSON');
    }
    const user = answer.status?.user;
    if (answer.status?.authenticated !== true || !user?.username) return undefined;
    // The proxy vouches for a user: the one who logged in, not another name the review returns.
    if (user.username !== username) return undefined;
    const groups = (user.groups ?? []).filter((g): g is string => typeof g === 'string' && g !== '');
    return {
      username,
      groups: groups.map((name) => ({ type: GROUP_TYPE.http, name })),
      admin: config.adminUsernames.includes(username) || groups.some((g) => config.adminGroups.includes(g)),
    };
  }

  private async call(config: AuthProxySettings, url: string, headers: Record<string, string>, body?: string) {
    try {
      return await post(url, {
        headers,
        ...(body !== undefined && { body }),
        verifyCert: config.verifyCert,
        ...(config.serverCertificate && { ca: config.serverCertificate }),
        timeoutMs: TIMEOUT_MS,
      });
    } catch (error) {
      throw new IdentityProviderUnavailableError(
        `the authenticating proxy cannot be reached: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
