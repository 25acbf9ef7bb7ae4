import type { SortKey, ValueMatch } from '../../ports/metadata-queries.js';
import { HarborError } from '../error-handler.js';

/**
 * Harbor's `q` and `sort` query parameters.
 *
 * `q` is a comma-separated list of terms: `k=v` (exact), `k=~v` (fuzzy: contains), `k=[min~max]` (range, either
 * bound may be empty), `k={v1 v2}` (any of) and `k=(v1 v2)` (all of). Values in ranges and lists may be quoted
 * with `"` or `'`. `sort` is a comma-separated list of keys, each descending when prefixed with `-`.
 */
export type QueryTerm =
  | { readonly key: string; readonly kind: 'exact' | 'fuzzy'; readonly value: string }
  | { readonly key: string; readonly kind: 'range'; readonly min?: string; readonly max?: string }
  | { readonly key: string; readonly kind: 'any' | 'all'; readonly values: readonly string[] };

function bad(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return quoted ? quoted[2]! : value;
}

function listValues(inner: string): string[] {
  const values = inner.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? [];
  return values.map(unquote);
}

function parseTerm(term: string): QueryTerm {
  const eq = term.indexOf('=');
  const key = term.slice(0, eq).trim();
  if (eq <= 0 || key === '') throw bad(`query term ${JSON.stringify(term)} is not key=value`);
  const raw = term.slice(eq + 1);
  if (raw.startsWith('~')) return { key, kind: 'fuzzy', value: raw.slice(1) };
  const range = /^\[(.*)\]$/s.exec(raw);
  if (range) {
    const parts = range[1]!.split('~');
    if (parts.length !== 2) throw bad(`range of ${key} must be [min~max]`);
    const [min, max] = parts.map((p) => unquote(p.trim())) as [string, string];
    return { key, kind: 'range', ...(min === '' ? {} : { min }), ...(max === '' ? {} : { max }) };
  }
  const any = /^\{(.*)\}$/s.exec(raw);
  if (any) return { key, kind: 'any', values: listValues(any[1]!) };
  const all = /^\((.*)\)$/s.exec(raw);
  if (all) return { key, kind: 'all', values: listValues(all[1]!) };
  return { key, kind: 'exact', value: raw };
}

/** The terms of `q`; 400 when one is malformed or a key repeats. */
export function parseQuery(q: string | undefined): QueryTerm[] {
  const terms = (q ?? '')
    .split(',')
    .filter((t) => t.trim() !== '')
    .map(parseTerm);
  const keys = new Set<string>();
  for (const term of terms) {
    if (keys.has(term.key)) throw bad(`query key ${term.key} appears twice`);
    keys.add(term.key);
  }
  return terms;
}

/** The value filter of an exact, fuzzy or any-of term (other kinds are 400 for `key`). */
export function valueMatchOf(term: QueryTerm): ValueMatch {
  switch (term.kind) {
    case 'exact':
      return { anyOf: [term.value] };
    case 'fuzzy':
      return { contains: term.value };
    case 'any':
      return { anyOf: term.values };
    case 'all':
    case 'range':
      throw bad(`${term.key} supports k=v, k=~v and k={v1 v2}`);
  }
}

/** Rejects terms whose key is not one of `supported`. */
export function requireKeys(terms: readonly QueryTerm[], supported: readonly string[]): void {
  for (const term of terms) {
    if (!supported.includes(term.key)) {
      throw bad(`unsupported query key ${JSON.stringify(term.key)}; supported: ${supported.join(', ')}`);
    }
  }
}

/** `sort` as sort keys, with the API's field names mapped by `fields`; 400 for an unknown field. */
export function parseSort<K extends string>(
  sort: string | undefined,
  fields: Readonly<Record<string, K>>,
): SortKey<K>[] {
  return (sort ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((item) => {
      const descending = item.startsWith('-');
      const by = Object.hasOwn(fields, item.replace(/^-/, '')) ? fields[item.replace(/^-/, '')] : undefined;
      if (by === undefined) {
        throw bad(`unsupported sort key ${JSON.stringify(item)}; supported: ${Object.keys(fields).join(', ')}`);
      }
      return { by, direction: descending ? 'desc' : 'asc' } as const;
    });
}

/** A boolean query parameter (`true` or `false`), or `fallback` when absent. */
export function booleanParam(query: Readonly<Record<string, unknown>>, name: string, fallback: boolean): boolean {
  const raw = query[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw bad(`${name} must be true or false`);
}
