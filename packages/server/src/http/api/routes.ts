import type { FastifyInstance } from 'fastify';
import type { UserService } from '../../services/users.js';
import { HarborError, sendHarborError } from '../error-handler.js';
import { authenticate, type ApiAuthentication } from './security.js';
import { registerSystemRoutes, type SystemRoutesOptions } from './system-routes.js';
import { registerUserRoutes } from './user-routes.js';

export const API_PREFIX = '/api/v2.0';

export interface ApiRoutesOptions extends SystemRoutesOptions {
  /** Basic credentials (through the login guard) or a session cookie with its CSRF token. */
  readonly authentication: ApiAuthentication;
  readonly users: UserService;
}

/**
 * Mounts Harbor's management API under /api/v2.0 in its own encapsulated plugin: JSON bodies, Harbor's error
 * envelope, and authentication (HTTP Basic or a session cookie, see security.ts) in front of every route.
 */
export function registerApiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): void {
  void app.register(
    (api, _opts, done) => {
      api.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));
      api.setNotFoundHandler((req, reply) =>
        sendHarborError(reply, new HarborError('NOT_FOUND', `no endpoint at ${req.method} ${req.url}`), req.log),
      );
      api.addHook('onRequest', async (req, reply) => authenticate(req, reply, opts.authentication));
      registerSystemRoutes(api, opts);
      registerUserRoutes(api, opts.users);
      done();
    },
    { prefix: API_PREFIX },
  );
}
