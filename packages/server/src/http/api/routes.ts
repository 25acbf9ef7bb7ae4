import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../services/authenticator.js';
import type { ProjectServices } from '../../services/project-services.js';
import type { UserService } from '../../services/users.js';
import { HarborError, sendHarborError } from '../error-handler.js';
import { registerMemberRoutes } from './member-routes.js';
import { registerProjectRoutes } from './project-routes.js';
import { registerSearchRoutes } from './search-routes.js';
import { authenticate } from './security.js';
import { registerSystemRoutes, type SystemRoutesOptions } from './system-routes.js';
import { registerUserRoutes } from './user-routes.js';

export const API_PREFIX = '/api/v2.0';

export interface ApiRoutesOptions extends SystemRoutesOptions {
  readonly authenticator: Authenticator;
  readonly users: UserService;
  readonly projectServices: ProjectServices;
}

/**
 * Mounts Harbor's management API under /api/v2.0 in its own encapsulated plugin: JSON bodies, Harbor's error
 * envelope, and HTTP Basic authentication in front of every route.
 */
export function registerApiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): void {
  void app.register(
    (api, _opts, done) => {
      api.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));
      api.setNotFoundHandler((req, reply) =>
        sendHarborError(reply, new HarborError('NOT_FOUND', `no endpoint at ${req.method} ${req.url}`), req.log),
      );
      api.addHook('onRequest', async (req) => authenticate(req, opts.authenticator));
      registerSystemRoutes(api, opts);
      registerUserRoutes(api, opts.users);
      const { projects, metadata, members, search, statistics } = opts.projectServices;
      registerProjectRoutes(api, projects, metadata);
      registerMemberRoutes(api, members);
      registerSearchRoutes(api, search, statistics);
      done();
    },
    { prefix: API_PREFIX },
  );
}
