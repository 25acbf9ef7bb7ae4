import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { generateTokenKeys } from '../../auth/token/token-keys.js';
import { SecretBox, sealedKeyId, settingSecretContext } from '../../lib/secret-box.js';
import type { Database, SqlDialect } from './database.js';
import { storeOver } from './index.js';
import { KyselyKeyRecords } from './key-records.js';
import { InCodeMigrationProvider, migrationsFrom } from './migrations/in-code-migration-provider.js';
import { KyselyOidcUserRecords } from './oidc-user-records.js';
import { openPostgres } from './postgres.js';
import { createTestDatabase } from './postgres-test-database.js';
import { openSqlite } from './sqlite.js';

interface Opened {
  readonly db: Kysely<Database>;
  readonly dialect: SqlDialect;
}

const backends: Record<SqlDialect, () => Promise<Opened & { dispose(): Promise<void> }>> = {
  sqlite: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-keys-'));
    const db = openSqlite({ path: join(dir, 'wharf.db'), synchronous: 'normal' });
    return {
      db,
      dialect: 'sqlite',
      dispose: async () => (await db.destroy(), rm(dir, { recursive: true, force: true })),
    };
  },
  postgres: async () => {
    const database = await createTestDatabase();
    const db = openPostgres({ url: database.url, poolSize: 4 });
    return { db, dialect: 'postgres', dispose: async () => (await db.destroy(), database.drop()) };
  },
};

const TARGETS = (header: string) =>
  JSON.stringify([
    {
      type: 'http',
      address: 'https://hooks.example.com/a',
      auth_header: header,
      skip_cert_verify: false,
      payload_format: 'Default',
    },
    {
      type: 'slack',
      address: 'https://hooks.example.com/b',
      auth_header: '',
      skip_cert_verify: false,
      payload_format: 'Default',
    },
  ]);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`keys and sealed secrets on ${dialect}`, () => {
    const open: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const dispose of open.splice(0)) await dispose();
    });

    async function fresh(): Promise<Opened> {
      const opened = await backends[dialect]();
      open.push(() => opened.dispose());
      return opened;
    }

    /** A database at 0018 holding one webhook policy with a clear auth header (as stored before 0019). */
    async function legacy(): Promise<Opened & { policyId: number }> {
      const opened = await fresh();
      const migrator = new Migrator({ db: opened.db, provider: new InCodeMigrationProvider(dialect) });
      expect((await migrator.migrateTo('0018-retention-deleted')).error).toBeUndefined();
      const project = await storeOver(opened.db, dialect).projects.create({ name: 'hooks', public: false });
      await sql`insert into webhook_policies (project_id, name, description, enabled, event_types, targets, creator, created_at, updated_at)
        values (${project.id}, 'p', '', 1, '["PUSH_ARTIFACT"]', ${TARGETS('Bearer clear-one')}, 'admin', 1, 1)`.execute(
        opened.db,
      );
      const row = await opened.db.selectFrom('webhook_policies').select('id').executeTakeFirstOrThrow();
      return { ...opened, policyId: Number(row.id) };
    }

    async function storedHeader(db: Kysely<Database>, id: number): Promise<string> {
      const row = await db
        .selectFrom('webhook_policies')
        .select('targets')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return (JSON.parse(row.targets) as { auth_header: string }[])[0]!.auth_header;
    }

    it('migration 0019 refuses without the secret key, leaving the clear header as it was', async () => {
      const { db, policyId } = await legacy();
      await expect(storeOver(db, dialect).migrate()).rejects.toThrow(/0019-keys failed/);
      expect(await storedHeader(db, policyId)).toBe('Bearer clear-one');
    });

    it('migration 0019 encrypts existing clear auth headers; reading opens them and refuses clear ones', async () => {
      const { db, policyId } = await legacy();
      const box = new SecretBox(randomBytes(32));
      const store = storeOver(db, dialect, box);
      expect(await store.migrate()).toEqual(migrationsFrom('0019-keys'));
      const stored = await storedHeader(db, policyId);
      expect(stored).toMatch(/^enc:v1:[0-9a-f]{16}:/);
      expect(stored).not.toContain('clear-one');
      expect(sealedKeyId(stored)).toBe(box.currentKid);
      const policy = await store.webhooks.get(policyId);
      expect(policy?.targets.map((t) => t.authHeader)).toEqual(['Bearer clear-one', '']);
      // A clear value written behind Wharf's back is refused rather than used.
      await db
        .updateTable('webhook_policies')
        .set({ targets: TARGETS('Bearer sneaked') })
        .execute();
      await expect(store.webhooks.get(policyId)).rejects.toThrow(/not encrypted/);
      // A store without the key cannot read the sealed value either.
      await db
        .updateTable('webhook_policies')
        .set({ targets: TARGETS(stored) })
        .execute();
      await expect(storeOver(db, dialect).webhooks.get(policyId)).rejects.toThrow(/needs the secret key/);
      // Undoing 0019 decrypts them again.
      const migrator = new Migrator({ db, provider: new InCodeMigrationProvider(dialect, { secrets: box }) });
      expect((await migrator.migrateTo('0018-retention-deleted')).error).toBeUndefined();
      expect(await storedHeader(db, policyId)).toBe('Bearer clear-one');
    });

    it('counts key ids in use and reseals everything with the current key, idempotently; the old key can go', async () => {
      const { db, policyId } = await legacy();
      const k1 = randomBytes(32);
      const k2 = randomBytes(32);
      const old = new SecretBox(k1);
      await storeOver(db, dialect, old).migrate();
      const oldRecords = new KyselyKeyRecords(db, old);
      expect(await oldRecords.addFirstTokenKey(keyOf(), new Date(1000))).toBe(true);
      expect(await oldRecords.addFirstTokenKey(keyOf(), new Date(2000))).toBe(false);
      expect(await oldRecords.secretKeyIdsInUse()).toEqual(new Map([[old.currentKid, 2]]));

      const ring = new SecretBox(k2, [k1]);
      const records = new KyselyKeyRecords(db, ring);
      const batches: number[] = [];
      expect(await records.resealAll(1, (p) => batches.push(p.resealed))).toEqual({ resealed: 2, seen: 2 });
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(await records.secretKeyIdsInUse()).toEqual(new Map([[ring.currentKid, 2]]));
      expect(await records.resealAll(1)).toEqual({ resealed: 0, seen: 2 });

      const only = new SecretBox(k2);
      expect((await new KyselyKeyRecords(db, only).tokenKeys(new Date(3000))).length).toBe(1);
      expect((await storeOver(db, dialect, only).webhooks.get(policyId))?.targets[0]?.authHeader).toBe(
        'Bearer clear-one',
      );
      // The former key alone opens nothing any more.
      await expect(storeOver(db, dialect, old).webhooks.get(policyId)).rejects.toThrow(/does not have/);
    });

    it("keeps OIDC users' secret and refresh token and the settings sections' secrets sealed, and reseals them", async () => {
      const { db } = await fresh();
      const k1 = randomBytes(32);
      const k2 = randomBytes(32);
      const old = new SecretBox(k1);
      const store = storeOver(db, dialect, old);
      await store.migrate();
      const user = await store.users.create({ username: 'oidc-user', passwordHash: null });
      const claims = { email: 'u@example.com', realname: 'U', groups: ['devs'], admin: false };
      const oidc = new KyselyOidcUserRecords(db, old);
      await oidc.save(
        {
          userId: user.id,
          issuer: 'https://idp',
          subject: 's1',
          secret: 'cli-1',
          refreshToken: 'rt-1',
          tokenExpiresAt: new Date(5000),
          claims,
        },
        new Date(1000),
      );
      // A second save (a login again) keeps the secret; the same subject moving to another user replaces the row.
      await oidc.save(
        {
          userId: user.id,
          issuer: 'https://idp',
          subject: 's1',
          secret: 'other',
          refreshToken: 'rt-2',
          tokenExpiresAt: null,
          claims,
        },
        new Date(2000),
      );
      expect(await oidc.getBySubject('https://idp', 's1')).toMatchObject({ secret: 'cli-1', refreshToken: 'rt-2' });
      const raw = await db.selectFrom('oidc_users').selectAll().executeTakeFirstOrThrow();
      expect(raw.secret).toMatch(/^enc:v1:/);
      expect(raw.refresh_token).toMatch(/^enc:v1:/);
      await store.settings.setSection('feature', {
        password: old.seal('bind-pw', settingSecretContext('feature', 'password')),
        plain: 'x',
      });
      expect(await new KyselyKeyRecords(db, old).secretKeyIdsInUse()).toEqual(new Map([[old.currentKid, 3]]));

      const ring = new SecretBox(k2, [k1]);
      const records = new KyselyKeyRecords(db, ring);
      expect(await records.resealAll(10)).toEqual({ resealed: 3, seen: 3 });
      expect(await records.secretKeyIdsInUse()).toEqual(new Map([[ring.currentKid, 3]]));
      expect(await records.resealAll(10)).toEqual({ resealed: 0, seen: 3 });
      const only = new SecretBox(k2);
      expect(await new KyselyOidcUserRecords(db, only).getByUserId(user.id)).toMatchObject({
        secret: 'cli-1',
        refreshToken: 'rt-2',
      });
      const section = await storeOver(db, dialect, only).settings.getSection('feature');
      expect(only.open(section.password as string, settingSecretContext('feature', 'password'))).toBe('bind-pw');
      expect(section.plain).toBe('x');
    });

    it("counts and reseals the sealed values of settings sections, under their section's and key's context", async () => {
      const { db } = await fresh();
      const k1 = randomBytes(32);
      const k2 = randomBytes(32);
      const old = new SecretBox(k1);
      const store = storeOver(db, dialect, old);
      await store.migrate();
      const context = settingSecretContext('email', 'email_password');
      await store.settings.setSection('email', {
        email_host: 'smtp.example.com',
        email_password: old.seal('s3cret', context),
      });
      await store.settings.setSection('other', { plain: 'enc:v1:not-sealed' });
      const before = await new KyselyKeyRecords(db, old).secretKeyIdsInUse();
      expect(before.get(old.currentKid)).toBe(1);

      const ring = new SecretBox(k2, [k1]);
      const records = new KyselyKeyRecords(db, ring);
      expect(await records.resealAll(10)).toEqual({ resealed: 1, seen: 1 });
      expect(await records.resealAll(10)).toEqual({ resealed: 0, seen: 1 });
      expect((await records.secretKeyIdsInUse()).get(old.currentKid)).toBeUndefined();
      const section = await storeOver(db, dialect, ring).settings.getSection('email');
      expect(section.email_host).toBe('smtp.example.com');
      expect(new SecretBox(k2).open(section.email_password as string, context)).toBe('s3cret');
      expect((await store.settings.getSection('other')).plain).toBe('enc:v1:not-sealed');
    });

    it('rotating token keys: the newest signs, the others verify until they retire, then go', async () => {
      const { db } = await fresh();
      const box = new SecretBox(randomBytes(32));
      await storeOver(db, dialect, box).migrate();
      const records = new KyselyKeyRecords(db, box);
      const first = keyOf();
      const second = keyOf();
      await records.addFirstTokenKey(first, new Date(1000));
      await records.rotateTokenKey(second, new Date(2000), new Date(5000));
      expect((await records.tokenKeys(new Date(4999))).map((k) => [k.kid, k.retireAt?.getTime()])).toEqual([
        [second.kid, undefined],
        [first.kid, 5000],
      ]);
      expect((await records.tokenKeys(new Date(4999)))[1]?.privateKeyPem).toBe(first.privateKeyPem);
      expect((await records.tokenKeys(new Date(5000))).map((k) => k.kid)).toEqual([second.kid]);
      const third = keyOf();
      await records.rotateTokenKey(third, new Date(6000), new Date(9000));
      const all = await db.selectFrom('token_keys').select('kid').execute();
      expect(all.map((r) => r.kid).sort()).toEqual([second.kid, third.kid].sort());
    });
  });
}

function keyOf() {
  const keys = generateTokenKeys('ES256');
  return {
    kid: keys.kid,
    algorithm: keys.algorithm,
    privateKeyPem: keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
