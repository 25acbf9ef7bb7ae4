import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { RequestSpan, RequestTracer } from '../http/request-tracing.js';
import type { SpanRunner } from '../ports/spans.js';

export interface TracingOptions {
  /** The OTLP/HTTP traces URL; undefined: the exporter's default (OTEL_EXPORTER_OTLP_*ENDPOINT, else localhost). */
  readonly endpoint?: string | undefined;
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** The share of requests traced, 0 to 1. */
  readonly samplingRatio: number;
}

/** A running tracer: request spans for the HTTP layer, child spans for the port decorators. */
export interface Tracing {
  readonly requests: RequestTracer;
  readonly spans: SpanRunner;
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
  /** Flushes, stops the exporter and the context manager. */
  shutdown(): Promise<void>;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * OpenTelemetry traces exported over OTLP/HTTP (JSON). Loaded by main.ts through a dynamic import only when
 * `tracing.enabled` is set, so that without it neither the SDK nor the async context manager exists. Nothing is
 * registered globally (no global tracer provider, propagator or context manager): several instances in one process
 * (tests) stay apart, and other code that uses @opentelemetry/api sees no change.
 */
export function startTracing(opts: TracingOptions): Tracing {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName,
      [ATTR_SERVICE_VERSION]: opts.serviceVersion,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.samplingRatio) }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter(opts.endpoint ? { url: opts.endpoint } : {}))],
  });
  const tracer = provider.getTracer('wharf', opts.serviceVersion);

  const end = (span: Span, error?: unknown) => {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : 'a non-Error value was thrown');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };

  const requests: RequestTracer = {
    start(method: string, scheme: string): RequestSpan {
      const span = tracer.startSpan(
        method,
        { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_SCHEME]: scheme } },
        ROOT_CONTEXT,
      );
      const context: Context = trace.setSpan(ROOT_CONTEXT, span);
      return {
        activate: (fn) => contextManager.with(context, fn),
        end(route, status) {
          span.updateName(`${method} ${route}`);
          span.setAttribute(ATTR_HTTP_ROUTE, route);
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        },
      };
    },
  };

  const spans: SpanRunner = {
    run<T>(name: string, attributes: Readonly<Record<string, string | number>>, work: () => T): T {
      const active = contextManager.active();
      const parent = trace.getSpan(active);
      if (!parent?.isRecording()) return work();
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, active);
      let result: T;
      try {
        result = contextManager.with(trace.setSpan(active, span), work);
      } catch (error) {
        end(span, error);
        throw error;
      }
      if (!isPromise(result)) {
        end(span);
        return result;
      }
      return result.then(
        (value) => {
          end(span);
          return value;
        },
        (error: unknown) => {
          end(span, error);
          throw error;
        },
      ) as T;
    },
  };

  return {
    requests,
    spans,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      contextManager.disable();
    },
  };
}
