/**
 * The token signing keys a node uses: the current key signs, every key not yet retired verifies (docs/architecture.md,
 * "Keys and secrets").
 *
 * - `SharedTokenKeys` (the default, SQLite and PostgreSQL): the keys are rows of the database (`token_keys`, private
 *   keys sealed by the secret box), so every node signs and verifies with the same keys without extra configuration.
 *   Rotation stores a new current key and retires the others once the longest token lifetime has passed, then
 *   publishes `keys.rotated` on the Signals port: the other nodes re-read the keys at once. A token naming a key id
 *   the node does not know also makes it re-read them (at most once per few seconds per key id, and one read at a
 *   time, so forged key ids cannot hammer the database), and every node re-reads them each `refreshMs` anyway (a
 *   lost signal costs at most that).
 * - `StaticTokenKeys`: keys from the configuration (`token.privateKeyFile`, `token.previousKeyFiles`); rotation is
 *   the operator's (a new file, the old one listed as previous until its tokens expired).
 */
import { createPrivateKey } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import type { KeyRecords, StoredTokenKey } from '../../ports/key-records.js';
import type { Signals } from '../../ports/signals.js';
import { generateTokenKeys, tokenKeysFromPrivateKey, type TokenAlgorithm, type TokenKeys } from './token-keys.js';
import type { VerificationKey } from './token-signer.js';

/** The channel a rotation is announced on (the message: the new key id). */
export const KEYS_ROTATED = 'keys.rotated';

export interface TokenKeyRing {
  /** The key that signs now. */
  current(): TokenKeys;
  /** The keys a token may be signed with now. */
  verificationKeys(): readonly VerificationKey[];
  /** Called with the key id of a token naming an unknown key: re-reads the keys (rate limited); true when known now. */
  learn(kid: string): Promise<boolean>;
}

export class TokenKeyRotationError extends Error {}

/** Keys given by the configuration: the first signs, all verify. */
export class StaticTokenKeys implements TokenKeyRing {
  constructor(private readonly keys: readonly [TokenKeys, ...TokenKeys[]]) {}

  current(): TokenKeys {
    return this.keys[0];
  }

  verificationKeys(): readonly VerificationKey[] {
    return this.keys;
  }

  learn(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

export interface SharedTokenKeysOptions {
  readonly records: KeyRecords;
  readonly signals: Signals;
  readonly clock: Clock;
  /** The algorithm of keys generated here (the first key, and each rotation's). */
  readonly algorithm: TokenAlgorithm;
  /** The longest lifetime of a token, in seconds, read at each rotation (Harbor's `token_expiration` setting). */
  readonly maxTokenLifetimeSeconds: () => Promise<number>;
  /** Tolerated clock skew added to the retirement (tokens are checked without leeway; this covers nodes' clocks). */
  readonly leewaySeconds?: number;
  /** The key to start with when the database holds none (the node's former `<data.dir>/token` key, so tokens stay valid). */
  readonly initialKey?: TokenKeys;
  /** A key id unknown to this node causes at most one read per this many milliseconds (default 5000). */
  readonly learnIntervalMs?: number;
  /** Re-reads the keys this often regardless (default 30000; 0: never). */
  readonly refreshMs?: number;
  readonly onError?: (err: unknown, message: string) => void;
}

interface LoadedKey {
  readonly keys: TokenKeys;
  readonly retireAt: number | undefined;
}

const LEARN_MEMORY = 1024;

export class SharedTokenKeys implements TokenKeyRing {
  private loaded: readonly LoadedKey[] = [];
  private reading: Promise<void> | undefined;
  private readonly attempts = new Map<string, number>();
  private readonly stops: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly options: SharedTokenKeysOptions) {}

  /** Reads the keys, storing a first one when the database holds none; subscribes to rotations. */
  static async open(options: SharedTokenKeysOptions): Promise<SharedTokenKeys> {
    const ring = new SharedTokenKeys(options);
    await ring.reload();
    if (ring.loaded.length === 0) {
      const first = options.initialKey ?? generateTokenKeys(options.algorithm);
      await options.records.addFirstTokenKey(newKeyOf(first), new Date(options.clock.now()));
      await ring.reload(); // another node may have stored its first key at the same time: the database decides
    }
    if (ring.loaded.length === 0) throw new TokenKeyRotationError('no token signing key could be stored');
    ring.stops.push(
      options.signals.subscribe(KEYS_ROTATED, () => void ring.refresh()),
      options.signals.onReconnect(() => void ring.refresh()),
    );
    const every = options.refreshMs ?? 30_000;
    if (every > 0) {
      ring.timer = setInterval(() => void ring.refresh(), every);
      ring.timer.unref();
    }
    return ring;
  }

  current(): TokenKeys {
    return this.loaded[0]!.keys;
  }

  verificationKeys(): readonly VerificationKey[] {
    const now = this.options.clock.now();
    return this.loaded.filter((key) => key.retireAt === undefined || key.retireAt > now).map((key) => key.keys);
  }

  /** The key ids known now, the current one first, with their retirement times (ms; undefined for the current). */
  describe(): { kid: string; algorithm: TokenAlgorithm; retireAt: number | undefined }[] {
    return this.loaded.map(({ keys, retireAt }) => ({ kid: keys.kid, algorithm: keys.algorithm, retireAt }));
  }

  async learn(kid: string): Promise<boolean> {
    if (this.knows(kid)) return true;
    const now = this.options.clock.now();
    const last = this.attempts.get(kid);
    if (last !== undefined && now - last < (this.options.learnIntervalMs ?? 5000)) return false;
    if (this.attempts.size >= LEARN_MEMORY) this.attempts.clear();
    this.attempts.set(kid, now);
    await this.refresh();
    return this.knows(kid);
  }

  /**
   * Makes a new key current for every node: the others retire once the longest token lifetime (plus leeway) has
   * passed. Returns the new key id.
   */
  async rotate(): Promise<string> {
    const keys = generateTokenKeys(this.options.algorithm);
    const now = this.options.clock.now();
    const lifetime = await this.options.maxTokenLifetimeSeconds();
    const retireAt = now + (lifetime + (this.options.leewaySeconds ?? 60)) * 1000;
    await this.options.records.rotateTokenKey(newKeyOf(keys), new Date(now), new Date(retireAt));
    await this.reload();
    await this.options.signals.publish(KEYS_ROTATED, keys.kid);
    return keys.kid;
  }

  /** Stops listening. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const stop of this.stops.splice(0)) stop();
  }

  private knows(kid: string): boolean {
    return this.verificationKeys().some((key) => key.kid === kid);
  }

  /** Re-reads the keys (one read at a time; callers meanwhile share it); failures keep the keys known before. */
  private refresh(): Promise<void> {
    this.reading ??= this.reload()
      .catch((err: unknown) => this.options.onError?.(err, 'reading the token keys failed; keeping those known'))
      .finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async reload(): Promise<void> {
    const stored = await this.options.records.tokenKeys(new Date(this.options.clock.now()));
    if (stored.length > 0) this.loaded = stored.map(loadedOf);
  }
}

function loadedOf(stored: StoredTokenKey): LoadedKey {
  return {
    keys: tokenKeysFromPrivateKey(createPrivateKey(stored.privateKeyPem)),
    retireAt: stored.retireAt?.getTime(),
  };
}

function newKeyOf(keys: TokenKeys) {
  return {
    kid: keys.kid,
    algorithm: keys.algorithm,
    privateKeyPem: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
