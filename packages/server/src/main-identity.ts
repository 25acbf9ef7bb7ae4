import type { Logger } from 'pino';
import type { OpenDatabase } from './adapters/db/index.js';
import { SmtpMailer } from './adapters/mail/smtp-mailer.js';
import type { WharfConfig } from './config/index.js';
import { LdaptsDirectory } from './adapters/identity/ldap-directory.js';
import { AuthProxyProvider } from './auth-proxy/auth-proxy-provider.js';
import { authProxyConfiguration } from './auth-proxy/auth-proxy-settings.js';
import type { UnitOfWork } from './events/unit-of-work.js';
import type { HttpFeature } from './http/api/routes.js';
import type { ApiAuthentication } from './http/api/security.js';
import { ldapFeature } from './ldap/ldap-feature.js';
import type { SecretBox } from './lib/secret-box.js';
import { oidcFeature } from './main-oidc.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import { emailConfigurationSection } from './self-service/email-settings.js';
import { PasswordResetService } from './self-service/password-reset.js';
import type { ConfigurationSection } from './services/configurations.js';
import { ExternalUsers } from './services/identity/external-users.js';
import { IdentityProviders } from './services/identity/identity-providers.js';
import { UserGroupService } from './services/identity/user-groups.js';
import { PersonalTokenService } from './tokens/personal-tokens.js';

export interface IdentityDeps {
  readonly database: OpenDatabase;
  readonly store: Store;
  readonly work: UnitOfWork;
  readonly clock: Clock;
  readonly box: SecretBox;
  readonly onError: (err: unknown, what: string) => void;
}

/**
 * Who users are (docs/architecture.md, "Identity providers"): the identity providers of every auth_mode but db_auth
 * (an authenticating proxy, LDAP, OIDC's CLI secrets), the onboarding of the users they vouch for, user groups,
 * personal access tokens, and the configuration sections and routes these features add.
 */
export function identityFor({ database, store, work, clock, box, onError }: IdentityDeps) {
  const externalUsers = new ExternalUsers(store, work);
  const onboarding = { onboard: externalUsers.onboard.bind(externalUsers) };
  const ldap = ldapFeature({
    settings: store.settings,
    users: store.users,
    box,
    directory: new LdaptsDirectory(),
    onboarding,
  });
  const oidc = oidcFeature({ database, store, box, clock, users: onboarding });
  const providers = [new AuthProxyProvider(store.settings), ldap.provider, oidc.provider];
  return {
    externalUsers,
    oidc,
    logins: new IdentityProviders(store, externalUsers, providers),
    userGroups: new UserGroupService(store),
    personalTokens: new PersonalTokenService(store, work, clock, {
      onError: (err) => onError(err, 'recording a personal access token’s last use failed'),
    }),
    configurationSections: [
      authProxyConfiguration,
      emailConfigurationSection(box),
      ldap.configuration,
      oidc.section,
    ] as readonly ConfigurationSection[],
    featureRoutes: [ldap.routes],
    httpFeatures: (auth: ApiAuthentication, baseUrl: string | undefined): HttpFeature[] => [oidc.http(auth, baseUrl)],
  };
}

/** Password reset links sent by e-mail through the SMTP server of the `email_*` configurations (self-service/). */
export function passwordResetFor(
  config: Readonly<WharfConfig>,
  deps: { store: Store; work: UnitOfWork; box: SecretBox; clock: Clock; log: Logger },
): PasswordResetService {
  return new PasswordResetService(
    deps.store,
    deps.work,
    new SmtpMailer(),
    deps.box,
    deps.clock,
    deps.log.child({ component: 'password-reset' }),
    {
      tokenLifetimeSeconds: config.passwordReset.linkLifetime,
      baseUrl: config.http.baseUrl,
      throttle: {
        perAddress: config.passwordReset.requestsPerAddress,
        perEmail: config.passwordReset.requestsPerEmail,
        windowSeconds: config.passwordReset.window,
      },
    },
  );
}
