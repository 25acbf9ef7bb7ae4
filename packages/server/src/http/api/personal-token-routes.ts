import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PersonalTokenRecord } from '../../ports/personal-token-records.js';
import type { PersonalTokenCreationRequest, PersonalTokenService } from '../../tokens/personal-tokens.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery, textMatchOf } from './query.js';
import { idParam, jsonBody, type JsonBody } from './request-parts.js';
import { absent, optionalString, permissionsOf } from './robot-body.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Unix seconds; -1 never expires (as Harbor's robots' `expires_at`). */
function unixSeconds(date: Date | null): number {
  return date === null ? -1 : Math.floor(date.getTime() / 1000);
}

/** A personal access token as listed; never its secret or hash. */
export function toPersonalToken(token: PersonalTokenRecord) {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    permissions: token.permissions.map((p) => ({
      kind: p.kind,
      namespace: p.namespace,
      access: p.access.map((a) => ({ resource: a.resource, action: a.action })),
    })),
    creation_time: token.createdAt.toISOString(),
    expires_at: unixSeconds(token.expiresAt),
    last_used_time: token.lastUsedAt === null ? null : token.lastUsedAt.toISOString(),
    owner_id: token.userId,
    owner_name: token.ownerName,
  };
}

/** The creation body's JSON types; what the values may be is the service's concern. */
function creationRequestOf(body: JsonBody): PersonalTokenCreationRequest {
  const name = optionalString(body, 'name');
  const description = optionalString(body, 'description');
  const { duration, permissions } = body;
  if (!absent(duration) && typeof duration !== 'number') {
    throw new HarborError('BAD_REQUEST', 'duration must be -1 (never expires) or a whole number of days');
  }
  const scope = permissionsOf(permissions);
  return {
    ...(name !== undefined && { name }),
    ...(description !== undefined && { description }),
    ...(!absent(duration) && { duration }),
    ...(scope !== undefined && { permissions: scope }),
  };
}

const userIdOf = (req: FastifyRequest): number => idParam(req, 'user_id');

/**
 * Personal access tokens (Wharf's, beyond Harbor): `/users/{user_id}/tokens` for the user themself (an
 * administrator lists and revokes too), `/tokens` for administrators.
 */
export function registerPersonalTokenRoutes(api: FastifyInstance, tokens: PersonalTokenService): void {
  api.get('/users/:user_id/tokens', async (req, reply) => {
    const page = pageOf(req.query as Query);
    const { items, total } = await tokens.list(securityOf(req), userIdOf(req), page);
    setPagingHeaders(req, reply, page, total);
    return items.map(toPersonalToken);
  });

  api.post('/users/:user_id/tokens', async (req, reply) => {
    const userId = userIdOf(req);
    const { token, secret } = await tokens.create(securityOf(req), userId, creationRequestOf(jsonBody(req)));
    return reply
      .code(201)
      .header('Location', `/api/v2.0/users/${userId}/tokens/${token.id}`)
      .send({
        id: token.id,
        name: token.name,
        secret,
        creation_time: token.createdAt.toISOString(),
        expires_at: unixSeconds(token.expiresAt),
      });
  });

  api.delete('/users/:user_id/tokens/:token_id', async (req, reply) => {
    await tokens.delete(securityOf(req), userIdOf(req), idParam(req, 'token_id'));
    return reply.code(200).send();
  });

  api.get('/tokens', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    const terms = parseQuery(query.q);
    expectKeys(terms, ['owner_name']);
    const owner = terms.get('owner_name');
    const { items, total } = await tokens.listAll(securityOf(req), {
      ...page,
      ...(owner && { ownerName: textMatchOf('owner_name', owner) }),
    });
    setPagingHeaders(req, reply, page, total);
    return items.map(toPersonalToken);
  });
}
