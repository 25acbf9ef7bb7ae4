/** A redirect target from the URL, kept only when it is a path of this site (never another origin). */
export function safeRedirect(target: string | null): string {
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\')
    ? target
    : '/projects';
}
