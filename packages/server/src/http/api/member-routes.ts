import type { FastifyInstance } from 'fastify';
import { PROJECT_ROLE_LABELS, roleFromId } from '../../domain/rbac/roles.js';
import type { MemberRecord } from '../../ports/identity-store.js';
import type { MemberService } from '../../services/members.js';
import { memberRequestOf, roleIdOf } from './member-body.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { locatorOf } from './project-routes.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

/** Harbor's ProjectMemberEntity. */
export function toMemberEntity(member: MemberRecord) {
  const role = roleFromId(member.roleId);
  return {
    id: member.id,
    project_id: member.projectId,
    entity_name: member.entityName ?? '',
    role_name: role ? PROJECT_ROLE_LABELS[role] : '',
    role_id: member.roleId,
    entity_id: member.entityId,
    entity_type: member.entityType,
  };
}

/** /projects/{p}/members: Harbor's swagger tag `member`. */
export function registerMemberRoutes(api: FastifyInstance, members: MemberService): void {
  api.get('/projects/:project_name_or_id/members', async (req, reply) => {
    const query = req.query as Readonly<Record<string, string | undefined>>;
    const page = pageOf(query);
    const { items, total } = await members.list(securityOf(req), locatorOf(req), {
      ...page,
      ...(query.entityname && { entityName: query.entityname }),
    });
    setPagingHeaders(req, reply, page, total);
    return items.map(toMemberEntity);
  });

  api.post('/projects/:project_name_or_id/members', async (req, reply) => {
    const at = locatorOf(req);
    const member = await members.add(securityOf(req), at, memberRequestOf(jsonBody(req)));
    const location = `/api/v2.0/projects/${at.nameOrId}/members/${member.id}`;
    return reply.code(201).header('Location', location).send();
  });

  api.get('/projects/:project_name_or_id/members/:mid', async (req) =>
    toMemberEntity(await members.get(securityOf(req), locatorOf(req), idParam(req, 'mid'))),
  );

  api.put('/projects/:project_name_or_id/members/:mid', async (req, reply) => {
    await members.updateRole(securityOf(req), locatorOf(req), idParam(req, 'mid'), roleIdOf(jsonBody(req)));
    return reply.code(200).send();
  });

  api.delete('/projects/:project_name_or_id/members/:mid', async (req, reply) => {
    await members.remove(securityOf(req), locatorOf(req), idParam(req, 'mid'));
    return reply.code(200).send();
  });
}
