import { parse } from 'yaml';

/**
 * What Harbor shows of a Helm chart pushed as an OCI artifact: its values.yaml, README.md and dependencies, read from
 * the chart archive (the layer of media type HELM_CHART_CONTENT_MEDIA_TYPE, a .tgz holding `<chart>/Chart.yaml` and
 * the chart's other files). Dependencies come from `Chart.yaml` (apiVersion v2) or `requirements.yaml` (v1), in
 * Helm's JSON form.
 */
export const HELM_CHART_CONTENT_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

export interface ChartDependency {
  readonly name: string;
  readonly version?: string;
  readonly repository: string;
  readonly condition?: string;
  readonly tags?: readonly string[];
  readonly enabled?: boolean;
  readonly 'import-values'?: readonly unknown[];
  readonly alias?: string;
}

export interface ChartContent {
  readonly values?: string;
  readonly readme?: string;
  readonly dependencies: readonly ChartDependency[];
}

/** The chart is not what Helm would load. */
export class ChartError extends Error {
  override readonly name = 'ChartError';
}

/** The chart's own top-level files (`<chart>/<name>`), not those of its templates or sub-charts. */
function topLevelName(path: string): string | undefined {
  const parts = path.replace(/^\.\//, '').split('/');
  return parts.length === 2 && parts[0] !== '' ? parts[1] : undefined;
}

const WANTED = new Set(['chart.yaml', 'values.yaml', 'readme.md', 'requirements.yaml']);

/** Whether an archive path is one of the files chartContentOf reads. */
export function isChartFileWanted(path: string): boolean {
  const name = topLevelName(path);
  return name !== undefined && WANTED.has(name.toLowerCase());
}

function parseYaml(name: string, content: Buffer): unknown {
  try {
    return parse(content.toString('utf8'));
  } catch (err) {
    throw new ChartError(`${name} is not valid YAML: ${(err as Error).message}`);
  }
}

function dependencyOf(raw: unknown): ChartDependency | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const d = raw as Record<string, unknown>;
  if (typeof d.name !== 'string') return undefined;
  const str = (key: string) => (typeof d[key] === 'string' && d[key] !== '' ? d[key] : undefined);
  const tags = Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : [];
  const importValues = Array.isArray(d['import-values']) ? (d['import-values'] as unknown[]) : [];
  const version = str('version');
  const condition = str('condition');
  const alias = str('alias');
  return {
    name: d.name,
    ...(version !== undefined && { version }),
    repository: str('repository') ?? '',
    ...(condition !== undefined && { condition }),
    ...(tags.length > 0 && { tags }),
    ...(d.enabled === true && { enabled: true }),
    ...(importValues.length > 0 && { 'import-values': importValues }),
    ...(alias !== undefined && { alias }),
  };
}

function dependenciesIn(document: unknown): ChartDependency[] {
  if (typeof document !== 'object' || document === null) return [];
  const list = (document as { dependencies?: unknown }).dependencies;
  if (!Array.isArray(list)) return [];
  return list.map(dependencyOf).filter((d): d is ChartDependency => d !== undefined);
}

/** The chart's additions from the files of its archive (those isChartFileWanted selected). */
export function chartContentOf(files: readonly { readonly path: string; readonly content: Buffer }[]): ChartContent {
  const byName = new Map<string, Buffer>();
  for (const file of files) {
    const name = topLevelName(file.path);
    if (name === undefined) continue;
    const key = name.toLowerCase() === 'readme.md' ? 'readme.md' : name;
    if (!byName.has(key)) byName.set(key, file.content);
  }
  const chartYaml = byName.get('Chart.yaml');
  if (!chartYaml) throw new ChartError('the chart archive has no Chart.yaml');
  const chart = parseYaml('Chart.yaml', chartYaml);
  if (typeof chart !== 'object' || chart === null || Array.isArray(chart)) {
    throw new ChartError('Chart.yaml is not a mapping');
  }
  const apiVersion = (chart as { apiVersion?: unknown }).apiVersion;
  const requirements = byName.get('requirements.yaml');
  const dependencies =
    apiVersion === 'v1' || apiVersion === undefined
      ? requirements
        ? dependenciesIn(parseYaml('requirements.yaml', requirements))
        : []
      : dependenciesIn(chart);
  const values = byName.get('values.yaml');
  const readme = byName.get('readme.md');
  return {
    ...(values && { values: values.toString('utf8') }),
    ...(readme && { readme: readme.toString('utf8') }),
    dependencies,
  };
}
