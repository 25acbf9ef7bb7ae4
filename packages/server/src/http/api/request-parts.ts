import type { FastifyRequest } from 'fastify';
import { HarborError } from '../error-handler.js';

/** A JSON object body, as the API's write operations take. */
export type JsonBody = Readonly<Record<string, unknown>>;

/** The path parameter `name` as a positive integer id; 400 otherwise. */
export function idParam(req: FastifyRequest, name: string): number {
  const raw = (req.params as Record<string, string | undefined>)[name] ?? '';
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(id >= 1)) throw new HarborError('BAD_REQUEST', `${name} must be a positive integer`);
  return id;
}

/** The request body when it is a JSON object; 400 otherwise. */
export function jsonBody(req: FastifyRequest): JsonBody {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HarborError('BAD_REQUEST', 'the request body must be a JSON object');
  }
  return body as JsonBody;
}

/** A Harbor boolean header such as `X-Is-Resource-Name` (absent or anything but "true" is false). */
export function isTrueHeader(value: string | string[] | undefined): boolean {
  return (Array.isArray(value) ? value[0] : value)?.toLowerCase() === 'true';
}
