import { randomUUID } from 'node:crypto';
import type { RequestGauge } from '../lib/request-gauge.js';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from '../registry-core/registry.js';
import { registerApiRoutes, type ApiRoutesOptions } from './api/routes.js';
import { sessionContextOf } from './api/security.js';
import type { OciAuthorizationOptions } from './oci/authorization.js';
import { registerExplorerRoutes } from './explorer/explorer-routes.js';
import { handleClientError, handleFrameworkError } from './framework-errors.js';
import { registerOciRoutes } from './oci/routes.js';
import { registerMetricsRoute, type MetricsEndpoint } from './metrics-route.js';
import { decorateRequests, observeRequests, type HttpObserver } from './request-observer.js';
import { traceRequests, type RequestTracer } from './request-tracing.js';
import { registerDockerV1Routes } from './oci/v1-routes.js';
import { registerTokenRoutes } from './token-routes.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerPasswordResetRoutes } from './password-reset-routes.js';
import type { PasswordResetService } from '../self-service/password-reset.js';
import { registerProbeRoutes, type ReadinessSource } from './probe-routes.js';
import { basePathOf, registerPortalRoutes, type PortalRoutesOptions } from './portal-routes.js';
import type { RateLimitHooks } from '../rate-limits/http-hooks.js';

export interface HttpServerOptions {
  /** Readiness for /readyz (liveness needs nothing: /livez answers while the process serves). */
  readonly health: ReadinessSource;
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
  /** Timeouts and the connection limit that keep slow or idle clients from holding connections. */
  readonly connections: ConnectionLimits;
  /** Counts the requests being served (garbage collection yields to them). */
  readonly load?: RequestGauge | undefined;
  /** Told about every answered request (the Prometheus metrics); absent: no hook at all. */
  readonly observer?: HttpObserver | undefined;
  /** Serves the metrics exposition at `path` on this listener (metrics enabled without a port of their own). */
  readonly metricsEndpoint?: MetricsEndpoint | undefined;
  /** Opens a trace span per request (tracing enabled); absent: no hook at all. */
  readonly tracer?: RequestTracer | undefined;
  /** Rate limits per principal and route class (`rateLimits.enabled`); absent: nothing on the request path. */
  readonly rateLimits?: RateLimitHooks | undefined;
  /** Password reset by e-mail (`/c/sendEmail`, `/c/reset`); absent: those routes are not served. */
  readonly passwordReset?: PasswordResetService | undefined;
}

/** How long clients may take, in seconds, and how many connections may be open at once. */
export interface ConnectionLimits {
  /** To send the request line and every header. */
  readonly headersTimeout: number;
  /** Without a byte moving either way while a request is open (a stalled body, an unread response). */
  readonly bodyIdleTimeout: number;
  /** Idle between requests on a keep-alive connection. */
  readonly keepAliveTimeout: number;
  readonly maxConnections: number;
}

/** How often, at most, Node looks for connections over the headers timeout. */
const MAX_CHECK_INTERVAL_MS = 5_000;
/** How often refused connections are reported, at most. */
const DROP_REPORT_INTERVAL_MS = 10_000;

/**
 * Node's server settings for the limits. There is deliberately no total request timeout (`requestTimeout` 0): a
 * long upload that keeps sending must finish. Headers have a deadline (checked every quarter of it); bodies and
 * responses an idle timeout on the socket, which every byte resets.
 */
function serverOptions(limits: ConnectionLimits) {
  const headersTimeout = Math.ceil(limits.headersTimeout * 1000);
  return {
    server: {
      headersTimeout,
      requestTimeout: 0,
      connectionsCheckingInterval: Math.max(50, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(headersTimeout / 4))),
    },
    fastify: {
      requestTimeout: 0,
      connectionTimeout: Math.ceil(limits.bodyIdleTimeout * 1000),
      keepAliveTimeout: Math.ceil(limits.keepAliveTimeout * 1000),
    },
  };
}

/** Closes connections over the limit (Node does) and says so in the log, at most every ten seconds. */
function limitConnections(app: FastifyInstance, limits: ConnectionLimits, log: Logger): void {
  app.server.maxConnections = limits.maxConnections;
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  const report = () => {
    if (dropped > 0) {
      log.warn(
        { refused: dropped, maxConnections: limits.maxConnections },
        'refused connections over http.maxConnections',
      );
    }
    dropped = 0;
  };
  app.server.on('drop', () => {
    dropped++;
    if (timer) return;
    report();
    timer = setTimeout(() => {
      timer = undefined;
      report();
    }, DROP_REPORT_INTERVAL_MS).unref();
  });
  app.addHook('onClose', (_instance, done) => {
    if (timer) clearTimeout(timer);
    done();
  });
}

/** Every request counts in `gauge` from its first hook until it is answered or aborted (once). */
function countRequests(app: FastifyInstance, gauge: RequestGauge): void {
  const open = new WeakSet<object>();
  const end = (req: { raw: object }) => {
    if (open.delete(req.raw)) gauge.end();
  };
  app.addHook('onRequest', (req, _reply, done) => {
    open.add(req.raw);
    gauge.begin();
    done();
  });
  app.addHook('onResponse', (req, _reply, done) => {
    end(req);
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    end(req);
    done();
  });
}

/** Builds the Fastify application: request ids, one access-log line per request, /v2, /api/v2.0, /c and the portal. */
export function buildHttpServer(opts: HttpServerOptions): FastifyInstance {
  const limits = serverOptions(opts.connections);
  const app = Fastify({
    ...limits.fastify,
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
    // Node's http and https servers take the same server options (https beside the key and certificate).
    ...(opts.https ? { https: { ...opts.https, ...limits.server } } : { http: limits.server }),
    ...(opts.trustedProxies ? { trustProxy: opts.trustedProxies } : {}),
  }) as unknown as FastifyInstance;
  limitConnections(app, opts.connections, opts.logger);
  decorateRequests(app);
  if (opts.tracer) traceRequests(app, opts.tracer);
  if (opts.load) countRequests(app, opts.load);
  if (opts.observer) observeRequests(app, opts.observer);
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
    rateLimits: opts.rateLimits,
  });
  registerDockerV1Routes(app, {
    search: (ctx, text) => opts.api.projectServices.search.repositories(ctx, text),
    authorization: opts.registryAuth,
  });
  registerTokenRoutes(app, {
    tokens: opts.registryAuth.tokens,
    login: opts.registryAuth.login,
    rateLimits: opts.rateLimits,
  });
  registerApiRoutes(app, { ...opts.api, baseUrl: opts.baseUrl, rateLimits: opts.rateLimits });
  registerProbeRoutes(app, opts.health);
  registerSessionRoutes(app, opts.api.authentication, opts.rateLimits);
  if (opts.passwordReset) {
    registerPasswordResetRoutes(app, {
      resets: opts.passwordReset,
      baseUrl: opts.baseUrl,
      rateLimits: opts.rateLimits,
    });
  }
  for (const feature of opts.api.features ?? []) feature.registerWeb?.(app);
  // Wharf serves at the root of its listener; under a proxy's prefix (the path of http.baseUrl) the pages it sends
  // the browser name their URLs under that prefix.
  const basePath = basePathOf(opts.baseUrl);
  registerExplorerRoutes(app, { basePath });
  if (opts.metricsEndpoint) registerMetricsRoute(app, opts.metricsEndpoint);
  registerPortalRoutes(app, { ...opts.portal, basePath });
  return app;
}
