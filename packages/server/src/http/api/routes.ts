import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../../services/authenticator.js';
import type { RepositoryService } from '../../services/repositories.js';
import type { UserService } from '../../services/users.js';
import { HarborError, sendHarborError } from '../error-handler.js';
import { registerArtifactRoutes, type ArtifactRoutesOptions } from './artifact-routes.js';
import { registerRepositoryRoutes } from './repository-routes.js';
import { authenticate } from './security.js';
import { registerSystemRoutes, type SystemRoutesOptions } from './system-routes.js';
import { registerUserRoutes } from './user-routes.js';

export const API_PREFIX = '/api/v2.0';

export interface ApiRoutesOptions extends SystemRoutesOptions, ArtifactRoutesOptions {
  readonly authenticator: Authenticator;
  readonly users: UserService;
  readonly repositories: RepositoryService;
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
      registerRepositoryRoutes(api, opts.repositories);
      registerArtifactRoutes(api, opts);
      done();
    },
    { prefix: API_PREFIX },
  );
}
