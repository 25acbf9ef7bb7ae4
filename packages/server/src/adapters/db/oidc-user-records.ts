import type { Kysely } from 'kysely';
import type { SecretBox } from '../../lib/secret-box.js';
import type {
  NewOidcUser,
  OidcTokenUpdate,
  OidcUserClaims,
  OidcUserRecord,
  OidcUserRecords,
} from '../../ports/oidc-user-records.js';
import type { Database, OidcUsersTable } from './database.js';

/** The secret box contexts of the sealed columns (key-records.ts reseals them). */
export const OIDC_SECRET = 'oidc_users.secret';
export const OIDC_REFRESH_TOKEN = 'oidc_users.refresh_token';

function claimsOf(text: string): OidcUserClaims {
  const parsed = JSON.parse(text) as Partial<OidcUserClaims>;
  return {
    email: typeof parsed.email === 'string' ? parsed.email : null,
    realname: typeof parsed.realname === 'string' ? parsed.realname : '',
    groups: Array.isArray(parsed.groups) ? parsed.groups.filter((g): g is string => typeof g === 'string') : [],
    admin: parsed.admin === true,
  };
}

/** OIDC users over Kysely; the CLI secret and the refresh token are sealed at rest. */
export class KyselyOidcUserRecords implements OidcUserRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {}

  private toRecord(row: OidcUsersTable): OidcUserRecord {
    return {
      userId: Number(row.user_id),
      issuer: row.issuer,
      subject: row.subject,
      secret: this.secrets.open(row.secret, OIDC_SECRET),
      refreshToken: row.refresh_token === null ? null : this.secrets.open(row.refresh_token, OIDC_REFRESH_TOKEN),
      tokenExpiresAt: row.token_expires_at === null ? null : new Date(Number(row.token_expires_at)),
      claims: claimsOf(row.claims),
      createdAt: new Date(Number(row.created_at)),
      updatedAt: new Date(Number(row.updated_at)),
    };
  }

  private sealRefresh(token: string | null): string | null {
    return token === null ? null : this.secrets.seal(token, OIDC_REFRESH_TOKEN);
  }

  async getByUserId(userId: number): Promise<OidcUserRecord | undefined> {
    const row = await this.db.selectFrom('oidc_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row && this.toRecord(row);
  }

  async getBySubject(issuer: string, subject: string): Promise<OidcUserRecord | undefined> {
    const row = await this.db
      .selectFrom('oidc_users')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return row && this.toRecord(row);
  }

  async save(user: NewOidcUser, at: Date): Promise<OidcUserRecord> {
    return this.db.transaction().execute(async (tx) => {
      const previous = await tx
        .selectFrom('oidc_users')
        .select('secret')
        .where('user_id', '=', user.userId)
        .executeTakeFirst();
      await tx
        .deleteFrom('oidc_users')
        .where((eb) =>
          eb.or([
            eb('user_id', '=', user.userId),
            eb.and([eb('issuer', '=', user.issuer), eb('subject', '=', user.subject)]),
          ]),
        )
        .execute();
      const row: OidcUsersTable = {
        user_id: user.userId,
        issuer: user.issuer,
        subject: user.subject,
        secret: previous?.secret ?? this.secrets.seal(user.secret, OIDC_SECRET),
        refresh_token: this.sealRefresh(user.refreshToken),
        token_expires_at: user.tokenExpiresAt?.getTime() ?? null,
        claims: JSON.stringify(user.claims),
        created_at: at.getTime(),
        updated_at: at.getTime(),
      };
      await tx.insertInto('oidc_users').values(row).execute();
      return this.toRecord(row);
    });
  }

  async setSecret(userId: number, secret: string, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('oidc_users')
      .set({ secret: this.secrets.seal(secret, OIDC_SECRET), updated_at: at.getTime() })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async setTokens(userId: number, update: OidcTokenUpdate, at: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('oidc_users')
      .set({
        refresh_token: this.sealRefresh(update.refreshToken),
        token_expires_at: update.tokenExpiresAt?.getTime() ?? null,
        claims: JSON.stringify(update.claims),
        updated_at: at.getTime(),
      })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
