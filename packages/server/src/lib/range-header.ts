/** Parsers for the byte-range headers of the blob protocol. */

export interface ParsedRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/**
 * `Range: bytes=a-b | bytes=a- | bytes=-n` against a blob of `size` bytes. Returns undefined when the
 * header should be ignored (absent, several ranges, other units), 'unsatisfiable' when it cannot be met.
 */
export function parseRangeHeader(header: string | undefined, size: number): ParsedRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return undefined;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** `Content-Range: <start>-<end>` of a chunked upload PATCH (a `bytes ` or `bytes=` prefix is tolerated). */
export function parseContentRange(header: string | undefined): ParsedRange | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/.exec(header.trim());
  if (!match) return 'malformed';
  const start = Number(match[1]);
  const end = Number(match[2]);
  return end < start ? 'malformed' : { start, end };
}
