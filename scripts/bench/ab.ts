/**
 * The A/B mode (`BENCH_AB=before=/path/to/tree,after=. npm run bench`): the selected scenarios against several
 * already built Wharf trees and the reference, interleaved round by round (each round runs every server once, in an
 * order that rotates from round to round), so that other work on the machine spreads over all of them alike. Prints
 * each metric's median per server over `BENCH_AB_ROUNDS` rounds (default 5) with its range, and each build's median
 * against the reference's from the same runs. `BENCH_AB_CPU_PROF=1` starts the Wharf builds with `--cpu-prof` and
 * leaves their profiles under `.bench/profiles/<label>/` (profiling slows them: take figures from a run without it).
 * `BENCH_AB_ENV_<LABEL>` gives a build environment of its own (`abEnv`): one tree with a feature on and off.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import type { BenchConfig } from './config.js';
import { fmt, renderTable } from './report.js';
import { RegistryClient } from './registry-client.js';
import { log, runScenario } from './runner.js';
import type { MetricSpec, PhaseRecord, Scenario, ServerState } from './scenarios/types.js';
import { startReference, startWharf, type RunningServer } from './servers.js';

export interface AbBuild {
  readonly label: string;
  /** The root of a checked-out and built Wharf tree (its packages/server/dist is started). */
  readonly root: string;
}

/** `label=path,label=path`; a path alone is labelled by its last segment. */
export function parseAbBuilds(raw: string, cwd: string): AbBuild[] {
  const builds = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const path = resolve(cwd, eq < 0 ? part : part.slice(eq + 1));
      const label = eq < 0 ? (path.split('/').pop() ?? path) : part.slice(0, eq);
      return { label, root: path };
    });
  const labels = new Set(builds.map((b) => b.label));
  if (builds.length === 0 || labels.size !== builds.length || labels.has('reference')) {
    throw new Error(`BENCH_AB: give distinct labels other than 'reference' (label=path,…), got '${raw}'`);
  }
  return builds;
}

/**
 * A build's own environment: `BENCH_AB_ENV_<LABEL>=KEY=VALUE;KEY=VALUE` (label upper-cased), so that one tree can
 * run twice with a feature on and off, e.g. `BENCH_AB=off=.,on=. BENCH_AB_ENV_ON=WHARF_METRICS_ENABLED=true`.
 */
export function abEnv(label: string): Record<string, string> {
  const raw = process.env[`BENCH_AB_ENV_${label.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? '';
  const env: Record<string, string> = {};
  for (const pair of raw.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return env;
}

interface Target {
  readonly label: string;
  readonly server: RunningServer;
  readonly state: ServerState;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function oriented(spec: MetricSpec, ref: number | null, value: number | null): number | null {
  if (ref === null || value === null || ref <= 0 || value <= 0) return null;
  return spec.better === 'higher' ? value / ref : ref / value;
}

async function login(server: RunningServer): Promise<void> {
  if (server.credentials === undefined) return;
  const client = new RegistryClient(server.baseUrl, server.credentials);
  try {
    await client.ping();
  } finally {
    client.close();
  }
}

export async function runAb(
  cfg: BenchConfig,
  scenarios: readonly Scenario[],
  builds: readonly AbBuild[],
  dirs: { readonly bench: string; readonly work: string; readonly log: string },
): Promise<number> {
  const rounds = Number(process.env['BENCH_AB_ROUNDS'] ?? '5');
  if (!Number.isInteger(rounds) || rounds <= 0) throw new Error('BENCH_AB_ROUNDS must be a positive integer');
  const profile = process.env['BENCH_AB_CPU_PROF'] === '1';
  const selected = scenarios.filter((s) => cfg.scenarios.has(s.id));
  const targets: Target[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(targets.map((t) => t.server.stop()));
  };
  // values[label][scenario.metric] = one value per round
  const values = new Map<string, Map<string, number[]>>();
  const phases: { label: string; round: number; scenario: string; phases: readonly PhaseRecord[] }[] = [];
  const problems: string[] = [];
  try {
    targets.push({ label: 'reference', server: await startReference('reference', dirs.work, dirs.log), state: {} });
    for (const build of builds) {
      const profileDir = join(dirs.bench, 'profiles', build.label);
      if (profile) mkdirSync(profileDir, { recursive: true });
      const env = abEnv(build.label);
      const server = await startWharf(build.root, dirs.work, dirs.log, {
        name: `wharf-${build.label}`,
        env,
        nodeArgs: profile ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${profileDir}`] : [],
      });
      targets.push({ label: build.label, server, state: {} });
      await login(server);
      log(`${build.label}: ${build.root} on ${server.baseUrl} (pid ${server.pid}) ${JSON.stringify(env)}`);
    }
    for (let round = 0; round < rounds; round++) {
      const shift = round % targets.length;
      const order = [...targets.slice(shift), ...targets.slice(0, shift)];
      log(`== round ${round + 1}/${rounds}: ${order.map((t) => t.label).join(', ')}`);
      for (const target of order) {
        for (const scenario of selected) {
          const result = await runScenario(scenario, target.server, cfg, target.state, dirs.work);
          phases.push({ label: target.label, round, scenario: scenario.id, phases: result.phases });
          if (result.error !== undefined) problems.push(`ERROR ${target.label} ${scenario.id}: ${result.error}`);
          for (const note of result.notes) problems.push(`note ${target.label} ${scenario.id}: ${note}`);
          const byMetric = values.get(target.label) ?? new Map<string, number[]>();
          values.set(target.label, byMetric);
          for (const [key, value] of Object.entries(result.metrics)) {
            const id = `${scenario.id}.${key}`;
            byMetric.set(id, [...(byMetric.get(id) ?? []), value]);
          }
        }
      }
    }
  } finally {
    await stopAll();
  }

  const labels = targets.map((t) => t.label);
  const rows: string[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const scenario of selected) {
    for (const spec of scenario.metrics) {
      const id = `${scenario.id}.${spec.key}`;
      const series = labels.map((label) => values.get(label)?.get(id) ?? []);
      const medians = series.map(median);
      const ref = medians[0] ?? null;
      const cells = series.map((vs, i) =>
        vs.length === 0 ? '-' : `${fmt(medians[i])} (${fmt(Math.min(...vs))}–${fmt(Math.max(...vs))})`,
      );
      const ratios = medians.slice(1).map((m) => oriented(spec, ref, m));
      rows.push([
        `${spec.label}, ${spec.unit}`,
        ...cells,
        ratios.map((r) => (r === null ? '-' : `${fmt(r)}x`)).join(' / '),
      ]);
      json.push({ metric: id, label: spec.label, unit: spec.unit, better: spec.better, values: series, medians });
    }
  }
  const lines = [
    '',
    `A/B of ${builds.map((b) => `${b.label} (${b.root})`).join(', ')} against the reference: ${rounds} interleaved rounds;`,
    'median (min–max) per server; the last column is each build against the reference (>1 = the build is better).',
    '',
    renderTable(['Metric', ...labels, `vs reference (${labels.slice(1).join(' / ')})`], rows),
  ];
  if (problems.length > 0) lines.push('', ...problems);
  process.stdout.write(`${lines.join('\n')}\n`);
  const file = join(dirs.bench, 'ab-results.json');
  writeFileSync(
    file,
    `${JSON.stringify({ generatedAt: new Date().toISOString(), rounds, builds, quick: cfg.quick, metrics: json, phases, problems }, null, 2)}\n`,
  );
  log(`wrote ${file}${profile ? ` and CPU profiles under ${join(dirs.bench, 'profiles')}` : ''}`);
  return problems.some((p) => p.startsWith('ERROR')) ? 1 : 0;
}
