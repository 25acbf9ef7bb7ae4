import type { Kysely } from 'kysely';
import { isSealed, sealedKeyId, SecretBoxError, settingSecretContext, type SecretBox } from '../../lib/secret-box.js';
import type {
  KeyRecords,
  NewTokenKey,
  ResealProgress,
  StoredTokenAlgorithm,
  StoredTokenKey,
} from '../../ports/key-records.js';
import type { Database } from './database.js';
import { sealTargets, WEBHOOK_AUTH_HEADER } from './sealed-targets.js';
import { OIDC_REFRESH_TOKEN, OIDC_SECRET } from './oidc-user-records.js';

/** How the settings records name a section's row (adapters/db/identity/setting-records.ts). */
const SECTION_PREFIX = 'section:';

/** A section's stored JSON object; {} when unreadable. */
function sectionValues(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The secret box context of token private keys. */
export const TOKEN_PRIVATE_KEY = 'token_keys.private_key';

/**
 * Token keys and the sealed values' maintenance over Kysely. Resealing reaches into every table holding a sealed
 * column (`token_keys.private_key`, `webhook_policies.targets`' auth headers, `oidc_users`' secret and refresh token)
 * and the sealed values of the settings sections (whose context is `settingSecretContext(section, key)`): a feature
 * adding a sealed column adds it here.
 */
export class KyselyKeyRecords implements KeyRecords {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
  ) {}

  async tokenKeys(now: Date): Promise<StoredTokenKey[]> {
    const rows = await this.db
      .selectFrom('token_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retire_at', 'is', null), eb('retire_at', '>', now.getTime())]))
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    return rows.map((row) => ({
      kid: row.kid,
      algorithm: row.algorithm as StoredTokenAlgorithm,
      privateKeyPem: this.secrets.open(row.private_key, TOKEN_PRIVATE_KEY),
      createdAt: new Date(Number(row.created_at)),
      retireAt: row.retire_at === null ? undefined : new Date(Number(row.retire_at)),
    }));
  }

  async addFirstTokenKey(key: NewTokenKey, at: Date): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const any = await tx.selectFrom('token_keys').select('kid').limit(1).executeTakeFirst();
      if (any !== undefined) return false;
      await tx.insertInto('token_keys').values(this.row(key, at)).execute();
      return true;
    });
  }

  async rotateTokenKey(key: NewTokenKey, at: Date, retireAt: Date): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('token_keys').where('retire_at', '<=', at.getTime()).execute();
      await tx
        .updateTable('token_keys')
        .set({ retire_at: retireAt.getTime() })
        .where('retire_at', 'is', null)
        .execute();
      await tx
        .updateTable('token_keys')
        .set({ retire_at: retireAt.getTime() })
        .where('retire_at', '>', retireAt.getTime())
        .execute();
      // The newest signs: after every existing key, even when clocks agree to the millisecond or lag.
      const latest = await tx
        .selectFrom('token_keys')
        .select((eb) => eb.fn.max('created_at').as('latest'))
        .executeTakeFirst();
      const after = latest?.latest === null || latest?.latest === undefined ? 0 : Number(latest.latest) + 1;
      await tx
        .insertInto('token_keys')
        .values(this.row(key, new Date(Math.max(at.getTime(), after))))
        .execute();
    });
  }

  private row(key: NewTokenKey, at: Date) {
    return {
      kid: key.kid,
      algorithm: key.algorithm,
      private_key: this.secrets.seal(key.privateKeyPem, TOKEN_PRIVATE_KEY),
      created_at: at.getTime(),
      retire_at: null,
    };
  }

  async secretKeyIdsInUse(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const count = (value: string) => {
      const kid = sealedKeyId(value);
      if (kid === undefined) throw new SecretBoxError('a stored secret is not encrypted');
      counts.set(kid, (counts.get(kid) ?? 0) + 1);
    };
    for (const row of await this.db.selectFrom('token_keys').select('private_key').execute()) count(row.private_key);
    for (const row of await this.db.selectFrom('webhook_policies').select('targets').execute()) {
      sealTargets(row.targets, (header) => {
        count(header);
        return header;
      });
    }
    for (const row of await this.db.selectFrom('oidc_users').select(['secret', 'refresh_token']).execute()) {
      count(row.secret);
      if (row.refresh_token !== null) count(row.refresh_token);
    }
    for (const row of await this.sectionRows()) {
      for (const value of Object.values(sectionValues(row.value))) {
        if (typeof value === 'string' && isSealed(value)) count(value);
      }
    }
    return counts;
  }

  async resealAll(batchSize: number, onBatch?: (progress: ResealProgress) => void): Promise<ResealProgress> {
    let resealed = 0;
    let seen = 0;
    const report = (r: number, s: number) => {
      resealed += r;
      seen += s;
      onBatch?.({ resealed, seen });
    };
    // Token keys: a handful of rows, keyed by kid.
    let afterKid = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('token_keys')
        .select(['kid', 'private_key'])
        .where('kid', '>', afterKid)
        .orderBy('kid')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      let changed = 0;
      await this.db.transaction().execute(async (tx) => {
        for (const row of rows) {
          const next = this.secrets.reseal(row.private_key, TOKEN_PRIVATE_KEY);
          if (next === row.private_key) continue;
          const result = await tx
            .updateTable('token_keys')
            .set({ private_key: next })
            .where('kid', '=', row.kid)
            .where('private_key', '=', row.private_key)
            .executeTakeFirst();
          changed += Number(result.numUpdatedRows);
        }
      });
      report(changed, rows.length);
      afterKid = rows[rows.length - 1]!.kid;
    }
    // Webhook policies: the auth headers inside the targets JSON, by id.
    let afterId = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('webhook_policies')
        .select(['id', 'targets'])
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      let changed = 0;
      let values = 0;
      const again: number[] = [];
      await this.db.transaction().execute(async (tx) => {
        for (const row of rows) {
          const targets = sealTargets(row.targets, (header) => {
            values += 1;
            return this.secrets.reseal(header, WEBHOOK_AUTH_HEADER);
          });
          if (targets === row.targets) continue;
          const result = await tx
            .updateTable('webhook_policies')
            .set({ targets })
            .where('id', '=', Number(row.id))
            .where('targets', '=', row.targets)
            .executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) again.push(Number(row.id));
          else changed += 1;
        }
      });
      report(changed, values);
      // A row changed meanwhile (an update sealing with some key): go over it once more.
      afterId = again.length > 0 ? Math.min(...again) - 1 : Number(rows[rows.length - 1]!.id);
    }
    // OIDC users: the CLI secret and the refresh token, by user id.
    let afterUser = 0;
    for (;;) {
      const rows = await this.db
        .selectFrom('oidc_users')
        .select(['user_id', 'secret', 'refresh_token'])
        .where('user_id', '>', afterUser)
        .orderBy('user_id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      let changed = 0;
      let values = 0;
      await this.db.transaction().execute(async (tx) => {
        for (const row of rows) {
          values += row.refresh_token === null ? 1 : 2;
          const secret = this.secrets.reseal(row.secret, OIDC_SECRET);
          const refresh = row.refresh_token && this.secrets.reseal(row.refresh_token, OIDC_REFRESH_TOKEN);
          if (secret === row.secret && refresh === row.refresh_token) continue;
          // Compared and set: a login or refresh meanwhile sealed its values with the current key already.
          let update = tx
            .updateTable('oidc_users')
            .set({ secret, refresh_token: refresh })
            .where('user_id', '=', Number(row.user_id))
            .where('secret', '=', row.secret);
          update =
            row.refresh_token === null
              ? update.where('refresh_token', 'is', null)
              : update.where('refresh_token', '=', row.refresh_token);
          const result = await update.executeTakeFirst();
          if (Number(result.numUpdatedRows) > 0)
            changed += (secret !== row.secret ? 1 : 0) + (refresh !== row.refresh_token ? 1 : 0);
        }
      });
      report(changed, values);
      afterUser = Number(rows[rows.length - 1]!.user_id);
    }
    // Settings sections (a handful of rows): their sealed values, each row compared and set, read again if changed.
    for (let pending = await this.sectionRows(); pending.length > 0;) {
      const again: string[] = [];
      let changed = 0;
      let values = 0;
      for (const row of pending) {
        const section = row.name.slice(SECTION_PREFIX.length);
        const parsed = sectionValues(row.value);
        let rowChanged = false;
        for (const [key, value] of Object.entries(parsed)) {
          if (typeof value !== 'string' || !isSealed(value)) continue;
          values += 1;
          const next = this.secrets.reseal(value, settingSecretContext(section, key));
          if (next !== value) {
            parsed[key] = next;
            rowChanged = true;
          }
        }
        if (!rowChanged) continue;
        const result = await this.db
          .updateTable('settings')
          .set({ value: JSON.stringify(parsed) })
          .where('name', '=', row.name)
          .where('value', '=', row.value)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) again.push(row.name);
        else changed += 1;
      }
      report(changed, values);
      pending = again.length === 0 ? [] : (await this.sectionRows()).filter((row) => again.includes(row.name));
    }
    return { resealed, seen };
  }

  private sectionRows(): Promise<{ name: string; value: string }[]> {
    return this.db
      .selectFrom('settings')
      .select(['name', 'value'])
      .where('name', 'like', `${SECTION_PREFIX}%`)
      .execute();
  }
}
