import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { QuotaRecord } from '../../ports/quota-records.js';
import type { QuotaListQuery, QuotaService } from '../../services/quotas/quotas.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { parseSort } from './query.js';
import { idParam, jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's Quota model. */
export function toQuota(quota: QuotaRecord) {
  return {
    id: quota.id,
    ref: {
      id: quota.projectId,
      name: quota.projectName,
      ...(quota.ownerName !== undefined && { owner_name: quota.ownerName }),
    },
    hard: { storage: quota.hard },
    used: { storage: quota.used },
    creation_time: quota.createdAt.toISOString(),
    update_time: quota.updatedAt.toISOString(),
  };
}

const SORT_KEYS: Readonly<Record<string, NonNullable<QuotaListQuery['sort']>[number]['by']>> = {
  'hard.storage': 'hard',
  'used.storage': 'used',
  creation_time: 'creationTime',
  id: 'id',
};

const quotaIdOf = (req: FastifyRequest): number => idParam(req, 'id');

/** /quotas: Harbor's quota API (swagger tag `quota`), for system administrators. */
export function registerQuotaRoutes(api: FastifyInstance, quotas: QuotaService): void {
  api.get('/quotas', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    const { items, total } = await quotas.list(securityOf(req), {
      ...page,
      reference: query.reference,
      referenceId: query.reference_id,
      sort: parseSort(query.sort, SORT_KEYS),
    });
    setPagingHeaders(req, reply, page, total);
    return items.map(toQuota);
  });

  api.get('/quotas/:id', async (req) => toQuota(await quotas.get(securityOf(req), quotaIdOf(req))));

  api.put('/quotas/:id', async (req, reply) => {
    await quotas.update(securityOf(req), quotaIdOf(req), jsonBody(req));
    return reply.code(200).send();
  });
}
