import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { fromHarbor, isHarborConfig } from './harbor.js';
import { configSchema, SECRET_KEYS, type WharfConfig } from './schema.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(`${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export const ENV_PREFIX = 'WHARF_';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Tree = Record<string, unknown>;

/** Unwraps defaults, optionals and pipes to reach the object or leaf schema underneath. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function shapeOf(schema: z.core.$ZodType): Record<string, z.core.$ZodType> | undefined {
  const inner = unwrap(schema);
  return inner._zod.def.type === 'object' ? (inner as z.ZodObject).shape : undefined;
}

function leafType(schema: z.core.$ZodType): string {
  const inner = unwrap(schema);
  const def = inner._zod.def as { type: string; options?: z.core.$ZodType[] };
  if (def.type === 'union' && def.options) return def.options.map(leafType).join('|');
  return def.type;
}

function coerce(raw: string, type: string): Json {
  if (type.includes('number') && raw.trim() !== '' && !Number.isNaN(Number(raw))) return Number(raw);
  if (type === 'boolean') {
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
  }
  return raw;
}

/**
 * Applies `WHARF_A_B_C=value` to `a.b.c`, matching each segment to a schema key without regard to case.
 * Unknown variables are reported, so a typo never passes silently.
 */
export function applyEnv(tree: Tree, env: Record<string, string | undefined>, problems: string[]): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const segments = name.slice(ENV_PREFIX.length).toLowerCase().split('_');
    let schema: z.core.$ZodType = configSchema;
    let node = tree;
    let ok = true;
    segments.forEach((segment, i) => {
      if (!ok) return;
      const shape = shapeOf(schema);
      const key = shape && Object.keys(shape).find((k) => k.toLowerCase() === segment);
      if (!shape || !key) {
        ok = false;
        return;
      }
      schema = shape[key]!;
      if (i === segments.length - 1) {
        node[key] = coerce(value, leafType(schema));
      } else {
        const child = node[key];
        node = (child && typeof child === 'object' ? child : (node[key] = {})) as Tree;
      }
    });
    if (!ok && !IGNORED_ENV.has(name)) problems.push(`${name}: no such configuration key`);
  }
}

/** Variables with the prefix that belong to tooling rather than to the configuration. */
const IGNORED_ENV = new Set([
  'WHARF_CONFIG',
  'WHARF_TEST_DATABASE',
  'WHARF_TEST_POSTGRES_URL',
  'WHARF_TEST_STORAGE',
  'WHARF_TEST_EXCLUDE',
]);

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

export interface LoadOptions {
  /** YAML file; none means defaults plus environment. */
  file?: string | undefined;
  env?: Record<string, string | undefined>;
  /** Told each Harbor key a harbor.yml sets that Wharf ignores, and why (`key: reason`). */
  onIgnoredHarborKey?: (note: string) => void;
  /** Directory against which relative paths are resolved; defaults to the current directory. */
  cwd?: string;
}

/** Loads defaults < YAML file < environment, validates, resolves paths, and freezes the result. */
export function loadConfig(opts: LoadOptions = {}): Readonly<WharfConfig> {
  const problems: string[] = [];
  let tree: Tree = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read configuration file ${opts.file}`, [(err as Error).message]);
    }
    try {
      const parsed: unknown = parseYaml(text);
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push('(root): expected a mapping');
        else tree = parsed as Tree;
      }
    } catch (err) {
      throw new ConfigError(`invalid YAML in ${opts.file}`, [(err as Error).message]);
    }
  }
  if (isHarborConfig(tree)) {
    // A Harbor installer's harbor.yml: read as the Wharf configuration it describes (config/harbor.ts).
    const mapped = fromHarbor(tree);
    problems.push(...mapped.problems);
    for (const note of mapped.ignored) opts.onIgnoredHarborKey?.(note);
    tree = mapped.config;
  }
  applyEnv(tree, opts.env ?? {}, problems);
  const result = configSchema.safeParse(tree);
  if (!result.success) problems.push(...formatIssues(result.error));
  if (problems.length > 0 || !result.success) {
    throw new ConfigError(`invalid configuration${opts.file ? ` in ${opts.file}` : ''}`, problems);
  }
  return deepFreeze(resolvePaths(result.data, opts.cwd ?? process.cwd()));
}

/** packages/portal/dist, seen from this module in src/config or dist/config of the server package. */
const DEFAULT_PORTAL_DIR = fileURLToPath(new URL('../../../portal/dist', import.meta.url));

function resolvePaths(config: WharfConfig, cwd: string): WharfConfig {
  const dataDir = path.resolve(cwd, config.data.dir);
  return {
    ...config,
    data: { dir: dataDir },
    database: { ...config.database, path: path.resolve(dataDir, config.database.path ?? 'wharf.db') },
    storage: { ...config.storage, rootDirectory: path.resolve(dataDir, config.storage.rootDirectory ?? 'storage') },
    portal: { dir: config.portal.dir === undefined ? DEFAULT_PORTAL_DIR : path.resolve(cwd, config.portal.dir) },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The effective configuration with secrets masked, for `wharf print-config`. */
export function maskSecrets(config: Readonly<WharfConfig>): Json {
  const copy = JSON.parse(JSON.stringify(config)) as { [key: string]: Json };
  for (const key of SECRET_KEYS) {
    const parts = key.split('.');
    let node: Json | undefined = copy;
    for (const part of parts.slice(0, -1))
      node = node && typeof node === 'object' ? ((node as Tree)[part] as Json) : undefined;
    const last = parts[parts.length - 1]!;
    if (node && typeof node === 'object' && !Array.isArray(node) && typeof node[last] === 'string') {
      node[last] = key === 'database.url' ? maskUrl(node[last]) : '********';
    }
    if (node && typeof node === 'object' && !Array.isArray(node) && Array.isArray(node[last])) {
      node[last] = node[last].map(() => '********');
    }
  }
  return copy;
}

function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '********';
    return parsed.toString();
  } catch {
    return '********';
  }
}
