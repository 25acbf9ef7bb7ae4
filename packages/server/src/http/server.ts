import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from '../registry-core/registry.js';
import { registerApiRoutes, type ApiRoutesOptions } from './api/routes.js';
import { registerOciRoutes } from './oci/routes.js';
import { registerPortalRoutes, type PortalRoutesOptions } from './portal-routes.js';

export interface HttpServerOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly accessLog: boolean;
  readonly baseUrl?: string | undefined;
  readonly https?: { key: Buffer; cert: Buffer } | undefined;
  /** The management API under /api/v2.0 (baseUrl comes from above). */
  readonly api: Omit<ApiRoutesOptions, 'baseUrl'>;
  /** The web portal at `/`. */
  readonly portal: PortalRoutesOptions;
}

/** Builds the Fastify application: request ids, one access-log line per request, /v2, /api/v2.0 and the portal. */
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
    forceCloseConnections: 'idle',
    ...(opts.https ? { https: opts.https } : {}),
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
  registerOciRoutes(app, { registry: opts.registry, baseUrl: opts.baseUrl });
  registerApiRoutes(app, { ...opts.api, baseUrl: opts.baseUrl });
  registerPortalRoutes(app, opts.portal);
  return app;
}
