/**
 * Secrets at rest: AES-256-GCM (node:crypto) under a key ring, for every stored secret (webhook auth headers, token
 * signing keys, and later registry credentials, LDAP and OIDC secrets).
 *
 * A sealed value is `enc:v1:<kid>:<base64url(iv ‖ ciphertext ‖ tag)>`: a random 96-bit IV per value and the 128-bit
 * GCM tag. `kid` names the key (16 hex digits of a SHA-256 of the key), so a value says which key opens it, and the
 * authenticated data binds the value to its key id and to a caller-given `context` (e.g. `webhook.auth_header`), so a
 * ciphertext moved to another column, or altered in any byte, does not open.
 *
 * The ring holds the current key (which seals) and previous keys (which still open): rotating the key means making a
 * new one current, re-sealing every stored value, and then dropping the old key.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const SEALED_PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc:v1:([0-9a-f]{16}):([A-Za-z0-9_-]+)$/;

export class SecretBoxError extends Error {}

/** The key id of a 32-byte key: the first 8 bytes of SHA-256 over a label and the key, in hex. */
export function secretKeyId(key: Uint8Array): string {
  return createHash('sha256').update('wharf-secret-key-id\0').update(key).digest('hex').slice(0, 16);
}

/** A 32-byte key from its base64 text (standard or URL alphabet); a clear error for anything else. */
export function parseSecretKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) throw new SecretBoxError(`${source} is not base64 text`);
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretBoxError(
      `${source} must be ${KEY_BYTES} bytes in base64 (it is ${key.length}); e.g. openssl rand -base64 32`,
    );
  }
  return key;
}

/** A new random key as base64 text. */
export function generateSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The context of a secret kept sealed in a settings section (ports/identity/setting-records.ts): its section and key,
 * so key rotation reseals every such value without knowing the feature (adapters/db/key-records.ts).
 */
export function settingSecretContext(section: string, key: string): string {
  return `settings.${section}.${key}`;
}

/** Whether `value` has the form of a sealed value (says nothing about whether it opens). */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/** The key id a sealed value names; undefined when `value` is not sealed. */
export function sealedKeyId(value: string): string | undefined {
  return SEALED.exec(value)?.[1];
}

export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  /** The id of the key that seals. */
  readonly currentKid: string;

  /** `current` seals and opens; each of `previous` only opens. Duplicates are ignored. */
  constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new SecretBoxError(`a secret key must be ${KEY_BYTES} bytes`);
      const kid = secretKeyId(key);
      if (!this.keys.has(kid)) this.keys.set(kid, Buffer.from(key));
    }
    this.currentKid = secretKeyId(current);
  }

  /** Every key id this ring can open, the current one first. */
  get kids(): string[] {
    return [...this.keys.keys()];
  }

  has(kid: string): boolean {
    return this.keys.has(kid);
  }

  /** `plain` sealed with the current key, bound to `context`. */
  seal(plain: string, context: string): string {
    const kid = this.currentKid;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(kid)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(kid, context));
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${SEALED_PREFIX}${kid}:${body.toString('base64url')}`;
  }

  /** The plain text of a value sealed for `context`; SecretBoxError when it is not sealed, its key is not in the
   * ring, or it was altered (or sealed for another context). */
  open(sealed: string, context: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new SecretBoxError(`a stored ${context} is not encrypted (expected ${SEALED_PREFIX}…)`);
    const [, kid, encoded] = match as unknown as [string, string, string];
    const key = this.keys.get(kid);
    if (key === undefined) {
      throw new SecretBoxError(
        `a stored ${context} is encrypted with secret key ${kid}, which this node does not have`,
      );
    }
    const body = Buffer.from(encoded, 'base64url');
    if (body.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError(`a stored ${context} is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(kid, context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        `a stored ${context} (secret key ${kid}) fails its integrity check: altered or misplaced`,
      );
    }
  }

  /** `sealed` sealed again with the current key; the same text when it already is. */
  reseal(sealed: string, context: string): string {
    if (sealedKeyId(sealed) === this.currentKid) return sealed;
    return this.seal(this.open(sealed, context), context);
  }
}

function aad(kid: string, context: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${kid}:${context}`, 'utf8');
}
