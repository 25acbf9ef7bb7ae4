/**
 * Harbor's rules for project names and project metadata (the `metadata` map of ProjectReq and the
 * /projects/{p}/metadatas API). Pure functions: they return a normalised value or a reason to refuse.
 */

/** Lower-case letters and digits, in runs joined by single `.`, `_` or `-`; 1 to 255 characters. */
const PROJECT_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const PROJECT_NAME_MAX = 255;

/** Why `name` cannot name a project, or undefined when it can. */
export function projectNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > PROJECT_NAME_MAX) {
    return `the project name must be 1 to ${PROJECT_NAME_MAX} characters long`;
  }
  if (!PROJECT_NAME.test(name)) {
    return 'the project name may contain only lower-case letters, digits and single ., _ or - between them';
  }
  return undefined;
}

/** Metadata keys whose values are booleans, stored as "true" or "false". `public` is one of them. */
export const BOOLEAN_METADATA = [
  'public',
  'enable_content_trust',
  'enable_content_trust_cosign',
  'prevent_vul',
  'auto_scan',
  'auto_sbom_generation',
  'reuse_sys_cve_allowlist',
] as const;

/** Every key Wharf stores: the booleans and `severity` (the vulnerability level that blocks pulls). */
export const METADATA_KEYS: readonly string[] = [...BOOLEAN_METADATA, 'severity'];

/** Keys of ProjectReq.metadata that only apply to proxy-cache projects, which Wharf does not have: ignored. */
export const PROXY_CACHE_METADATA: readonly string[] = [
  'proxy_speed_kb',
  'max_upstream_conn',
  'proxy_cache_local_on_not_found',
  'proxy_cache_filter_pattern',
  'proxy_cache_filter_kind',
];

/** Severities as Harbor accepts them (case-insensitive; `negligible` is the CVSS v2 name of `none`). */
const SEVERITIES: Readonly<Record<string, string>> = {
  none: 'none',
  negligible: 'none',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Go's strconv.ParseBool, which Harbor uses for these values. */
const BOOLEANS: Readonly<Record<string, boolean>> = {
  '1': true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};

export type MetadataValue =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/** The stored form of `value` for metadata `key`, or why it is refused (unknown key, malformed value). */
export function normalizeMetadata(key: string, value: unknown): MetadataValue {
  if (!METADATA_KEYS.includes(key)) {
    return { ok: false, reason: `unknown metadata key ${JSON.stringify(key)}; known: ${METADATA_KEYS.join(', ')}` };
  }
  if (typeof value !== 'string') return { ok: false, reason: `metadata ${key} must be a string` };
  if (key === 'severity') {
    const severity = SEVERITIES[value.toLowerCase()];
    return severity
      ? { ok: true, value: severity }
      : { ok: false, reason: `metadata severity must be one of none, low, medium, high, critical; got ${value}` };
  }
  const flag = Object.hasOwn(BOOLEANS, value) ? BOOLEANS[value] : undefined;
  return flag === undefined
    ? { ok: false, reason: `metadata ${key} must be "true" or "false"; got ${JSON.stringify(value)}` }
    : { ok: true, value: String(flag) };
}
