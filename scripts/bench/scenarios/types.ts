/** What a scenario is: named metrics with their direction and target, and a run against one server. */
import type { BenchConfig, ScenarioId } from '../config.js';
import type { ResourceUsage } from '../proc-stats.js';
import type { RegistryClient } from '../registry-client.js';
import type { RunningServer } from '../servers.js';

export type Direction = 'higher' | 'lower';

export interface MetricSpec {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** Which way is better; ratios are oriented so that > 1 means Wharf is better. */
  readonly better: Direction;
  /** Minimum ratio (oriented) the issue asks for. */
  readonly targetRatio?: number;
  /** True when the target is strict ("fewer", i.e. > rather than >=). */
  readonly strict?: boolean;
  /** Absolute upper bound for Wharf's value. */
  readonly wharfMax?: number;
  /** Absolute lower bound for Wharf's value (a ratio Wharf measures on its own, e.g. pushes during GC / without). */
  readonly wharfMin?: number;
}

export interface Measured<T> {
  readonly value: T;
  readonly seconds: number;
  readonly usage: ResourceUsage;
}

export interface PhaseRecord {
  readonly phase: string;
  /** When the phase started, on the monotonic clock in microseconds (the timebase of node's CPU profiles). */
  readonly startedAtUs: number;
  readonly seconds: number;
  readonly usage: ResourceUsage;
  /** CPU-seconds of the server's blob store process during the phase (BENCH_STORAGE=s3), else undefined. */
  readonly storeCpuSeconds?: number;
}

/** Shared between scenarios of one server (e.g. the pull reuses the blob of the monolithic push). */
export interface ServerState {
  bigBlob?: { readonly repo: string; readonly digest: string; readonly size: number };
}

export interface ScenarioContext {
  readonly cfg: BenchConfig;
  readonly server: RunningServer;
  readonly client: RegistryClient;
  readonly state: ServerState;
  readonly workDir: string;
  /** Times `fn` and records the server's CPU-seconds and peak RSS during it as one phase. */
  measure<T>(phase: string, fn: () => Promise<T>): Promise<Measured<T>>;
  /** A remark shown under the table (e.g. non-2xx responses). */
  note(text: string): void;
  log(text: string): void;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  readonly metrics: readonly MetricSpec[];
  run(ctx: ScenarioContext): Promise<Record<string, number>>;
}
