import type { FastifyInstance } from 'fastify';
import type { EmailServerCheck } from '../../self-service/email-settings.js';
import { jsonBody } from './request-parts.js';
import { securityOf } from './security.js';

/** `POST /email/ping`: checks the SMTP server of the email_* settings (Harbor 1.x's; a Wharf extension in v2.0). */
export function registerEmailRoutes(api: FastifyInstance, email: EmailServerCheck): void {
  api.post('/email/ping', async (req, reply) => {
    await email.ping(securityOf(req), req.body === undefined || req.body === null ? {} : jsonBody(req));
    return reply.code(200).send();
  });
}
