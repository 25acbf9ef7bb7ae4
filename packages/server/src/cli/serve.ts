import cluster from 'node:cluster';
import type { Logger } from 'pino';
import type { WharfConfig } from '../config/index.js';
import { createLogger, createWharf, workerCount, type Wharf } from '../main.js';
import type { GeneratedAdminPassword } from '../services/admin-bootstrap.js';
import { adminPasswordBanner } from './banner.js';
import { servePrimary, type WorkerReport } from './serve-primary.js';

/**
 * `wharf serve`: with `http.workers` 1, this process serves; otherwise it is the cluster's primary (serve-primary.ts)
 * and node:cluster runs this same command again in each worker, which lands in `serveWorker`.
 */
export async function serve(config: Readonly<WharfConfig>): Promise<number> {
  if (cluster.isWorker) return serveWorker(config);
  const workers = workerCount(config);
  if (workers > 1) return servePrimary(config, workers);
  return serveAlone(config);
}

/** Today's single process: prepares, serves, and stops on SIGTERM/SIGINT. */
async function serveAlone(config: Readonly<WharfConfig>): Promise<number> {
  const log = createLogger(config);
  let generated: GeneratedAdminPassword | undefined;
  const wharf = await createWharf(config, log, { onAdminPasswordGenerated: (notice) => (generated = notice) });
  const address = await wharf.listen();
  log.info({ address, dataDir: config.data.dir, database: config.database.driver, workers: 1 }, 'wharf listening');
  if (generated) process.stderr.write(adminPasswordBanner(generated));
  generated = undefined;
  reloadTlsOnSighup(() => wharf, log);
  await untilStopped(wharf, config, log);
  return 0;
}

/** A worker of the cluster: the primary prepared the data; it serves the shared port until told to stop. */
async function serveWorker(config: Readonly<WharfConfig>): Promise<number> {
  const id = cluster.worker?.id ?? 0;
  const log = createLogger(config).child({ worker: id });
  // Installed before Wharf exists: a SIGHUP while the worker starts must not end it (it reads the files anyway).
  let wharf: Wharf | undefined;
  reloadTlsOnSighup(() => wharf, log);
  try {
    wharf = await createWharf(config, log, { prepared: true, clustered: true });
    const address = await wharf.listen();
    const report: WorkerReport = { wharfWorker: 'listening', address };
    process.send?.(report);
  } catch (err) {
    // The primary counts a worker dying before it listens; the error goes where a single process's would.
    console.error(err);
    process.exit(1);
  }
  await untilStopped(wharf, config, log);
  // The IPC channel to the primary would keep the process alive: a worker that finished leaves.
  if (process.connected) process.disconnect();
  return 0;
}

function reloadTlsOnSighup(current: () => Wharf | undefined, log: Logger): void {
  process.on('SIGHUP', () => {
    try {
      if (current()?.reloadTls()) log.info('TLS certificate reloaded');
    } catch (err) {
      log.error({ err }, 'TLS certificate reload failed; keeping the previous one');
    }
  });
}

/** Resolves once SIGTERM or SIGINT closed Wharf (in-flight requests finish, up to `http.shutdownTimeout`). */
function untilStopped(wharf: Wharf, config: Readonly<WharfConfig>, log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      // A terminal's Ctrl-C reaches every process of the group, and the primary forwards it too: once is enough.
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const timer = setTimeout(() => {
        log.warn('shutdown timeout: closing remaining connections');
        wharf.app.server.closeAllConnections();
      }, config.http.shutdownTimeout * 1000);
      timer.unref();
      wharf.close().then(resolve, (err: unknown) => {
        log.error({ err }, 'error during shutdown');
        resolve();
      });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
