import type { ExternalIdentity, PasswordIdentityProvider } from '../ports/identity-provider.js';
import type { OidcService } from './oidc-service.js';

/**
 * The identity provider of `oidc_auth` for password logins (docker, skopeo, the API with Basic credentials): the
 * password is the user's CLI secret, valid while their session at the OpenID provider can be refreshed
 * (OidcService.authenticateCli).
 */
export class OidcProvider implements PasswordIdentityProvider {
  readonly authMode = 'oidc_auth' as const;

  constructor(private readonly service: OidcService) {}

  authenticate(username: string, password: string): Promise<ExternalIdentity | undefined> {
    return this.service.authenticateCli(username, password);
  }
}
