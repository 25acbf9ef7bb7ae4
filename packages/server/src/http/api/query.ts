import type { TextMatch } from '../../ports/identity-store.js';
import type { SortKey, ValueMatch } from '../../ports/metadata-queries.js';
import { HarborError } from '../error-handler.js';

/**
 * Harbor's `q` and `sort` query parameters, parsed once for every list endpoint.
 *
 * `q` is a comma-separated list of `key=value` terms. A value is exact (`name=web`), fuzzy (`name=~web`, a
 * substring), a range (`size=[10~100]`, either end may be left out: `[~100]`), an or-list (`id={1 2 3}`) or an
 * and-list (`tag=(a b)`); list members are separated by spaces, and values in ranges and lists may be quoted with
 * `"` or `'`. Commas inside `[]`, `{}` and `()` do not split terms; a later term of the same key replaces an earlier
 * one, as in Harbor. `sort` is a comma-separated list of keys, each descending when prefixed with `-`. What a key
 * means is for each endpoint to say; malformed input is a 400.
 */
export type QueryValue =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'fuzzy'; readonly value: string }
  | { readonly kind: 'range'; readonly min?: string; readonly max?: string }
  | { readonly kind: 'or'; readonly values: readonly string[] }
  | { readonly kind: 'and'; readonly values: readonly string[] };

function invalid(message: string): HarborError {
  return new HarborError('BAD_REQUEST', message);
}

/** Splits at commas that are not inside `[]`, `{}` or `()`. */
function splitTerms(q: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      terms.push(q.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(q.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/s.exec(value);
  return quoted ? quoted[2]! : value;
}

function listMembers(inner: string): string[] {
  return (inner.match(/"[^"]*"|'[^']*'|[^\s]+/g) ?? []).map(unquote);
}

function parseValue(key: string, raw: string): QueryValue {
  const enclosed = (open: string, close: string) => raw.length >= 2 && raw.startsWith(open) && raw.endsWith(close);
  if (enclosed('[', ']')) {
    const bounds = raw.slice(1, -1).split('~');
    if (bounds.length !== 2) throw invalid(`the range of ${key} must look like [min~max]`);
    const [min = '', max = ''] = bounds.map((b) => unquote(b.trim()));
    if (min === '' && max === '') throw invalid(`the range of ${key} needs a minimum or a maximum`);
    return { kind: 'range', ...(min !== '' && { min }), ...(max !== '' && { max }) };
  }
  if (enclosed('{', '}')) return { kind: 'or', values: listMembers(raw.slice(1, -1)) };
  if (enclosed('(', ')')) return { kind: 'and', values: listMembers(raw.slice(1, -1)) };
  if (raw.startsWith('~')) return { kind: 'fuzzy', value: raw.slice(1) };
  return { kind: 'exact', value: raw };
}

/** The terms of `q` by key (a later term of the same key replaces an earlier one). */
export function parseQuery(q: string | undefined): Map<string, QueryValue> {
  const terms = new Map<string, QueryValue>();
  for (const term of splitTerms(q ?? '')) {
    const eq = term.indexOf('=');
    const key = eq < 0 ? '' : term.slice(0, eq).trim();
    if (key === '') throw invalid(`the query term ${JSON.stringify(term)} must look like key=value`);
    terms.set(key, parseValue(key, term.slice(eq + 1).trim()));
  }
  return terms;
}

/** Refuses keys of `terms` an endpoint does not support, naming them. */
export function expectKeys(terms: ReadonlyMap<string, QueryValue>, supported: readonly string[]): void {
  for (const key of terms.keys()) {
    if (!supported.includes(key)) {
      throw invalid(`unsupported query key ${JSON.stringify(key)}; supported: ${supported.join(', ')}`);
    }
  }
}

/** The value filter of an exact, fuzzy or or-list value of `key` (ranges and and-lists are a 400). */
export function valueMatchOf(key: string, value: QueryValue): ValueMatch {
  switch (value.kind) {
    case 'exact':
      return { anyOf: [value.value] };
    case 'fuzzy':
      return { contains: value.value };
    case 'or':
      return { anyOf: value.values };
    case 'and':
    case 'range':
      throw invalid(`q supports ${key}=value, ${key}=~value and ${key}={a b}`);
  }
}

/** The text filter of an exact or fuzzy value of `key` (other forms are a 400). */
export function textMatchOf(key: string, value: QueryValue): TextMatch {
  if (value.kind === 'exact') return { value: value.value, exact: true };
  if (value.kind === 'fuzzy') return { value: value.value, exact: false };
  throw invalid(`q supports ${key}=value and ${key}=~value`);
}

/** The exact value of `key` (other forms are a 400). */
export function exactValueOf(key: string, value: QueryValue): string {
  if (value.kind === 'exact') return value.value;
  throw invalid(`q supports only exact values of ${key}`);
}

/** `sort` of a list that sorts by one field: at most one key (see parseSort). */
export function parseSingleSort<K extends string>(
  sort: string | undefined,
  fields: Readonly<Record<string, K>>,
): SortKey<K> | undefined {
  const keys = parseSort(sort, fields);
  if (keys.length > 1) throw invalid(`sort supports one key of ${Object.keys(fields).join(', ')}`);
  return keys[0];
}

/** `sort` as sort keys in order, with the API's field names mapped by `fields`; 400 for an unknown field. */
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
      const field = descending ? item.slice(1).trim() : item;
      const by = Object.hasOwn(fields, field) ? fields[field] : undefined;
      if (by === undefined) {
        throw invalid(`unsupported sort key ${JSON.stringify(item)}; supported: ${Object.keys(fields).join(', ')}`);
      }
      return { by, direction: descending ? 'desc' : 'asc' } as const;
    });
}

/** A boolean query parameter (`true`/`false`, `1`/`0`); `fallback` when absent or empty. */
export function booleanParam(name: string, raw: unknown, fallback: boolean): boolean;
export function booleanParam(name: string, raw: unknown, fallback?: boolean): boolean | undefined;
export function booleanParam(name: string, raw: unknown, fallback?: boolean): boolean | undefined {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw invalid(`${name} must be true or false`);
}
