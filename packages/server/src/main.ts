import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createBlobStore } from './adapters/blob/index.js';
import { openDatabase, type OpenDatabase } from './adapters/db/index.js';
import { ConfigError, type WharfConfig } from './config/index.js';
import { buildHttpServer } from './http/server.js';
import { uploadPurgeJob } from './jobs/upload-purge.js';
import type { PeriodicJob } from './jobs/periodic.js';
import type { BlobStore } from './ports/blob-store.js';
import type { IdentityStore } from './ports/identity-store.js';
import type { MetadataStore } from './ports/metadata-store.js';
import { healthProbePath } from './registry-core/paths.js';
import { Registry } from './registry-core/registry.js';
import { AdminPasswordError, bootstrapAdmin } from './services/admin-bootstrap.js';
import { ArtifactTagService } from './services/artifact-tags.js';
import { ArtifactService } from './services/artifacts.js';
import { Authenticator } from './services/authenticator.js';
import { checkHealth } from './services/health.js';
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

/** Creates the administrator at first start; an unacceptable configured password is a configuration error. */
async function ensureAdmin(config: Readonly<WharfConfig>, identity: IdentityStore, log: Logger): Promise<void> {
  try {
    await bootstrapAdmin(identity, { password: config.admin.password, dataDir: config.data.dir, log });
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

export async function createWharf(config: Readonly<WharfConfig>, log = createLogger(config)): Promise<Wharf> {
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
  const storage = createBlobStore({ driver: 'filesystem', rootDirectory: config.storage.rootDirectory! });
  const registry = new Registry(store, storage, {
    manifestMaxBytes: config.limits.manifestBytes,
    pulls: { onError: (err) => log.warn({ err }, 'recording manifest pulls failed; retrying with the next batch') },
  });
  const artifacts = new ArtifactService(identity, store, registry);
  const tls = config.http.tls;
  const app = buildHttpServer({
    registry,
    logger: log,
    accessLog: config.http.accessLog,
    baseUrl: config.http.baseUrl,
    https: tls ? { key: readFileSync(tls.key), cert: readFileSync(tls.certificate) } : undefined,
    api: {
      version: WHARF_VERSION,
      settings: identity.settings,
      health: () => checkHealth(healthProbes(identity, storage)),
      authenticator: new Authenticator(identity),
      users: new UserService(identity),
      repositories: new RepositoryService(identity, store),
      artifacts,
      artifactTags: new ArtifactTagService(artifacts, store, registry),
    },
  });
  const jobs: PeriodicJob[] = [
    uploadPurgeJob(
      registry.uploads,
      { purgeAfterSeconds: config.uploads.purgeAfter, intervalSeconds: config.uploads.purgeInterval },
      log,
    ),
  ];
  return {
    app,
    registry,
    store,
    identity,
    log,
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
