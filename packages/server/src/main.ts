import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createBlobStore } from './adapters/blob/index.js';
import { createMetadataStore } from './adapters/db/index.js';
import type { WharfConfig } from './config/index.js';
import { buildHttpServer } from './http/server.js';
import { uploadPurgeJob } from './jobs/upload-purge.js';
import type { PeriodicJob } from './jobs/periodic.js';
import type { MetadataStore } from './ports/metadata-store.js';
import { Registry } from './registry-core/registry.js';

/**
 * The composition root: the only module that knows which adapters exist. It turns a validated
 * configuration into a running application.
 */
export interface Wharf {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  readonly store: MetadataStore;
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

export function openMetadataStore(config: Readonly<WharfConfig>, log?: Logger): MetadataStore {
  return config.database.driver === 'postgres'
    ? createMetadataStore({
        driver: 'postgres',
        url: config.database.url!,
        poolSize: config.database.poolSize,
        onIdleError: (err) => log?.warn({ err }, 'idle PostgreSQL connection failed; it will be replaced'),
      })
    : createMetadataStore({
        driver: 'sqlite',
        path: config.database.path!,
        synchronous: config.database.synchronous,
      });
}

export async function createWharf(config: Readonly<WharfConfig>, log = createLogger(config)): Promise<Wharf> {
  await mkdir(config.data.dir, { recursive: true });
  const store = openMetadataStore(config, log);
  const applied = await store.migrate();
  if (applied.length) log.info({ migrations: applied }, 'database migrated');
  const storage = createBlobStore({ driver: 'filesystem', rootDirectory: config.storage.rootDirectory! });
  const registry = new Registry(store, storage, { manifestMaxBytes: config.limits.manifestBytes });
  const tls = config.http.tls;
  const app = buildHttpServer({
    registry,
    logger: log,
    accessLog: config.http.accessLog,
    baseUrl: config.http.baseUrl,
    https: tls ? { key: readFileSync(tls.key), cert: readFileSync(tls.certificate) } : undefined,
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
      await store.close();
    },
  };
}

export function splitAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  return { host, port: Number(addr.slice(colon + 1)) };
}
