import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdentityProviderUnavailableError } from '../ports/identity-provider.js';
import { HarborError } from '../http/error-handler.js';
import { jsonBody } from '../http/api/request-parts.js';
import { securityOf } from '../http/api/security.js';
import type { LdapService } from './ldap-service.js';

function queryString(req: FastifyRequest, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HarborError('BAD_REQUEST', `${name} must be given once`);
  return value;
}

/** A directory that cannot answer: Harbor's 500, with the reason rather than "internal server error". */
async function directoryCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof IdentityProviderUnavailableError)
      throw new HarborError('INTERNAL_SERVER_ERROR', error.message);
    throw error;
  }
}

/** /ldap: Harbor's LDAP operations (swagger tag `Ldap`), for system administrators. */
export function registerLdapRoutes(api: FastifyInstance, ldap: LdapService): void {
  api.post('/ldap/ping', async (req) => {
    // The body is optional: none (or `{}`) pings with the stored settings.
    const conf = req.body === undefined || req.body === null || req.body === '' ? {} : jsonBody(req);
    return ldap.ping(securityOf(req), conf);
  });

  api.get('/ldap/users/search', async (req) =>
    directoryCall(() => ldap.searchUsers(securityOf(req), queryString(req, 'username'))),
  );

  api.post('/ldap/users/import', async (req, reply) => {
    const body = jsonBody(req);
    const list = body.ldap_uid_list;
    if (!Array.isArray(list) || list.length === 0 || !list.every((u): u is string => typeof u === 'string')) {
      throw new HarborError('BAD_REQUEST', 'ldap_uid_list must be a non-empty list of user IDs');
    }
    const failures = await directoryCall(() => ldap.importUsers(securityOf(req), list));
    // Harbor answers the users it could not import with 404 and their list.
    return failures.length > 0 ? reply.code(404).send(failures) : reply.code(200).send();
  });

  api.get('/ldap/groups/search', async (req) =>
    directoryCall(() =>
      ldap.searchGroups(securityOf(req), {
        groupname: queryString(req, 'groupname'),
        groupdn: queryString(req, 'groupdn'),
      }),
    ),
  );
}
