import type { FastifyInstance } from 'fastify';
import type { PermissionService } from '../../services/permissions.js';
import { HarborError } from '../error-handler.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

function booleanOf(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '') return false;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new HarborError('BAD_REQUEST', `${name} must be true or false`);
}

/** `GET /users/current/permissions` (swagger tag `user`): what the caller may do in a scope. */
export function registerPermissionRoutes(api: FastifyInstance, permissions: PermissionService): void {
  api.get('/users/current/permissions', async (req) => {
    const query = req.query as Query;
    return permissions.current(securityOf(req), query.scope || undefined, booleanOf('relative', query.relative));
  });
}
