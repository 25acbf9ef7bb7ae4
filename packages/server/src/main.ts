import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createBlobStore } from './adapters/blob/index.js';
import { openDatabase, type OpenDatabase } from './adapters/db/index.js';
import { ConfigError, type WharfConfig } from './config/index.js';
import { buildHttpServer } from './http/server.js';
import { authPurgeJob } from './jobs/auth-purge.js';
import { uploadPurgeJob } from './jobs/upload-purge.js';
import type { PeriodicJob } from './jobs/periodic.js';
import type { BlobStore } from './ports/blob-store.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { IdentityStore } from './ports/identity-store.js';
import type { MetadataStore } from './ports/metadata-store.js';
import { healthProbePath } from './registry-core/paths.js';
import { Registry } from './registry-core/registry.js';
import { AdminPasswordError, bootstrapAdmin } from './services/admin-bootstrap.js';
import { AuthEventRecorder } from './services/auth-events.js';
import { ArtifactTagService } from './services/artifact-tags.js';
import { ArtifactService } from './services/artifacts.js';
import { Authenticator } from './services/authenticator.js';
import { RegistryAccess } from './services/registry-access.js';
import { loadOrCreateTokenKeys } from './auth/token/token-keys.js';
import { TokenService } from './auth/token/token-service.js';
import { ConfigurationService, seedConfiguredSettings } from './services/configurations.js';
import { checkHealth } from './services/health.js';
import { PermissionService } from './services/permissions.js';
import { ReadOnlyGuard } from './services/read-only.js';
import { RobotService } from './services/robots.js';
import { LoginGuard } from './services/login-guard.js';
import { SessionService } from './services/sessions.js';
import { createProjectServices } from './services/project-services.js';
import { RepositoryService } from './services/repositories.js';
import { UserService } from './services/users.js';

/** Wharf's version (the server package's), reported as `harbor_version` by /api/v2.0/systeminfo. */
export const WHARF_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * The composition root: the only module that knows which adapters exist. It turns a validated
 * configuration into a running application.
 */
export interface Wharf {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  readonly store: MetadataStore;
  readonly identity: IdentityStore;
  readonly log: Logger;
  /** The clock everything in this instance reads. */
  readonly clock: Clock;
  /** Starts listening (and background jobs); resolves with the bound address. */
  listen(): Promise<string>;
  /** Re-reads the TLS certificate and key (on SIGHUP); false when TLS is not configured. */
  reloadTls(): boolean;
  /** Stops accepting requests, lets in-flight ones finish, stops jobs, closes the database. */
  close(): Promise<void>;
}

export function createLogger(config: Readonly<WharfConfig>): Logger {
  return pino({ level: config.log.level, base: { service: 'wharf' } });
}

/** The metadata and identity stores over the configured database. */
export function openStores(config: Readonly<WharfConfig>, log?: Logger): OpenDatabase {
  return config.database.driver === 'postgres'
    ? openDatabase({
        driver: 'postgres',
        url: config.database.url!,
        poolSize: config.database.poolSize,
        onIdleError: (err) => log?.warn({ err }, 'idle PostgreSQL connection failed; it will be replaced'),
      })
    : openDatabase({
        driver: 'sqlite',
        path: config.database.path!,
        synchronous: config.database.synchronous,
      });
}

export function openMetadataStore(config: Readonly<WharfConfig>, log?: Logger): MetadataStore {
  return openStores(config, log).metadata;
}

/**
 * Creates the administrator at first start, and stores the configured settings then (only then: afterwards the
 * database holds them). An unacceptable configured password is a configuration error.
 */
async function ensureAdmin(config: Readonly<WharfConfig>, identity: IdentityStore, log: Logger): Promise<void> {
  try {
    const result = await bootstrapAdmin(identity, { password: config.admin.password, dataDir: config.data.dir, log });
    if (result !== 'exists') await seedConfiguredSettings(identity.settings, config.settings);
  } catch (error) {
    if (!(error instanceof AdminPasswordError)) throw error;
    throw new ConfigError('invalid configuration', [`admin.password: ${error.message}`]);
  }
}

/** Health probes: a query on the database, and a write and read-back on the storage. */
function healthProbes(identity: IdentityStore, storage: BlobStore) {
  return {
    database: async () => {
      await identity.settings.get();
    },
    storage: async () => {
      // One file per probe, so that concurrent checks never read each other's bytes.
      const path = healthProbePath(randomUUID());
      const probe = Buffer.from(path);
      await storage.putContent(path, probe);
      try {
        if (!(await storage.getContent(path)).equals(probe)) throw new Error('storage read back other bytes');
      } finally {
        await storage.delete(path);
      }
    },
  };
}

/** Password logins (throttled, recorded) and portal sessions, sharing one Authenticator and its cache. */
function authenticationOf(
  config: Readonly<WharfConfig>,
  identity: IdentityStore,
  authenticator: Authenticator,
  log: Logger,
  clock: Clock,
) {
  const now = () => clock.now();
  const events = new AuthEventRecorder(identity.authEvents, log, {
    retentionSeconds: config.sessions.authEventRetention,
    now,
  });
  const { login } = config;
  const guard = new LoginGuard(
    identity,
    authenticator,
    events,
    {
      accountLockAfter: login.accountLockAfter,
      addressLockAfter: login.addressLockAfter,
      lockSeconds: login.lockDuration,
      maxLockSeconds: login.maxLockDuration,
      failureWindowSeconds: login.failureWindow,
    },
    { now },
  );
  const sessions = new SessionService(identity, authenticator, {
    idleSeconds: config.sessions.idleTimeout,
    absoluteSeconds: config.sessions.absoluteTimeout,
    now,
  });
  return { guard, sessions, events, cookies: { baseUrl: config.http.baseUrl } };
}

/** What the composition root takes besides the configuration; tests pass a ManualClock here. */
export interface WharfDependencies {
  readonly clock?: Clock;
}

export async function createWharf(
  config: Readonly<WharfConfig>,
  log = createLogger(config),
  deps: WharfDependencies = {},
): Promise<Wharf> {
  const clock = deps.clock ?? systemClock;
  await mkdir(config.data.dir, { recursive: true });
  const { metadata: store, identity } = openStores(config, log);
  try {
    const applied = await store.migrate();
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
    await ensureAdmin(config, identity, log);
  } catch (error) {
    await store.close();
    throw error;
  }
  const keys = await loadOrCreateTokenKeys(join(config.data.dir, 'token'), config.token.algorithm);
  if (keys.created) log.info({ kid: keys.kid, algorithm: keys.algorithm }, 'generated the token signing key');
  const authenticator = new Authenticator(identity);
  const access = new RegistryAccess(identity);
  const tokens = new TokenService(keys, access, {
    issuer: config.token.issuer,
    service: config.token.service,
    acceptedServices: config.token.acceptedServices,
    expirationMinutes: async () => (await identity.settings.get()).tokenExpiration,
    now: () => clock.now(),
    contextOfAccount: (name) => authenticator.contextOfAccount(name),
    projectNamed: (name) => identity.projects.getByName(name),
  });
  const storage = createBlobStore({ driver: 'filesystem', rootDirectory: config.storage.rootDirectory! });
  const registry = new Registry(store, storage, {
    manifestMaxBytes: config.limits.manifestBytes,
    pulls: { onError: (err) => log.warn({ err }, 'recording manifest pulls failed; retrying with the next batch') },
  });
  const artifacts = new ArtifactService(identity, store, registry);
  const tls = config.http.tls;
  const readOnly = new ReadOnlyGuard(identity.settings, undefined, () => clock.now());
  const authentication = authenticationOf(config, identity, authenticator, log, clock);
  const app = buildHttpServer({
    registry,
    logger: log,
    accessLog: config.http.accessLog,
    baseUrl: config.http.baseUrl,
    https: tls ? { key: readFileSync(tls.key), cert: readFileSync(tls.certificate) } : undefined,
    registryAuth: {
      access,
      tokens,
      login: async (username, password, req, channel) => {
        const result = await authentication.guard.login(username, password, { clientAddress: req.ip, channel });
        return result.ok ? result.ctx : undefined;
      },
      contextOfAccount: (name) => authenticator.contextOfAccount(name),
      assertWritable: () => readOnly.assertWritable(),
    },
    trustedProxies: config.http.trustedProxies,
    api: {
      version: WHARF_VERSION,
      settings: identity.settings,
      health: () => checkHealth(healthProbes(identity, storage)),
      authentication,
      users: new UserService(identity),
      robots: new RobotService(identity, () => new Date(clock.now())),
      configurations: new ConfigurationService(identity, readOnly),
      permissions: new PermissionService(identity),
      readOnly,
      projectServices: createProjectServices(identity, store),
      repositories: new RepositoryService(identity, store),
      artifacts,
      artifactTags: new ArtifactTagService(artifacts, store, registry),
    },
    portal: { dir: config.portal.dir! },
  });
  const jobs: PeriodicJob[] = [
    uploadPurgeJob(
      registry.uploads,
      { purgeAfterSeconds: config.uploads.purgeAfter, intervalSeconds: config.uploads.purgeInterval },
      log,
    ),
    authPurgeJob(
      authentication.sessions,
      authentication.guard,
      authentication.events,
      { intervalSeconds: config.sessions.purgeInterval },
      log,
    ),
  ];
  return {
    app,
    registry,
    store,
    identity,
    log,
    clock,
    async listen() {
      const { host, port } = splitAddr(config.http.addr);
      const address = await app.listen({ host, port });
      for (const job of jobs) job.start();
      return address;
    },
    reloadTls() {
      if (!tls) return false;
      (app.server as unknown as { setSecureContext(o: object): void }).setSecureContext({
        key: readFileSync(tls.key),
        cert: readFileSync(tls.certificate),
      });
      return true;
    },
    async close() {
      await app.close();
      await Promise.all(jobs.map((job) => job.stop()));
      await authentication.events.flush(5000);
      await registry.pulls.close();
      await store.close();
    },
  };
}

export function splitAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  return { host, port: Number(addr.slice(colon + 1)) };
}
