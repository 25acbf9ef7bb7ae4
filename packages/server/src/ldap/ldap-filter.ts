/** LDAP search filters (RFC 4515) built from configured filters and user input. */

/** `value` escaped for an assertion value of a filter: `*`, `(`, `)`, `\` and NUL as `\XX` (RFC 4515 §3). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** An equality assertion `(attribute=value)` with `value` escaped. */
export function equals(attribute: string, value: string): string {
  return `(${attribute}=${escapeFilterValue(value)})`;
}

/** A configured filter as one parenthesised filter; '' (no filter) when it is empty. Harbor accepts `a=b` too. */
export function normalizeFilter(filter: string): string {
  const text = filter.trim();
  if (text === '') return '';
  return text.startsWith('(') ? text : `(${text})`;
}

/** The AND of the given filters ('' ones left out); `(objectClass=*)` when none is left. */
export function and(...filters: readonly string[]): string {
  const parts = filters.map(normalizeFilter).filter((f) => f !== '');
  if (parts.length === 0) return '(objectClass=*)';
  if (parts.length === 1) return parts[0]!;
  return `(&${parts.join('')})`;
}

/** The OR of filters (at least one). */
export function or(filters: readonly string[]): string {
  return filters.length === 1 ? filters[0]! : `(|${filters.join('')})`;
}

/** Why `filter` (as configured) is not a filter, or undefined: parentheses must balance (the server checks the rest). */
export function checkFilter(filter: string): string | undefined {
  const text = normalizeFilter(filter);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      // The filter starts with '(': a closing parenthesis without its opening one ends it early.
      if (depth === 0 && i !== text.length - 1) return 'text follows the filter';
    }
  }
  return depth === 0 ? undefined : 'a parenthesis is not closed';
}

/** A DN in a form to compare: RDNs trimmed, lower case (escaped commas are kept as they are). */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) =>
      rdn
        .split(/(?<!\\)\+/)
        .map((ava) => ava.replace(/^\s*([^=]+?)\s*=\s*/, '$1='))
        .join('+')
        .trim(),
    )
    .join(',')
    .toLowerCase();
}

/** Whether `dn` is `base` or below it. */
export function isUnder(dn: string, base: string): boolean {
  const d = normalizeDn(dn);
  const b = normalizeDn(base);
  return b === '' || d === b || d.endsWith(`,${b}`);
}
