import { OpenIdClient } from './adapters/oidc/openid-client.js';
import type { OpenDatabase } from './adapters/db/index.js';
import type { HttpFeature } from './http/api/routes.js';
import type { ApiAuthentication } from './http/api/security.js';
import type { SecretBox } from './lib/secret-box.js';
import { OidcProvider } from './oidc/oidc-provider.js';
import { oidcHttpFeature } from './oidc/oidc-routes.js';
import { OidcService, type OidcOnboarding } from './oidc/oidc-service.js';
import { oidcConfigurationSection } from './oidc/oidc-settings.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';
import type { ConfigurationSection } from './services/configurations.js';

export interface OidcFeature {
  readonly service: OidcService;
  /** Harbor's `oidc_*` configurations (ConfigurationService's sections). */
  readonly section: ConfigurationSection;
  /** The identity provider of `oidc_auth` (CLI secrets) for the Authenticator. */
  readonly provider: OidcProvider;
  /** Its routes and additions to UserResp and systeminfo. */
  http(auth: ApiAuthentication, baseUrl: string | undefined): HttpFeature;
}

/** OIDC single sign-on and CLI secrets (oidc/), over openid-client and the `oidc_users` table. */
export function oidcFeature(deps: {
  readonly database: OpenDatabase;
  readonly store: Store;
  readonly box: SecretBox;
  readonly clock: Clock;
  readonly users: OidcOnboarding;
}): OidcFeature {
  const now = () => deps.clock.now();
  const service = new OidcService({
    store: deps.store,
    records: deps.database.oidcUsers(),
    client: new OpenIdClient(now),
    box: deps.box,
    users: deps.users,
    now,
  });
  return {
    service,
    section: oidcConfigurationSection(deps.box),
    provider: new OidcProvider(service),
    http: (auth, baseUrl) => oidcHttpFeature({ service, auth, baseUrl }),
  };
}
