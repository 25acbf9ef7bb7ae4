/** Turns per-server scenario results into the comparison tables (text) and the JSON report. */
import type { ServerRole } from './servers.js';
import type { MetricSpec, PhaseRecord } from './scenarios/types.js';

export interface ServerScenarioResult {
  readonly metrics: Record<string, number>;
  readonly phases: PhaseRecord[];
  readonly notes: string[];
  error?: string;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly metrics: readonly MetricSpec[];
  readonly byServer: Partial<Record<ServerRole, ServerScenarioResult>>;
}

export interface ComparisonRow {
  readonly scenario: string;
  readonly metric: string;
  readonly unit: string;
  readonly reference: number | null;
  readonly wharf: number | null;
  /** Oriented so that > 1 means Wharf is better. */
  readonly ratio: number | null;
  readonly target: string;
  readonly met: 'yes' | 'NO' | 'ERR' | '';
}

export interface ResourceRow {
  readonly scenario: string;
  readonly phase: string;
  readonly referenceSeconds: number | null;
  readonly wharfSeconds: number | null;
  readonly referenceCpuSeconds: number | null;
  readonly wharfCpuSeconds: number | null;
  /** reference / wharf: > 1 means Wharf used less CPU. */
  readonly cpuRatio: number | null;
  readonly referencePeakRssMiB: number | null;
  readonly wharfPeakRssMiB: number | null;
  /** The largest peak RSS of one Wharf process (the primary or a worker); the sum is `wharfPeakRssMiB`. */
  readonly wharfMaxProcessPeakRssMiB: number | null;
  /** CPU used by other work on the machine during the reference / Wharf phase (noise indicator). */
  readonly referenceOtherCpuSeconds: number | null;
  readonly wharfOtherCpuSeconds: number | null;
  /** CPU-seconds of each registry's blob store process (BENCH_STORAGE=s3; part of "other" above). */
  readonly referenceStoreCpuSeconds: number | null;
  readonly wharfStoreCpuSeconds: number | null;
}

function orientedRatio(spec: MetricSpec, ref: number | null, wharf: number | null): number | null {
  if (ref === null || wharf === null || ref <= 0 || wharf <= 0) return null;
  return spec.better === 'higher' ? wharf / ref : ref / wharf;
}

function targetText(spec: MetricSpec): string {
  if (spec.wharfMax !== undefined) return `Wharf < ${spec.wharfMax} ${spec.unit}`;
  if (spec.wharfMin !== undefined) return `Wharf >= ${spec.wharfMin} ${spec.unit}`;
  if (spec.targetRatio !== undefined) return `${spec.strict === true ? '>' : '>='} ${spec.targetRatio}x`;
  return '';
}

function metValue(
  spec: MetricSpec,
  wharfFailed: boolean,
  wharf: number | null,
  ratio: number | null,
): ComparisonRow['met'] {
  if (spec.wharfMax === undefined && spec.wharfMin === undefined && spec.targetRatio === undefined) return '';
  if (wharfFailed) return 'ERR';
  if (spec.wharfMax !== undefined) return wharf !== null && wharf < spec.wharfMax ? 'yes' : wharf === null ? '' : 'NO';
  if (spec.wharfMin !== undefined) return wharf !== null && wharf >= spec.wharfMin ? 'yes' : wharf === null ? '' : 'NO';
  if (ratio === null || spec.targetRatio === undefined) return '';
  const ok = spec.strict === true ? ratio > spec.targetRatio : ratio >= spec.targetRatio;
  return ok ? 'yes' : 'NO';
}

export function comparisonRows(results: readonly ScenarioResult[]): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const s of results) {
    const ref = s.byServer.reference;
    const wh = s.byServer.wharf;
    for (const spec of s.metrics) {
      const refV = ref?.metrics[spec.key] ?? null;
      const whV = wh?.metrics[spec.key] ?? null;
      const ratio = orientedRatio(spec, refV, whV);
      rows.push({
        scenario: s.id,
        metric: spec.label,
        unit: spec.unit,
        reference: refV,
        wharf: whV,
        ratio,
        target: targetText(spec),
        met: metValue(spec, wh?.error !== undefined, whV, ratio),
      });
    }
  }
  return rows;
}

export function resourceRows(results: readonly ScenarioResult[]): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const s of results) {
    const ref = s.byServer.reference?.phases ?? [];
    const wh = s.byServer.wharf?.phases ?? [];
    const names = [...new Set([...ref.map((p) => p.phase), ...wh.map((p) => p.phase)])];
    for (const phase of names) {
      const r = ref.find((p) => p.phase === phase);
      const w = wh.find((p) => p.phase === phase);
      const rc = r?.usage.cpuSeconds ?? null;
      const wc = w?.usage.cpuSeconds ?? null;
      rows.push({
        scenario: s.id,
        phase,
        referenceSeconds: r?.seconds ?? null,
        wharfSeconds: w?.seconds ?? null,
        referenceCpuSeconds: rc,
        wharfCpuSeconds: wc,
        cpuRatio: rc !== null && wc !== null && wc > 0 ? rc / wc : null,
        referencePeakRssMiB: r?.usage.peakRssMiB ?? null,
        wharfPeakRssMiB: w?.usage.peakRssMiB ?? null,
        wharfMaxProcessPeakRssMiB: w === undefined ? null : Math.max(0, ...w.usage.perProcessPeakRssMiB),
        referenceOtherCpuSeconds: r?.usage.otherCpuSeconds ?? null,
        wharfOtherCpuSeconds: w?.usage.otherCpuSeconds ?? null,
        referenceStoreCpuSeconds: r?.storeCpuSeconds ?? null,
        wharfStoreCpuSeconds: w?.storeCpuSeconds ?? null,
      });
    }
  }
  return rows;
}

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

const ratioText = (r: number | null): string => (r === null ? '-' : `${fmt(r)}x`);

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((r) => /^[-\d.x]*$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => (numeric[i] === true ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  const sep = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(headers), sep, ...rows.map(line)].join('\n');
}

export function renderComparison(rows: readonly ComparisonRow[]): string {
  return renderTable(
    ['Scenario', 'Metric', 'Unit', 'Reference', 'Wharf', 'Ratio (>1 = Wharf better)', 'Target', 'Met'],
    rows.map((r) => [
      r.scenario,
      r.metric,
      r.unit,
      fmt(r.reference),
      fmt(r.wharf),
      ratioText(r.ratio),
      r.target,
      r.met,
    ]),
  );
}

export function renderResources(rows: readonly ResourceRow[]): string {
  const store = rows.some((r) => r.referenceStoreCpuSeconds !== null || r.wharfStoreCpuSeconds !== null);
  const table = renderTable(
    [
      'Scenario',
      'Phase',
      'Ref wall s',
      'Wharf wall s',
      'Ref CPU-s',
      'Wharf CPU-s',
      'CPU ratio (ref/wharf, >1 = Wharf better)',
      'Ref peak RSS MiB',
      'Wharf peak RSS MiB (sum)',
      'Wharf max/process MiB',
      'Other CPU-s ref/wharf',
      ...(store ? ['S3 store CPU-s ref/wharf'] : []),
    ],
    rows.map((r) => [
      r.scenario,
      r.phase,
      fmt(r.referenceSeconds),
      fmt(r.wharfSeconds),
      fmt(r.referenceCpuSeconds),
      fmt(r.wharfCpuSeconds),
      ratioText(r.cpuRatio),
      fmt(r.referencePeakRssMiB),
      fmt(r.wharfPeakRssMiB),
      fmt(r.wharfMaxProcessPeakRssMiB),
      `${fmt(r.referenceOtherCpuSeconds)} / ${fmt(r.wharfOtherCpuSeconds)}`,
      ...(store ? [`${fmt(r.referenceStoreCpuSeconds)} / ${fmt(r.wharfStoreCpuSeconds)}`] : []),
    ]),
  );
  return table;
}
