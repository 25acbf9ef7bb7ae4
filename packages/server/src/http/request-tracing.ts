import type { FastifyInstance } from 'fastify';
import { routeTemplateOf } from './request-observer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's server span (tracing enabled only). */
    traceSpan: RequestSpan | null;
  }
}

/** The server span of one request; tracing/ implements it over OpenTelemetry, http/ never sees the SDK. */
export interface RequestSpan {
  /** Runs `fn` with this span as the active one, so that the spans opened under it become its children. */
  activate(fn: () => void): void;
  /** Ends the span, naming it by the route template, with the response's status. */
  end(route: string, status: number): void;
}

export interface RequestTracer {
  /** Opens the server span of a request (method and scheme only: no URL, query or header values). */
  start(method: string, scheme: string): RequestSpan;
}

/**
 * One span per request, from its first hook to its response (or abort). The span is made active in `onRequest`
 * and again in `preHandler`: a parsed body's stream events run outside the request's async context, so the handler
 * (and the database and storage spans under it) would otherwise lose the parent.
 */
export function traceRequests(app: FastifyInstance, tracer: RequestTracer): void {
  app.decorateRequest('traceSpan', null);
  app.addHook('onRequest', (req, _reply, done) => {
    const span = tracer.start(req.method, req.protocol);
    req.traceSpan = span;
    span.activate(done);
  });
  app.addHook('preHandler', (req, _reply, done) => {
    if (req.traceSpan) req.traceSpan.activate(done);
    else done();
  });
  app.addHook('onResponse', (req, reply, done) => {
    req.traceSpan?.end(routeTemplateOf(req), reply.statusCode);
    req.traceSpan = null;
    done();
  });
  app.addHook('onRequestAbort', (req, done) => {
    req.traceSpan?.end(routeTemplateOf(req), 499);
    req.traceSpan = null;
    done();
  });
}
