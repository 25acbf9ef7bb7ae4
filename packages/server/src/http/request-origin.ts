import type { FastifyRequest } from 'fastify';
import type { RequestOrigin } from '../domain/events.js';

/** Where `req` came from, for the events of the changes it asks for (audit log, notifications). */
export function originOf(req: FastifyRequest): RequestOrigin {
  const userAgent = req.headers['user-agent'];
  return {
    clientIp: req.ip,
    requestId: String(req.id),
    ...(userAgent !== undefined && { userAgent }),
    ...(req.headers.host !== undefined && { host: req.headers.host }),
    method: req.method,
  };
}
