/**
 * A browser session of a user (the portal's `sid` cookie). Only the SHA-256 hash of the session id is stored, so a
 * leaked database does not hand out live sessions.
 */
export interface SessionRecord {
  /** Lower-case hex SHA-256 of the session id the cookie carries. */
  readonly idHash: string;
  readonly userId: number;
  /**
   * A fingerprint of the user's password hash when the session opened: a session whose user's password changed
   * since (or was cleared, as deleting the user does) no longer authenticates.
   */
  readonly credentialStamp: string;
  readonly clientIp: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  /** Idle expiry: moved forward as the session is used (sliding). */
  readonly expiresAt: Date;
}

export type NewSession = SessionRecord;

/**
 * Sessions shared by every node on the same database. Reads return expired sessions too (the service decides);
 * expired ones are removed by purgeExpired.
 */
export interface SessionRecords {
  /** ConflictError when a session with this hash exists. */
  create(session: NewSession): Promise<SessionRecord>;
  get(idHash: string): Promise<SessionRecord | undefined>;
  /** Records use of the session and moves its expiry; false when it does not exist. */
  touch(idHash: string, lastSeenAt: Date, expiresAt: Date): Promise<boolean>;
  /** False when it did not exist. */
  delete(idHash: string): Promise<boolean>;
  /** Ends every session of the user; returns how many. */
  deleteByUser(userId: number): Promise<number>;
  /** Deletes sessions that expired before `now`; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}
