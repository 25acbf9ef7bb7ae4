import type { AuthMode, ExternalIdentity, PasswordIdentityProvider } from '../../ports/identity-provider.js';
import type { UserRecord } from '../../ports/identity-store.js';
import type { Store } from '../../ports/store.js';
import type { ExternalLogins } from '../authenticator.js';
import type { ExternalUsers } from './external-users.js';

/**
 * The identity providers this server has (LDAP, OIDC's CLI secrets, an authenticating proxy), chosen by the
 * `auth_mode` setting at each login: the Authenticator asks for the provider of the current mode and onboards what
 * it returns. A mode whose provider is missing here has none: its users cannot log in with a password (only the
 * local admin can), which is what a misconfigured Harbor does too.
 */
export class IdentityProviders implements ExternalLogins {
  private readonly byMode: ReadonlyMap<AuthMode, PasswordIdentityProvider>;

  constructor(
    private readonly identity: Store,
    private readonly users: ExternalUsers,
    providers: readonly PasswordIdentityProvider[],
  ) {
    this.byMode = new Map(providers.map((p) => [p.authMode, p]));
  }

  /** The mode's provider; in db_auth none, so passwords are checked against the database. */
  async provider(): Promise<PasswordIdentityProvider | undefined> {
    const { authMode } = await this.identity.settings.get();
    if (authMode === 'db_auth') return undefined;
    return this.byMode.get(authMode) ?? NO_PROVIDER;
  }

  onboard(identity: ExternalIdentity): Promise<UserRecord> {
    return this.users.onboard(identity);
  }
}

/** A mode without a provider here refuses every password but the local admin's. */
const NO_PROVIDER: PasswordIdentityProvider = {
  authMode: 'http_auth',
  authenticate: () => Promise.resolve(undefined),
};
