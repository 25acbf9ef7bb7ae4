/**
 * A Wharf server for the `gc` scenario, run as a child process with an IPC channel: it starts Wharf in-process
 * through `createWharf` (packages/server/dist, configured from WHARF_* like `wharf serve`), so that the benchmark can
 * run `wharf.gc` (the online collector) while the server takes pushes, and read its result. Messages:
 * in `{ type: 'gc', options }` and `{ type: 'stop' }`; out `{ type: 'ready', address }`,
 * `{ type: 'gc-result', result, ms }` and `{ type: 'gc-error', message }`.
 */
import { performance } from 'node:perf_hooks';

/** The parts of packages/server/dist this script uses (imported at run time, so tsc here does not compile them). */
interface GcResult {
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
  readonly markMs?: number;
  readonly sweepMs?: number;
  readonly orphanScanMs?: number;
}
interface WharfLike {
  readonly gc: {
    run(
      opts: { deleteUntagged: boolean; dryRun: boolean; workers: number; timeWindowMs: number },
      run: { signal: AbortSignal; log(line: string): void },
    ): Promise<GcResult>;
  };
  listen(): Promise<string>;
  close(): Promise<void>;
}
interface ServerMain {
  readonly createWharf: (config: unknown, log?: unknown) => Promise<WharfLike>;
  readonly createLogger: (config: unknown) => unknown;
}
interface ServerConfig {
  readonly loadConfig: (opts: { env: Record<string, string | undefined> }) => unknown;
  readonly processEnv: () => Record<string, string | undefined>;
}

export interface GcRequest {
  readonly type: 'gc';
  readonly options: { deleteUntagged: boolean; dryRun: boolean; workers: number; timeWindowMs: number };
}
export type GcChildMessage =
  | { readonly type: 'ready'; readonly address: string }
  | { readonly type: 'gc-result'; readonly result: GcResult; readonly ms: number }
  | { readonly type: 'gc-error'; readonly message: string };

function send(message: GcChildMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const root = new URL('../../../../packages/server/dist/', import.meta.url);
  const { loadConfig, processEnv } = (await import(new URL('config/index.js', root).href)) as ServerConfig;
  const { createWharf, createLogger } = (await import(new URL('main.js', root).href)) as ServerMain;
  const config = loadConfig({ env: processEnv() });
  const wharf = await createWharf(config, createLogger(config));
  const address = await wharf.listen();
  const abort = new AbortController();
  process.on('message', (raw: unknown) => {
    const message = raw as GcRequest | { type: 'stop' };
    if (message.type === 'stop') {
      abort.abort();
      void wharf.close().finally(() => process.exit(0));
      return;
    }
    const t0 = performance.now();
    wharf.gc.run(message.options, { signal: abort.signal, log: (line) => process.stdout.write(`gc: ${line}\n`) }).then(
      (result) => send({ type: 'gc-result', result, ms: performance.now() - t0 }),
      (err: unknown) => send({ type: 'gc-error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => {
    abort.abort();
    void wharf.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', address });
}

main().catch((err: unknown) => {
  process.stderr.write(`gc-wharf: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
