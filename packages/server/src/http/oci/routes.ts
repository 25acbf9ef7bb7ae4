import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Registry } from '../../registry-core/registry.js';
import { NotFoundError } from '../../domain/errors.js';
import { isValidTag, matchesNameGrammar } from '../../lib/reference.js';
import { invalidName, parseReference, quoted } from '../../registry-core/references.js';
import { sendOciError } from '../error-handler.js';
import { authorizeOciRequest, type OciAuthorizationOptions } from './authorization.js';
import { sendJson, type OciContext } from './context.js';
import { RegistryError } from './errcode.js';
import { deleteBlob, getBlob } from './handlers/blobs.js';
import { listCatalog, listReferrers, listTags } from './handlers/listings.js';
import { deleteManifest, getManifest, putManifest } from './handlers/manifests.js';
import { cancelUpload, finishUpload, patchUpload, startUpload, uploadStatus } from './handlers/uploads.js';
import { OCI_ROUTE_TEMPLATES, parseOciPath, type OciRoute } from './oci-path.js';
import { ociRouteClass, presentsCredentials, type RateLimitHooks } from '../../rate-limits/http-hooks.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Handler<K extends OciRoute['kind']> = (ctx: OciContext, route: Extract<OciRoute, { kind: K }>) => Promise<unknown>;
type RouteTable = { [K in OciRoute['kind']]: Partial<Record<Method, Handler<K>>> };

/**
 * The /v2 route table: what each (endpoint, method) pair does. Every request is authorised first
 * (authorization.ts); policies that later issues add (quotas, immutability) hook in front of these handlers.
 */
export const OCI_ROUTES: RouteTable = {
  // distribution answers the base endpoint with `application/json; charset=utf-8` (its other JSON without charset).
  base: {
    GET: (ctx) => Promise.resolve(sendJson(ctx.reply, {}, BASE_TYPE)),
    HEAD: (ctx) => Promise.resolve(ctx.reply.header('Content-Length', 2).type(BASE_TYPE).send()),
  },
  catalog: { GET: (ctx) => listCatalog(ctx) },
  tags: { GET: (ctx, r) => listTags(ctx, r.name) },
  manifest: {
    GET: (ctx, r) => getManifest(ctx, r.name, r.reference, false),
    HEAD: (ctx, r) => getManifest(ctx, r.name, r.reference, true),
    PUT: (ctx, r) => putManifest(ctx, r.name, r.reference),
    DELETE: (ctx, r) => deleteManifest(ctx, r.name, r.reference),
  },
  blob: {
    GET: (ctx, r) => getBlob(ctx, r.name, r.digest, false),
    HEAD: (ctx, r) => getBlob(ctx, r.name, r.digest, true),
    DELETE: (ctx, r) => deleteBlob(ctx, r.name, r.digest),
  },
  uploads: { POST: (ctx, r) => startUpload(ctx, r.name) },
  upload: {
    GET: (ctx, r) => uploadStatus(ctx, r.name, r.id),
    PATCH: (ctx, r) => patchUpload(ctx, r.name, r.id),
    PUT: (ctx, r) => finishUpload(ctx, r.name, r.id),
    DELETE: (ctx, r) => cancelUpload(ctx, r.name, r.id),
  },
  referrers: { GET: (ctx, r) => listReferrers(ctx, r.name, r.digest) },
};

const BASE_TYPE = 'application/json; charset=utf-8';

/**
 * What can be refused from the URL alone, before authorisation, because no credentials could change the answer:
 * - a repository name outside the grammar (upper case, non-ASCII, NUL, ...): NAME_INVALID. Neither distribution (its
 *   router matches names by the grammar and answers anything else with 404) nor Harbor (its middlewares recognise
 *   repositories by the same pattern) challenges such a request. A name of the grammar that is too long is refused
 *   after authorisation, as distribution does (anonymous callers get the challenge first).
 * - a manifest reference that is neither a tag nor a digest (`.INVALID`): no such manifest can exist, so reads
 *   and deletes answer 404 MANIFEST_UNKNOWN (the distribution spec's answer for a manifest that does not exist; its
 *   conformance suite asks for `.INVALID_MANIFEST_NAME`, distribution's router answers 404); a push answers
 *   TAG_INVALID. References with ':' are digests, checked (DIGEST_INVALID) by the handlers.
 */
export function refuseMalformed(route: OciRoute, method: string): void {
  if ('name' in route && !matchesNameGrammar(route.name)) throw invalidName(route.name);
  if (route.kind !== 'manifest' || route.reference.includes(':') || isValidTag(route.reference)) return;
  if (method === 'PUT') parseReference(route.reference); // throws TAG_INVALID
  throw new NotFoundError(
    'manifest',
    route.reference,
    `manifest unknown: ${quoted(route.reference)} is neither a tag nor a digest`,
  );
}

export interface OciRoutesOptions {
  readonly registry: Registry;
  readonly baseUrl?: string | undefined;
  readonly authorization: OciAuthorizationOptions;
  /** Rate limits (`rateLimits.enabled`); absent: nothing is counted. */
  readonly rateLimits?: RateLimitHooks | undefined;
}

/**
 * Counts a /v2 request. One presenting no credentials is counted by its address before authorisation (so a flood
 * of anonymous requests is refused before any lookup); one presenting credentials after authentication, by the
 * user or robot it found (by address when it turned out anonymous), so a shared address never limits accounts.
 */
async function limitRate(
  limits: RateLimitHooks,
  req: FastifyRequest,
  reply: FastifyReply,
  route: OciRoute,
  account?: string,
): Promise<void> {
  const refusal = await limits.limit(req, reply, ociRouteClass(req.method, route.kind), account);
  if (refusal) throw new RegistryError('TOOMANYREQUESTS', refusal.message);
}

/** Mounts /v2 on a Fastify instance: bodies stay unparsed streams, every reply carries the API version. */
export function registerOciRoutes(app: FastifyInstance, opts: OciRoutesOptions): void {
  const baseUrl = opts.baseUrl?.replace(/\/+$/, '') ?? '';
  void app.register(
    (v2, _opts, done) => {
      v2.removeAllContentTypeParsers();
      v2.addContentTypeParser('*', (_req, _payload, next) => next(null));
      v2.addHook('onRequest', (_req, reply, next) => {
        void reply.header('Docker-Distribution-API-Version', 'registry/2.0');
        next();
      });
      v2.setErrorHandler((err, req, reply) => sendOciError(reply, err, req.log));
      v2.setNotFoundHandler((req, reply) =>
        sendOciError(reply, new RegistryError('UNSUPPORTED', `no endpoint at ${req.url}`, undefined, 404), req.log),
      );
      const dispatch = async (req: FastifyRequest, reply: FastifyReply) => {
        const path = (req.url.split('?')[0] ?? '').replace(/^\/v2\/?/, '');
        const route = parseOciPath(path);
        req.routeTemplate = OCI_ROUTE_TEMPLATES[route.kind];
        const handler = (OCI_ROUTES[route.kind] as Partial<Record<string, Handler<typeof route.kind>>>)[req.method];
        if (!handler) {
          throw new RegistryError('UNSUPPORTED', `${req.method} is not supported on this endpoint`, undefined, 405);
        }
        refuseMalformed(route, req.method);
        const limits = opts.rateLimits;
        const countedEarly = limits !== undefined && !presentsCredentials(req);
        if (countedEarly) await limitRate(limits, req, reply, route);
        const caller = await authorizeOciRequest(req, reply, route, opts.authorization);
        if (limits !== undefined && !countedEarly) await limitRate(limits, req, reply, route, caller.account);
        return handler({ req, reply, registry: opts.registry, baseUrl, caller }, route);
      };
      const methods: Method[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
      v2.route({ method: methods, url: '/', exposeHeadRoute: false, handler: dispatch });
      v2.route({ method: methods, url: '/*', exposeHeadRoute: false, handler: dispatch });
      done();
    },
    // Under its own prefix, so that its not-found handler answers /v2 only (the rest belongs to portal-routes.ts).
    { prefix: '/v2' },
  );
}
