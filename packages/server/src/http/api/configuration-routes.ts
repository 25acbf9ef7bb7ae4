import type { FastifyInstance } from 'fastify';
import type { ConfigurationService } from '../../services/configurations.js';
import { HarborError } from '../error-handler.js';
import { securityOf } from './security.js';

/** /configurations: Harbor's system configurations (swagger tag `configure`), for system administrators. */
export function registerConfigurationRoutes(api: FastifyInstance, configurations: ConfigurationService): void {
  api.get('/configurations', async (req) => configurations.get(securityOf(req)));

  api.put('/configurations', async (req, reply) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HarborError('BAD_REQUEST', 'the request body must be a JSON object');
    }
    await configurations.update(securityOf(req), body as Record<string, unknown>);
    return reply.code(200).send();
  });
}
