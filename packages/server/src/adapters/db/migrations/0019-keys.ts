import type { Kysely } from 'kysely';
import { isSealed, type SecretBox } from '../../../lib/secret-box.js';
import type { SqlDialect } from '../database.js';
import type { DialectMigration, MigrationContext } from './dialect-migration.js';
import { WEBHOOK_AUTH_HEADER, sealTargets } from '../sealed-targets.js';

/**
 * Keys shared by the nodes (docs/architecture.md, "Keys and secrets"): the token signing keys (`token_keys`, the
 * private key sealed by the secret box; a key verifies until `retire_at`, the newest signs), and webhook targets'
 * auth headers sealed at rest: every clear one stored before is encrypted here with the current secret key. Without
 * a secret box the migration refuses when there is a clear header to encrypt (never silently keeping it in clear).
 */
async function up(db: Kysely<unknown>, _dialect: SqlDialect, { secrets }: MigrationContext): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await tx.schema
      .createTable('token_keys')
      .addColumn('kid', 'text', (col) => col.primaryKey())
      .addColumn('algorithm', 'text', (col) => col.notNull())
      .addColumn('private_key', 'text', (col) => col.notNull())
      .addColumn('created_at', 'bigint', (col) => col.notNull())
      .addColumn('retire_at', 'bigint')
      .execute();
    await rewriteTargets(tx, (targets) => sealTargets(targets, (header) => seal(header, secrets)));
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

function seal(header: string, secrets: SecretBox | undefined): string {
  if (isSealed(header)) return header;
  if (secrets === undefined) {
    throw new Error('migration 0019-keys encrypts webhook auth headers and needs the secret key (secrets.*)');
  }
  return secrets.seal(header, WEBHOOK_AUTH_HEADER);
}

async function down(db: Kysely<unknown>, _dialect: SqlDialect, { secrets }: MigrationContext): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    await rewriteTargets(tx, (targets) =>
      sealTargets(targets, (header) => {
        if (!isSealed(header)) return header;
        if (secrets === undefined) throw new Error('undoing migration 0019-keys needs the secret key (secrets.*)');
        return secrets.open(header, WEBHOOK_AUTH_HEADER);
      }),
    );
    await tx.schema.dropTable('token_keys').execute();
  };
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

/** Applies `change` to every policy's targets JSON, writing back those it changed. */
async function rewriteTargets(db: Kysely<unknown>, change: (targets: string) => string): Promise<void> {
  const tx = db as unknown as Kysely<{ webhook_policies: { id: number; targets: string } }>;
  const rows = await tx.selectFrom('webhook_policies').select(['id', 'targets']).orderBy('id').execute();
  for (const row of rows) {
    const targets = change(row.targets);
    if (targets !== row.targets) {
      await tx.updateTable('webhook_policies').set({ targets }).where('id', '=', row.id).execute();
    }
  }
}

export const keysSchema: DialectMigration = { up, down };
