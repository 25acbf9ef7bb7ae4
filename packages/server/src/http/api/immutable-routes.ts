import type { FastifyInstance } from 'fastify';
import { IMMUTABLE_ACTION, IMMUTABLE_TEMPLATE, type ImmutableRule } from '../../domain/immutable-rules.js';
import type { ImmutableRuleService } from '../../immutable/immutable-rule-service.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { locatorOf } from './project-routes.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

/** Harbor's ImmutableRule. */
export function toImmutableRule(rule: ImmutableRule) {
  return {
    id: rule.id,
    priority: rule.priority,
    disabled: rule.disabled,
    action: IMMUTABLE_ACTION,
    template: IMMUTABLE_TEMPLATE,
    tag_selectors: rule.tagSelectors,
    scope_selectors: { repository: rule.repositorySelectors },
  };
}

/** /projects/{p}/immutabletagrules: Harbor's swagger tag `immutable`. */
export function registerImmutableRoutes(api: FastifyInstance, rules: ImmutableRuleService): void {
  const base = '/projects/:project_name_or_id/immutabletagrules';

  api.get(base, async (req, reply) => {
    const page = pageOf(req.query as Readonly<Record<string, unknown>>);
    const { items, total } = await rules.list(securityOf(req), locatorOf(req), page);
    setPagingHeaders(req, reply, page, total);
    return items.map(toImmutableRule);
  });

  api.post(base, async (req, reply) => {
    const at = locatorOf(req);
    const rule = await rules.create(securityOf(req), at, jsonBody(req));
    const location = `/api/v2.0/projects/${at.nameOrId}/immutabletagrules/${rule.id}`;
    return reply.code(201).header('Location', location).send();
  });

  api.put(`${base}/:immutable_rule_id`, async (req, reply) => {
    await rules.update(securityOf(req), locatorOf(req), idParam(req, 'immutable_rule_id'), jsonBody(req));
    return reply.code(200).send();
  });

  api.delete(`${base}/:immutable_rule_id`, async (req, reply) => {
    await rules.delete(securityOf(req), locatorOf(req), idParam(req, 'immutable_rule_id'));
    return reply.code(200).send();
  });
}
