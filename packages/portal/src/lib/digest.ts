/** The first 12 hex digits of a digest, as `docker images` shows them: sha256:0123456789ab. */
export function shortDigest(digest: string | undefined): string {
  if (!digest) return '';
  const [algorithm, hex = ''] = digest.split(':');
  return `${algorithm}:${hex.slice(0, 12)}`;
}
