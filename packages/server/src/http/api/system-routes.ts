import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SettingRecords } from '../../ports/identity-store.js';
import type { HealthReport } from '../../services/health.js';
import { securityOf } from './security.js';

export interface SystemRoutesOptions {
  readonly version: string;
  readonly settings: SettingRecords;
  /** The clock port's time (ms): `current_time` of /systeminfo. */
  readonly now: () => number;
  readonly health: () => Promise<HealthReport>;
  /** Public base URL; derived from the request when unset. */
  readonly baseUrl?: string | undefined;
}

function externalUrlOf(req: FastifyRequest, baseUrl: string | undefined): string {
  return (baseUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, '');
}

/** /ping, /health and /systeminfo: open to everyone. */
export function registerSystemRoutes(
  api: FastifyInstance,
  opts: SystemRoutesOptions,
  additions: () => Promise<Record<string, unknown>> = () => Promise.resolve({}),
): void {
  api.get('/ping', (_req, reply) => reply.type('text/plain; charset=utf-8').send('Pong'));

  api.get('/health', async () => opts.health());

  // Anonymous callers get what Harbor shows them; authenticated ones also the URLs and policies.
  api.get('/systeminfo', async (req) => {
    const settings = await opts.settings.get();
    const general = {
      auth_mode: settings.authMode,
      primary_auth_mode: false,
      self_registration: settings.selfRegistration,
      harbor_version: opts.version,
      current_time: new Date(opts.now()).toISOString(),
      ...(await additions()),
    };
    if (securityOf(req).kind === 'anonymous') return general;
    const externalUrl = externalUrlOf(req, opts.baseUrl);
    return {
      ...general,
      external_url: externalUrl,
      registry_url: new URL(externalUrl).host,
      project_creation_restriction: settings.projectCreationRestriction,
      read_only: settings.readOnly,
      has_ca_root: false,
      notification_enable: false,
      registry_storage_provider_name: 'filesystem',
    };
  });
}
