import type { FastifyInstance } from 'fastify';
import type { UserGroupRecord } from '../../ports/identity-store.js';
import type { UserGroupInput, UserGroupService } from '../../services/identity/user-groups.js';
import { HarborError } from '../error-handler.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { idParam, jsonBody, type JsonBody } from './request-parts.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's UserGroup. */
export function toUserGroup(group: UserGroupRecord) {
  return {
    id: group.id,
    group_name: group.name,
    group_type: group.type,
    ...(group.ldapDn !== null && { ldap_group_dn: group.ldapDn }),
  };
}

function stringOrAbsent(body: JsonBody, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HarborError('BAD_REQUEST', `${field} must be a string`);
  return value;
}

function userGroupInputOf(body: JsonBody): UserGroupInput {
  const type = body.group_type;
  if (type !== undefined && type !== null && typeof type !== 'number') {
    throw new HarborError('BAD_REQUEST', 'group_type must be 1 (LDAP), 2 (HTTP) or 3 (OIDC)');
  }
  const name = stringOrAbsent(body, 'group_name');
  const ldapDn = stringOrAbsent(body, 'ldap_group_dn');
  return {
    ...(typeof type === 'number' && { type }),
    ...(name !== undefined && { name }),
    ...(ldapDn !== undefined && { ldapDn }),
  };
}

/** /usergroups: Harbor's swagger tag `usergroup`. */
export function registerUserGroupRoutes(api: FastifyInstance, groups: UserGroupService): void {
  api.get('/usergroups', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    const { items, total } = await groups.list(securityOf(req), {
      ...page,
      ...(query.group_name && { name: query.group_name }),
      ...(query.ldap_group_dn && { ldapDn: query.ldap_group_dn }),
    });
    setPagingHeaders(req, reply, page, total);
    return items.map(toUserGroup);
  });

  api.post('/usergroups', async (req, reply) => {
    const group = await groups.create(securityOf(req), userGroupInputOf(jsonBody(req)));
    return reply.code(201).header('Location', `/api/v2.0/usergroups/${group.id}`).send();
  });

  api.get('/usergroups/search', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    if (!query.groupname) throw new HarborError('BAD_REQUEST', 'groupname is required');
    const { items, total } = await groups.search(securityOf(req), query.groupname, page);
    setPagingHeaders(req, reply, page, total);
    return items.map((g) => ({ id: g.id, group_name: g.name, group_type: g.type }));
  });

  api.get('/usergroups/:group_id', async (req) =>
    toUserGroup(await groups.get(securityOf(req), idParam(req, 'group_id'))),
  );

  api.put('/usergroups/:group_id', async (req, reply) => {
    const { name } = userGroupInputOf(jsonBody(req));
    await groups.rename(securityOf(req), idParam(req, 'group_id'), name);
    return reply.code(200).send();
  });

  api.delete('/usergroups/:group_id', async (req, reply) => {
    await groups.delete(securityOf(req), idParam(req, 'group_id'));
    return reply.code(200).send();
  });
}
