/** The errno code of a Node.js fs error (`ENOENT`, …), or undefined for anything else. */
export function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Nothing at the path: it is absent (ENOENT), or one of its parents is a file (ENOTDIR). */
export function isMissing(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
