import type { FastifyInstance } from 'fastify';

/** Whether the instance takes traffic (services/health.ts `HealthMonitor`). */
export interface ReadinessSource {
  ready(): Promise<{ ready: boolean; reason?: string }>;
}

/**
 * Kubernetes-style probes, unauthenticated as orchestrators call them, answering nothing but `ok` or why not in one
 * word: `GET /livez` is 200 while the process serves requests; `GET /readyz` is 200 once the instance started
 * (migrations ran) and while the database answers (probed at most once a second), 503 otherwise, also while it
 * shuts down.
 */
export function registerProbeRoutes(app: FastifyInstance, health: ReadinessSource): void {
  app.get('/livez', (_req, reply) => reply.header('cache-control', 'no-store').type('text/plain').send('ok'));
  app.get('/readyz', async (_req, reply) => {
    const { ready, reason } = await health.ready();
    void reply.header('cache-control', 'no-store').type('text/plain');
    return ready ? reply.send('ok') : reply.code(503).send(`not ready: ${reason ?? 'unknown'}`);
  });
}
