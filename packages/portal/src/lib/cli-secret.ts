import { meetsPasswordPolicy } from './password-policy';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * A random CLI secret of `length` characters from the browser's cryptographic generator, meeting Harbor's secret
 * rule (an upper-case letter, a lower-case letter and a digit); drawn again in the rare case it does not.
 */
export function generateCliSecret(length = 32): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    // 256 is not a multiple of the alphabet's size: bytes past the last whole multiple are drawn again.
    const limit = 256 - (256 % ALPHABET.length);
    if (bytes.some((b) => b >= limit)) continue;
    const secret = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
    if (meetsPasswordPolicy(secret)) return secret;
  }
}
