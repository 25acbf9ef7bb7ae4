import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The route template of a /v2 request (`/v2/{name}/manifests/{reference}`), set by its dispatcher once the path
     * is parsed: /v2 is one catch-all route, so Fastify's own route URL does not tell the endpoints apart.
     */
    routeTemplate: string;
    /** The socket's byte counts when the request began (request and response bytes are the difference). */
    socketReadAtStart: number;
    socketWrittenAtStart: number;
  }
}

/** One answered request, as the metrics see it: never the URL itself, only its route template. */
export interface HttpObserver {
  /**
   * Called once per answered request. `route` is a template (bounded: one per registered route), `seconds` the time
   * from the first hook to the response's end, `bytesIn`/`bytesOut` what crossed the socket for this request (body,
   * and for the response its headers too).
   */
  requestFinished(
    route: string,
    method: string,
    status: number,
    seconds: number,
    bytesIn: number,
    bytesOut: number,
  ): void;
}

/** Requests no route answered (404s of unknown paths): one label, never the path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Fastify's `/api/v2.0/projects/:project_name` as `/api/v2.0/projects/{project_name}` (computed once per route). */
const templates = new Map<string, string>();
function templateOf(url: string): string {
  let template = templates.get(url);
  if (template === undefined) {
    template = url.replace(/:(\w+)/g, '{$1}');
    templates.set(url, template);
  }
  return template;
}

/** The route template of a request: the /v2 dispatcher's, else Fastify's route URL, else `unmatched`. */
export function routeTemplateOf(req: FastifyRequest): string {
  if (req.routeTemplate !== '') return req.routeTemplate;
  const url = req.routeOptions.url;
  return url === undefined ? UNMATCHED_ROUTE : templateOf(url);
}

/** Declares the request fields the /v2 dispatcher and the observer use (always, so that every request has one shape). */
export function decorateRequests(app: FastifyInstance): void {
  app.decorateRequest('routeTemplate', '');
  app.decorateRequest('socketReadAtStart', 0);
  app.decorateRequest('socketWrittenAtStart', 0);
}

/**
 * Tells `observer` about every answered request. The cost per request is two socket counter reads at the start and
 * at the end, Fastify's own elapsed time, and one call: no allocation here (the observer keeps its label children).
 */
export function observeRequests(app: FastifyInstance, observer: HttpObserver): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const socket = req.raw.socket as { bytesRead?: number; bytesWritten?: number } | null;
    if (socket) {
      req.socketReadAtStart = socket.bytesRead ?? 0;
      req.socketWrittenAtStart = socket.bytesWritten ?? 0;
    }
    done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    const socket = req.raw.socket as { bytesRead?: number; bytesWritten?: number } | null;
    const bytesIn = socket ? Math.max(0, (socket.bytesRead ?? 0) - req.socketReadAtStart) : 0;
    const bytesOut = socket ? Math.max(0, (socket.bytesWritten ?? 0) - req.socketWrittenAtStart) : 0;
    observer.requestFinished(
      routeTemplateOf(req),
      req.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
      bytesIn,
      bytesOut,
    );
    done();
  });
}
