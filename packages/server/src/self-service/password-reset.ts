import { createHash, randomBytes } from 'node:crypto';
import { InvalidError } from '../domain/errors.js';
import type { Operator } from '../domain/events.js';
import { hashPassword } from '../lib/password-hash.js';
import type { SecretBox } from '../lib/secret-box.js';
import type { Clock } from '../ports/clock.js';
import type { LoginFailurePolicy, UserRecord } from '../ports/identity-store.js';
import type { Mailer } from '../ports/mailer.js';
import type { Store } from '../ports/store.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { ReadOnlyModeError } from '../services/read-only.js';
import { validateEmail, validatePassword } from '../services/user-input.js';
import { EMAIL_SECTION, smtpSettingsOf } from './email-settings.js';

/** What the service logs: failures to send are never told to the client (it would tell which addresses exist). */
export interface ResetLog {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** How often one client address and one e-mail address may ask for reset links. */
export interface ResetThrottlePolicy {
  /** Requests from one client address (any e-mail addresses) in a window. */
  readonly perAddress: number;
  /** Requests for one e-mail address (from any client) in a window. */
  readonly perEmail: number;
  /** The window; once a limit is reached, further requests are refused until the window has passed. */
  readonly windowSeconds: number;
}

export interface PasswordResetOptions {
  /** A link works this long after it was sent. */
  readonly tokenLifetimeSeconds: number;
  /**
   * The portal's public base URL (`http.baseUrl`): links are `<baseUrl>/reset-password?reset_uuid=…`. Undefined: no
   * link is sent (one built from the request's Host header could point at any site).
   */
  readonly baseUrl: string | undefined;
  readonly throttle: ResetThrottlePolicy;
}

export type ResetRequestResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

/** A link's token: 256 random bits, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const INVALID_LINK = 'the reset link is invalid, used or expired';

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Password reset by e-mail (Harbor 1.x's `/c/sendEmail` and `/c/reset`). Asking for a link answers the same whether
 * the address belongs to a user or not: the lookup, the link and the mail happen after the answer, and failures are
 * only logged. A link is a single-use random token stored hashed, expiring after `tokenLifetimeSeconds`; a newer link
 * supersedes the older ones. Only local users (a password of their own, `auth_mode` db_auth) get one. Resetting
 * checks the password policy, ends the user's sessions, and records `user.password_changed` by the user.
 */
export class PasswordResetService {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly work: UnitOfWork,
    readonly mailer: Mailer,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly log: ResetLog,
    private readonly opts: PasswordResetOptions,
  ) {}

  /**
   * Asks for a reset link for `email`: 400 (InvalidError) for a malformed address, 403 (ReadOnlyModeError) while the
   * registry is read-only; `{ok: false}` while the client
   * address or the e-mail address is throttled; otherwise `{ok: true}` at once, whether a mail goes out or not.
   */
  async request(email: string | undefined, clientAddress: string | null): Promise<ResetRequestResult> {
    const address = validateEmail(email ?? '');
    if (address === null || address === undefined) throw new InvalidError('field', 'email is required');
    // As every change of a password: refused while the registry is read-only (Harbor's 403 DENIED).
    if ((await this.store.settings.get()).readOnly) throw new ReadOnlyModeError();
    const throttled = await this.throttle(address, clientAddress);
    if (throttled !== undefined) return { ok: false, retryAfterSeconds: throttled };
    const task = this.deliver(address, clientAddress)
      .catch((err: unknown) => this.log.error({ err }, 'sending a password reset link failed'))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
    return { ok: true };
  }

  /** Resolves once every link asked for so far has been sent or given up (tests; closing). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Sets the password of the link's user: 400 (InvalidError) for a password the policy refuses (the link stays
   * usable) and for an unknown, used or expired link, or one whose user can no longer reset; 403 while read-only.
   */
  async reset(token: string | undefined, password: string | undefined, clientAddress: string | null): Promise<void> {
    if (token === undefined || !TOKEN.test(token)) throw new InvalidError('field', INVALID_LINK);
    const checked = validatePassword(password);
    if ((await this.store.settings.get()).readOnly) throw new ReadOnlyModeError();
    const passwordHash = await hashPassword(checked);
    const at = new Date(this.clock.now());
    const user = await this.work.run(async ({ tx, emit }) => {
      const userId = await tx.passwordResets.consume(tokenHash(token), at);
      const user = userId === undefined ? undefined : await tx.users.get(userId);
      // Rolled back: a refused reset consumes nothing.
      if (!user || !(await this.mayReset(user, tx.settings))) throw new InvalidError('field', INVALID_LINK);
      await tx.users.setPasswordHash(user.id, passwordHash);
      await tx.passwordResets.revokeForUser(user.id, at);
      // The credential stamp ends them too; deleting them frees the rows at once.
      await tx.sessions.deleteByUser(user.id);
      emit(
        { type: 'user.password_changed', userId: user.id, username: user.username },
        selfOperator(user, clientAddress),
      );
      return user;
    });
    this.log.info({ user: user.username, clientAddress }, 'password reset through an e-mailed link');
  }

  /** Removes links that expired (periodic job). */
  purgeExpired(): Promise<number> {
    return this.store.passwordResets.purgeExpired(new Date(this.clock.now()));
  }

  private async deliver(email: string, clientAddress: string | null): Promise<void> {
    const user = await this.store.users.getByEmail(email);
    if (!user || !(await this.mayReset(user, this.store.settings))) {
      this.log.info({ clientAddress }, 'password reset asked for an address without a local user; nothing sent');
      return;
    }
    const smtp = smtpSettingsOf(await this.store.settings.getSection(EMAIL_SECTION), this.secrets);
    if (smtp === undefined || smtp.from === '') {
      this.log.error(
        { user: user.username },
        'cannot send a password reset link: email_host and email_from are not set',
      );
      return;
    }
    if (this.opts.baseUrl === undefined) {
      this.log.error({ user: user.username }, 'cannot send a password reset link: http.baseUrl is not set');
      return;
    }
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.store.transaction(async (tx) => {
      await tx.passwordResets.revokeForUser(user.id, new Date(now));
      await tx.passwordResets.create({
        tokenHash: tokenHash(token),
        userId: user.id,
        createdAt: new Date(now),
        expiresAt: new Date(now + this.opts.tokenLifetimeSeconds * 1000),
      });
    });
    const link = `${this.opts.baseUrl.replace(/\/+$/, '')}/reset-password?reset_uuid=${token}`;
    const minutes = Math.max(1, Math.round(this.opts.tokenLifetimeSeconds / 60));
    try {
      await this.mailer.send(smtp, {
        to: email,
        subject: 'Reset your Wharf password',
        text:
          `Hello ${user.username},\n\nsomeone (hopefully you) asked to reset your Wharf password. Open this link ` +
          `within ${minutes} minutes to choose a new one:\n\n${link}\n\nThe link works once. If you did not ask ` +
          'for it, ignore this mail: your password stays as it is.\n',
      });
    } catch (err) {
      this.log.error(
        { err, user: user.username, smtp: `${smtp.host}:${smtp.port}` },
        'sending a password reset link failed: the SMTP server refused it or could not be reached',
      );
      return;
    }
    this.log.info({ user: user.username, clientAddress }, 'password reset link sent');
  }

  /** Only users with a local password, while Wharf checks passwords itself (auth_mode db_auth). */
  private async mayReset(user: UserRecord, settings: Store['settings']): Promise<boolean> {
    return user.passwordHash !== null && (await settings.get()).authMode === 'db_auth';
  }

  /** Seconds until the client may ask again, or undefined when this request counts and passes. */
  private async throttle(email: string, clientAddress: string | null): Promise<number | undefined> {
    const { perAddress, perEmail, windowSeconds } = this.opts.throttle;
    const policy = (lockAfter: number): LoginFailurePolicy => ({
      windowMs: windowSeconds * 1000,
      lockAfter,
      lockMs: windowSeconds * 1000,
    });
    const emailKey = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    const counters = [
      { key: `reset:ip:${clientAddress ?? 'unknown'}`, policy: policy(perAddress) },
      { key: `reset:email:${emailKey}`, policy: policy(perEmail) },
    ];
    const at = this.clock.now();
    const records = this.store.loginFailures;
    for (const [i, counter] of counters.entries()) {
      // The request that reaches the limit passes and sets the lock; the ones after it are refused.
      if ((await records.reserve(counter.key, new Date(at), counter.policy)) !== undefined) continue;
      await Promise.all(counters.slice(0, i).map((c) => records.release(c.key, c.policy)));
      const lock = await records.get(counter.key);
      return Math.max(1, Math.ceil(((lock?.lockedUntil?.getTime() ?? at) - at) / 1000));
    }
    return undefined;
  }
}

function selfOperator(user: UserRecord, clientAddress: string | null): Operator {
  return {
    kind: 'user',
    name: user.username,
    id: user.id,
    ...(clientAddress !== null && { origin: { clientIp: clientAddress } }),
  };
}
