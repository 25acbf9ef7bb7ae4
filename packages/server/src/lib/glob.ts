import picomatch from 'picomatch';

/**
 * Harbor's doublestar patterns (github.com/bmatcuk/doublestar, which its selectors call) through picomatch, a
 * maintained matcher: `*` any run of characters but `/`, `**` any run including `/` (across path segments), `?`
 * one character but `/`, `[abc]` and `[a-z]` classes, `{a,b}` alternatives. The options make picomatch agree with
 * doublestar rather than with a shell: `dot` (a leading `.` is an ordinary character), `noextglob` (no `+(a|b)`),
 * `nonegate` (a leading `!` is literal), and no POSIX character class magic beyond brackets.
 */
const OPTIONS: picomatch.PicomatchOptions = { dot: true, noextglob: true, nonegate: true, strictBrackets: false };

const cache = new Map<string, (value: string) => boolean>();
const CACHE_LIMIT = 1000;

/** A compiled doublestar pattern (compiled matchers are kept: rules are few and read on every protected write). */
export function globMatcher(pattern: string): (value: string) => boolean {
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    const compiled = picomatch(pattern, OPTIONS);
    matcher = (value: string) => compiled(value);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(pattern, matcher);
  }
  return matcher;
}

/** Whether `value` matches the doublestar `pattern`. */
export function globMatches(pattern: string, value: string): boolean {
  return globMatcher(pattern)(value);
}
