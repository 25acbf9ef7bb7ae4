/**
 * Password reset links sent by e-mail (migration 0023-password-reset). Only the SHA-256 of a link's token is stored;
 * a token resets a password once, before it expires.
 */
export interface NewPasswordReset {
  /** Lower-case hex SHA-256 of the token the link carries. */
  readonly tokenHash: string;
  readonly userId: number;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

export interface PasswordResetRecords {
  /** Stores a new link; ConflictError when its hash exists, NotFoundError when the user does not. */
  create(reset: NewPasswordReset): Promise<void>;
  /**
   * Marks the link used at `at` when it is unused and not expired at `at`, in one atomic statement (of concurrent
   * uses, one wins); returns its user's id, or undefined when it is unknown, used or expired.
   */
  consume(tokenHash: string, at: Date): Promise<number | undefined>;
  /** Marks every unused link of the user used at `at` (a newer link or a reset supersedes them); returns how many. */
  revokeForUser(userId: number, at: Date): Promise<number>;
  /** Deletes links that expired before `before`, used or not; returns how many. */
  purgeExpired(before: Date): Promise<number>;
}
