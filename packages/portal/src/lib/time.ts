/** Harbor reports a time that never happened (an artifact never pulled) as the zero time of Go. */
export function isZeroTime(iso: string | null | undefined): boolean {
  return !iso || iso.startsWith('0001-01-01');
}

/** A date and time in the user's language; undefined when the time is unset. */
export function formatTime(iso: string | null | undefined, language: string): string | undefined {
  if (isZeroTime(iso)) return undefined;
  const date = new Date(iso ?? '');
  if (Number.isNaN(date.getTime())) return undefined;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
