import type { FastifyInstance } from 'fastify';
import type { ConfigurationService } from '../../services/configurations.js';
import { jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

/** /configurations: Harbor's system configurations (swagger tag `configure`), for system administrators. */
export function registerConfigurationRoutes(api: FastifyInstance, configurations: ConfigurationService): void {
  api.get('/configurations', async (req) => configurations.get(securityOf(req)));

  api.put('/configurations', async (req, reply) => {
    await configurations.update(securityOf(req), jsonBody(req));
    return reply.code(200).send();
  });
}
