/** Runs one scenario against one server, measuring the server process around each timed phase. */
import type { BenchConfig } from './config.js';
import { cpuSeconds, startUsage } from './proc-stats.js';
import { RegistryClient } from './registry-client.js';
import type { ServerScenarioResult } from './report.js';
import type { RunningServer } from './servers.js';
import type { Measured, Scenario, ServerState } from './scenarios/types.js';

export function log(text: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function runScenario(
  scenario: Scenario,
  server: RunningServer,
  cfg: BenchConfig,
  state: ServerState,
  workDir: string,
): Promise<ServerScenarioResult> {
  const result: ServerScenarioResult = { metrics: {}, phases: [], notes: [] };
  if (!server.alive()) {
    result.error = `${server.label} is not running (exited earlier; see ${server.logFile})`;
    return result;
  }
  const client = new RegistryClient(server.baseUrl, server.credentials);
  const prefix = `[${server.role}] ${scenario.id}`;
  try {
    const metrics = await scenario.run({
      cfg,
      server,
      client,
      state,
      workDir,
      measure: async <T>(phase: string, fn: () => Promise<T>): Promise<Measured<T>> => {
        const stop = startUsage(server.pid);
        const store0 = server.storePid === undefined ? 0 : cpuSeconds(server.storePid);
        const t0 = process.hrtime.bigint();
        const value = await fn();
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        const usage = stop();
        const store = server.storePid === undefined ? {} : { storeCpuSeconds: cpuSeconds(server.storePid) - store0 };
        result.phases.push({ phase, startedAtUs: Number(t0 / 1000n), seconds, usage, ...store });
        log(
          `${prefix}: ${phase}: ${seconds.toFixed(2)} s, server CPU ${usage.cpuSeconds.toFixed(2)} s, peak RSS ${usage.peakRssMiB.toFixed(0)} MiB (per process ${usage.perProcessPeakRssMiB.map((v) => v.toFixed(0)).join('/')})`,
        );
        return { value, seconds, usage };
      },
      note: (text) => {
        result.notes.push(text);
        log(`${prefix}: NOTE ${text}`);
      },
      log: (text) => log(`${prefix}: ${text}`),
    });
    Object.assign(result.metrics, metrics);
    const summary = Object.entries(metrics)
      .map(([k, v]) => `${k}=${v.toFixed(2)}`)
      .join(' ');
    log(`${prefix}: ${summary}`);
    if (server.credentials !== undefined)
      log(`${prefix}: ${client.tokenRequests} token(s) fetched from the token service`);
  } catch (err) {
    result.error = errorText(err);
    if (!server.alive()) result.error += ` (server exited; see ${server.logFile})`;
    log(`${prefix}: ERROR ${result.error}`);
  } finally {
    client.close();
  }
  return result;
}
