/**
 * Password and secret hashing with scrypt (node:crypto). A hash is stored as one self-describing string,
 * `scrypt$<N>$<r>$<p>$<salt>$<hash>` with base64url salt and hash, so parameters can be raised later: verify
 * reads them from the string, and needsRehash tells the caller to re-hash after a successful login.
 *
 * Argon2id is not offered: Node 20's crypto has no Argon2, and a native dependency is not worth it while scrypt
 * (memory-hard, OWASP-listed) is built in.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

/** OWASP's scrypt recommendation (N=2^17 is stronger; 2^15 keeps a login near 100 ms at 32 MiB). */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const ALGORITHM = 'scrypt';
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const SECRET_BYTES = 32;

export class PasswordHashFormatError extends Error {
  constructor(reason: string) {
    super(`unrecognised password hash: ${reason}`);
  }
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  validateParams(params);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  return [ALGORITHM, params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches `encoded`, compared in constant time. Throws PasswordHashFormatError when
 * `encoded` is not a hash this module wrote: a corrupt stored hash is a fault, not a wrong password.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, key } = decode(encoded);
  const candidate = await derive(password, salt, key.length, params);
  return timingSafeEqual(candidate, key);
}

/** Whether `encoded` was made with other parameters than `params` (or another key length). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const decoded = decode(encoded);
  return (
    decoded.params.N !== params.N ||
    decoded.params.r !== params.r ||
    decoded.params.p !== params.p ||
    decoded.key.length !== KEY_BYTES
  );
}

/**
 * A fresh random secret (robot account secrets): 32 random bytes, base64url, 43 characters. Store it only
 * through hashPassword and show it once.
 */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Thrown by PasswordVerifier when every slot is busy and its queue is full: the check was not run. */
export class PasswordCheckOverloadError extends Error {
  constructor() {
    super('too many password checks in progress');
  }
}

export interface PasswordVerifierLimits {
  /** scrypt runs at once; each takes one libuv thread, which file reads share (4 by default). */
  readonly maxConcurrent: number;
  /** Checks waiting for a slot; one more is refused with PasswordCheckOverloadError. */
  readonly maxQueued: number;
}

export const DEFAULT_VERIFIER_LIMITS: PasswordVerifierLimits = { maxConcurrent: 2, maxQueued: 64 };

/**
 * verifyPassword behind a semaphore: at most `maxConcurrent` scrypt runs at once, at most `maxQueued` waiting
 * (first come, first served), and beyond that an immediate PasswordCheckOverloadError, so that a flood of logins
 * can neither take every libuv thread from file reads nor queue work without bound. `verifications` counts the
 * scrypt runs started (tests read it).
 */
export class PasswordVerifier {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private started = 0;

  /** `check` is verifyPassword; tests pass one that waits, to hold a slot while they look. */
  constructor(
    private readonly limits: PasswordVerifierLimits = DEFAULT_VERIFIER_LIMITS,
    private readonly check: (password: string, encoded: string) => Promise<boolean> = verifyPassword,
  ) {
    if (!(limits.maxConcurrent >= 1) || !(limits.maxQueued >= 0)) {
      throw new RangeError(`password verifier limits out of range: ${JSON.stringify(limits)}`);
    }
  }

  /** scrypt runs started so far. */
  get verifications(): number {
    return this.started;
  }

  /** Checks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether a check now would be refused: every slot busy and the queue full. */
  get saturated(): boolean {
    return this.running >= this.limits.maxConcurrent && this.waiting.length >= this.limits.maxQueued;
  }

  /** verifyPassword, once a slot is free; throws PasswordCheckOverloadError at once when the queue is full. */
  async verify(password: string, encoded: string): Promise<boolean> {
    await this.acquire();
    try {
      this.started++;
      return await this.check(password, encoded);
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.maxConcurrent) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.maxQueued) return Promise.reject(new PasswordCheckOverloadError());
    // The slot passes straight to the next waiter: `running` stays as it is.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}

function decode(encoded: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const parts = encoded.split('$');
  if (parts.length !== 6) throw new PasswordHashFormatError('expected 6 fields separated by $');
  const [algorithm, n, r, p, salt, key] = parts as [string, string, string, string, string, string];
  if (algorithm !== ALGORITHM) throw new PasswordHashFormatError(`unsupported algorithm ${JSON.stringify(algorithm)}`);
  const params = { N: parseInteger(n), r: parseInteger(r), p: parseInteger(p) };
  validateParams(params);
  const saltBytes = parseBase64url(salt);
  const keyBytes = parseBase64url(key);
  if (saltBytes.length < 8 || keyBytes.length < 16) throw new PasswordHashFormatError('salt or hash too short');
  return { params, salt: saltBytes, key: keyBytes };
}

function parseInteger(text: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new PasswordHashFormatError(`bad parameter ${JSON.stringify(text)}`);
  return Number(text);
}

function parseBase64url(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new PasswordHashFormatError('bad base64url field');
  return Buffer.from(text, 'base64url');
}

function validateParams({ N, r, p }: ScryptParams): void {
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > 2 ** 20 || r < 1 || r > 32 || p < 1 || p > 16) {
    throw new PasswordHashFormatError(`scrypt parameters out of range (N=${N}, r=${r}, p=${p})`);
  }
}

function derive(password: string, salt: Buffer, length: number, { N, r, p }: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; leave headroom over Node's 32 MiB default.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
