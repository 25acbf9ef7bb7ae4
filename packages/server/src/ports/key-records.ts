/**
 * The keys and secrets the nodes share through the database (migration 0019-keys): token signing keys, and the
 * maintenance of every value sealed by the secret box (which key ids are in use; sealing them again with the current
 * key). Implementations seal and open with the secret box they were opened with.
 */
export type StoredTokenAlgorithm = 'RS256' | 'ES256';

export interface StoredTokenKey {
  readonly kid: string;
  readonly algorithm: StoredTokenAlgorithm;
  /** PKCS#8 PEM, opened. */
  readonly privateKeyPem: string;
  readonly createdAt: Date;
  /** When it stops verifying; undefined while it is the current key. */
  readonly retireAt: Date | undefined;
}

export interface NewTokenKey {
  readonly kid: string;
  readonly algorithm: StoredTokenAlgorithm;
  readonly privateKeyPem: string;
}

export interface ResealProgress {
  /** Values sealed again with the current key by this run. */
  readonly resealed: number;
  /** Values looked at (sealed ones, with any key). */
  readonly seen: number;
}

export interface KeyRecords {
  /** The token keys still verifying at `now`, newest (the signing one) first. */
  tokenKeys(now: Date): Promise<StoredTokenKey[]>;
  /** Stores `key` as the current key when there is none yet; false when there already was one (it wins). */
  addFirstTokenKey(key: NewTokenKey, at: Date): Promise<boolean>;
  /**
   * Makes `key` current: every other key still verifying retires at `retireAt` (unless it retires sooner), and keys
   * retired before `at` are deleted. One transaction.
   */
  rotateTokenKey(key: NewTokenKey, at: Date, retireAt: Date): Promise<void>;
  /** How many stored sealed values name each secret key id. */
  secretKeyIdsInUse(): Promise<Map<string, number>>;
  /**
   * Seals again with the current key every stored value sealed with another, `batchSize` rows per transaction, each
   * row compared and set (a row changed meanwhile is read again). Idempotent: a second run reseals nothing; an
   * interrupted run is finished by running it again.
   */
  resealAll(batchSize: number, onBatch?: (progress: ResealProgress) => void): Promise<ResealProgress>;
}
