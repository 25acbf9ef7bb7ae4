/** The cookies of a `Cookie` request header, by name (the first of duplicates wins, as browsers send them). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name !== '' && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

export interface CookieAttributes {
  readonly maxAgeSeconds: number;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: 'Strict' | 'Lax';
  readonly path?: string;
}

/** A `Set-Cookie` value; `value` must already be cookie-safe (Wharf's values are base64url). */
export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  const parts = [
    `${name}=${value}`,
    `Path=${attrs.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(attrs.maxAgeSeconds))}`,
  ];
  if (attrs.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attrs.httpOnly) parts.push('HttpOnly');
  if (attrs.secure) parts.push('Secure');
  parts.push(`SameSite=${attrs.sameSite}`);
  return parts.join('; ');
}
