import type { Kysely } from 'kysely';
import { isSealed, sealedKeyId, SecretBoxError, type SecretBox } from '../../lib/secret-box.js';
import { sectionSecretContext } from '../../ports/identity/setting-records.js';
import type {
  KeyRecords,
  NewTokenKey,
  ResealProgress,
  StoredTokenAlgorithm,
  StoredTokenKey,
} from '../../ports/key-records.js';
import type { Database } from './database.js';
import { sealTargets, WEBHOOK_AUTH_HEADER } from './sealed-targets.js';

/** The secret box context of token private keys. */
export const TOKEN_PRIVATE_KEY = 'token_keys.private_key';

/**
 * Token keys and the sealed values' maintenance over Kysely. Resealing reaches into every table holding a sealed
 * column (today `token_keys.private_key` and `webhook_policies.targets`' auth headers) and every sealed string of
 * the settings sections (`section:<name>` rows, sealed with `sectionSecretContext`): a feature adding a sealed
 * column adds it here.
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
    for (const row of await this.sectionRows()) {
      for (const value of Object.values(parseSection(row.value)))
        if (typeof value === 'string' && isSealed(value)) count(value);
    }
    for (const row of await this.db.selectFrom('webhook_policies').select('targets').execute()) {
      sealTargets(row.targets, (header) => {
        count(header);
        return header;
      });
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
    // Settings sections: a few rows, each a JSON object whose sealed strings are resealed in place.
    for (const row of await this.sectionRows()) {
      const section = row.name.slice(SECTION_PREFIX.length);
      const values = parseSection(row.value);
      let changed = false;
      let sealed = 0;
      for (const [key, value] of Object.entries(values)) {
        if (typeof value !== 'string' || !isSealed(value)) continue;
        sealed += 1;
        const next = this.secrets.reseal(value, sectionSecretContext(section, key));
        if (next !== value) {
          values[key] = next;
          changed = true;
        }
      }
      if (!changed) {
        report(0, sealed);
        continue;
      }
      const result = await this.db
        .updateTable('settings')
        .set({ value: JSON.stringify(values) })
        .where('name', '=', row.name)
        .where('value', '=', row.value)
        .executeTakeFirst();
      // Changed meanwhile (sealed by a node with the current key, or another value changed): reseal runs again.
      report(Number(result.numUpdatedRows) > 0 ? 1 : 0, sealed);
    }
    return { resealed, seen };
  }

  private sectionRows(): Promise<{ name: string; value: string }[]> {
    return this.db
      .selectFrom('settings')
      .select(['name', 'value'])
      .where('name', 'like', `${SECTION_PREFIX}%`)
      .orderBy('name')
      .execute();
  }
}

/** Settings sections are the rows named `section:<name>` (adapters/db/identity/setting-records.ts). */
const SECTION_PREFIX = 'section:';

function parseSection(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
