import { AuthProxyProvider } from './auth-proxy/auth-proxy-provider.js';
import { authProxyConfiguration } from './auth-proxy/auth-proxy-settings.js';
import type { UnitOfWork } from './events/unit-of-work.js';
import type { ConfigurationSection } from './services/configurations.js';
import type { PasswordIdentityProvider } from './ports/identity-provider.js';
import type { Store } from './ports/store.js';
import { ExternalUsers } from './services/identity/external-users.js';
import { IdentityProviders } from './services/identity/identity-providers.js';
import { UserGroupService } from './services/identity/user-groups.js';

/**
 * Users and groups from identity providers (docs/architecture.md, "Identity providers"): the providers this server
 * has, the configuration sections of their settings, and the user group service.
 */
export function identityFor(store: Store, work: UnitOfWork, providers: readonly PasswordIdentityProvider[] = []) {
  const externalUsers = new ExternalUsers(store, work);
  return {
    externalUsers,
    logins: new IdentityProviders(store, externalUsers, [new AuthProxyProvider(store.settings), ...providers]),
    configurationSections: [authProxyConfiguration] as ConfigurationSection[],
    userGroups: new UserGroupService(store),
  };
}
