import { ConflictError, InvalidError } from '../../domain/errors.js';
import { systemOperator } from '../../domain/events.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ExternalIdentity } from '../../ports/identity-provider.js';
import type { UserRecord } from '../../ports/identity-store.js';
import type { Store } from '../../ports/store.js';
import { ADMIN_USERNAME } from '../admin-bootstrap.js';
import { ROBOT_PREFIX } from '../authenticator.js';
import { validateEmail, validateUsername } from '../user-input.js';

export interface OnboardOptions {
  /** Replace the user's group memberships with the identity's groups (default true; an LDAP import does not). */
  readonly syncGroups?: boolean;
}

/** The identity's e-mail when it is a valid one; a provider's odd value is dropped, never refused. */
function emailOf(identity: ExternalIdentity): string | null {
  try {
    return validateEmail(identity.email ?? undefined) ?? null;
  } catch {
    return null;
  }
}

/**
 * Users an identity provider vouches for (ports/identity-provider.ts): created at their first login without a local
 * password, their e-mail and real name kept as the provider says, their groups created when new and their group
 * memberships replaced at every login, and whether the provider makes them an administrator
 * (`admin_role_in_auth`). A local user with a password of the same name is never taken over: that login fails.
 */
export class ExternalUsers {
  constructor(
    private readonly identity: Store,
    private readonly work: UnitOfWork,
  ) {}

  /** The user record of `identity`, created or brought up to date; InvalidError for a name Wharf cannot hold. */
  async onboard(identity: ExternalIdentity, opts: OnboardOptions = {}): Promise<UserRecord> {
    const username = validateUsername(identity.username);
    if (username === ADMIN_USERNAME || username.startsWith(ROBOT_PREFIX)) {
      throw new InvalidError('field', `the name ${username} is reserved for a local account`);
    }
    let user = (await this.identity.users.getByName(username)) ?? (await this.create(identity, username));
    if (user.passwordHash !== null) {
      throw new ConflictError(`a local user named ${username} exists: it cannot sign in through the identity provider`);
    }
    const email = emailOf(identity);
    const realname = identity.realname ?? user.realname;
    if ((email !== null && email !== user.email) || realname !== user.realname) {
      try {
        user =
          (await this.identity.users.updateProfile(user.id, {
            ...(email !== null && { email }),
            realname,
          })) ?? user;
      } catch (error) {
        // The e-mail belongs to another account: keep the one the user has.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    if (user.adminRoleInAuth !== identity.admin) {
      await this.identity.users.setAdminRoleInAuth(user.id, identity.admin);
      user = { ...user, adminRoleInAuth: identity.admin };
    }
    if (opts.syncGroups !== false) {
      const groups = await this.identity.userGroups.ensure(identity.groups);
      await this.identity.userGroups.setMemberships(
        user.id,
        groups.map((g) => g.id),
      );
    }
    return user;
  }

  /** Creates the user; a concurrent first login of the same user creates it once and both get the record. */
  private async create(identity: ExternalIdentity, username: string): Promise<UserRecord> {
    const email = emailOf(identity);
    const attempt = (withEmail: boolean) =>
      this.work.run(async ({ tx, emit }) => {
        const user = await tx.users.create({
          username,
          email: withEmail ? email : null,
          realname: identity.realname ?? '',
          passwordHash: null,
          sysadmin: false,
        });
        emit({ type: 'user.created', userId: user.id, username }, systemOperator('onboard'));
        return user;
      });
    try {
      return await attempt(true);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const existing = await this.identity.users.getByName(username);
      if (existing) return existing;
      // The e-mail is another account's: the user is created without one.
      return attempt(false);
    }
  }
}
