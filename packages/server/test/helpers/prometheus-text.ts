import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample of a family: a counter's or gauge's value, or a histogram's buckets, count and sum. */
export interface Sample {
  /** Absent when the sample has no labels. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly value?: string;
  readonly buckets?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

export interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  readonly metrics: readonly Sample[];
}

const parse = parsePrometheusTextFormat as (text: string) => Family[];

/**
 * Parses Prometheus's text exposition format with a parser that is not ours (parse-prometheus-text-format; it throws
 * on a malformed line). That parser folds all the label sets of a histogram into one sample, so histograms are also
 * read a second time as untyped series: `<name>_bucket`, `<name>_sum` and `<name>_count`, each with its labels.
 */
export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map(parse(text).map((f) => [f.name, f]));
  const histograms = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
  // prom-client writes each label set's buckets, sum and count together: the same series name recurs.
  const series = new Map<string, Family>();
  for (const family of parse(histograms)) {
    if (!/_(bucket|sum|count)$/.test(family.name) || families.has(family.name)) continue;
    const seen = series.get(family.name);
    series.set(family.name, seen ? { ...seen, metrics: [...seen.metrics, ...family.metrics] } : family);
  }
  for (const [name, family] of series) families.set(name, family);
  return families;
}

/** The sample of `name` whose labels include `labels`, or undefined. */
export function sampleOf(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): Sample | undefined {
  return families
    .get(name)
    ?.metrics.find((m) => Object.entries(labels).every(([key, value]) => m.labels?.[key] === value));
}

/** The numeric value of a counter or gauge sample (0 when there is none). */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const sample = sampleOf(families, name, labels);
  return sample?.value === undefined ? 0 : Number(sample.value);
}
