/**
 * The LDAP feature as the composition root (main.ts) takes it: the identity provider of `ldap_auth`, the `ldap_*`
 * configurations for ConfigurationService, and the `/ldap` routes for the management API.
 */
import type { FastifyInstance } from 'fastify';
import type { ConfigurationSection } from '../services/configurations.js';
import { registerLdapRoutes } from './ldap-routes.js';
import { LdapProvider, LdapService, type LdapDependencies } from './ldap-service.js';
import { ldapConfigurationSection } from './ldap-settings.js';

export interface LdapFeature {
  readonly provider: LdapProvider;
  readonly service: LdapService;
  readonly configuration: ConfigurationSection;
  /** Registers `/ldap/*` on the management API's plugin. */
  readonly routes: (api: FastifyInstance) => void;
}

export function ldapFeature(deps: LdapDependencies): LdapFeature {
  const service = new LdapService(deps);
  return {
    provider: new LdapProvider(deps),
    service,
    configuration: ldapConfigurationSection(deps.box),
    routes: (api) => registerLdapRoutes(api, service),
  };
}
