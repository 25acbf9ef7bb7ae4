import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from '../registry-core/registry.js';
import { registerApiRoutes, type ApiRoutesOptions } from './api/routes.js';
import { sessionContextOf } from './api/security.js';
import type { OciAuthorizationOptions } from './oci/authorization.js';
import { registerExplorerRoutes } from './explorer/explorer-routes.js';
import { handleClientError, handleFrameworkError } from './framework-errors.js';
import { registerOciRoutes } from './oci/routes.js';
import { registerDockerV1Routes } from './oci/v1-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerSessionRoutes } from './session-routes.js';
import { basePathOf, registerPortalRoutes, type PortalRoutesOptions } from './portal-routes.js';

export interface HttpServerOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly accessLog: boolean;
  readonly baseUrl?: string | undefined;
  readonly https?: { key: Buffer; cert: Buffer } | undefined;
  /**
   * Authentication and authorisation of /v2 and the token service (the realm is derived here; portal sessions, for
   * GET and HEAD, come from `api.authentication`).
   */
  readonly registryAuth: Omit<OciAuthorizationOptions, 'realm' | 'session'>;
  /** Proxies whose X-Forwarded-For/-Proto/-Host are believed (comma-separated addresses or CIDR ranges). */
  readonly trustedProxies?: string | undefined;
  /** The management API under /api/v2.0 (baseUrl comes from above). */
  readonly api: Omit<ApiRoutesOptions, 'baseUrl'>;
  /** The web portal at `/` (its base path comes from baseUrl). */
  readonly portal: Omit<PortalRoutesOptions, 'basePath'>;
}

/** Builds the Fastify application: request ids, one access-log line per request, /v2, /api/v2.0, /c and the portal. */
export function buildHttpServer(opts: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    return503OnClosing: true,
    // Requests refused before routing (malformed URLs, request lines, headers) get the error envelope of their API.
    frameworkErrors: handleFrameworkError,
    clientErrorHandler: handleClientError,
    forceCloseConnections: 'idle',
    ...(opts.https ? { https: opts.https } : {}),
    ...(opts.trustedProxies ? { trustProxy: opts.trustedProxies } : {}),
  }) as unknown as FastifyInstance;
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('X-Request-Id', req.id);
    done();
  });
  if (opts.accessLog) {
    app.addHook('onResponse', (req, reply, done) => {
      req.log.info(
        { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: req.ip },
        'access',
      );
      done();
    });
  }
  const baseUrl = opts.baseUrl?.replace(/\/+$/, '');
  const realm = (req: FastifyRequest) => `${baseUrl ?? `${req.protocol}://${req.host}`}/service/token`;
  registerOciRoutes(app, {
    registry: opts.registry,
    baseUrl: opts.baseUrl,
    authorization: {
      ...opts.registryAuth,
      realm,
      session: (req, reply) => sessionContextOf(req, reply, opts.api.authentication),
    },
  });
  registerDockerV1Routes(app, {
    search: (ctx, text) => opts.api.projectServices.search.repositories(ctx, text),
    authorization: opts.registryAuth,
  });
  registerTokenRoutes(app, { tokens: opts.registryAuth.tokens, login: opts.registryAuth.login });
  registerApiRoutes(app, { ...opts.api, baseUrl: opts.baseUrl });
  registerSessionRoutes(app, opts.api.authentication);
  // Wharf serves at the root of its listener; under a proxy's prefix (the path of http.baseUrl) the pages it sends
  // the browser name their URLs under that prefix.
  const basePath = basePathOf(opts.baseUrl);
  registerExplorerRoutes(app, { basePath });
  registerPortalRoutes(app, { ...opts.portal, basePath });
  return app;
}
