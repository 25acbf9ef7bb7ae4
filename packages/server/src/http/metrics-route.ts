import type { FastifyInstance } from 'fastify';

/** The Prometheus exposition: its text and content type, rendered on each scrape. */
export interface MetricsEndpoint {
  readonly path: string;
  render(): Promise<{ readonly contentType: string; readonly body: string }>;
}

/**
 * `GET <path>` answers the exposition, without authentication like Harbor's metric port: it carries counts, sizes,
 * durations and project names, never digests, tags, user names or addresses. Operators who do not want it public
 * give the metrics their own listener (`metrics.addr`) or restrict the path at their proxy (docs/configuration.md).
 */
export function registerMetricsRoute(app: FastifyInstance, endpoint: MetricsEndpoint): void {
  app.get(endpoint.path, async (_req, reply) => {
    const { contentType, body } = await endpoint.render();
    return reply.header('Cache-Control', 'no-store').type(contentType).send(body);
  });
}

/** A listener of its own that serves the exposition at `path` only (everything else: 404). */
export async function listenForMetrics(
  endpoint: MetricsEndpoint,
  host: string,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false, forceCloseConnections: true });
  registerMetricsRoute(app, endpoint);
  await app.listen({ host, port });
  const bound = app.server.address();
  const url =
    bound === null || typeof bound === 'string'
      ? String(bound)
      : `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  return { url, close: () => app.close() };
}
