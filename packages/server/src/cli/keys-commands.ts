import { pino } from 'pino';
import { SharedTokenKeys } from '../auth/token/token-key-ring.js';
import type { WharfConfig } from '../config/index.js';
import { secretKeyId } from '../lib/secret-box.js';
import { prependSecretKey, pruneSecretKeyFile } from '../lib/secret-key-file.js';
import { openConfiguredDatabase, signalsFor } from '../main.js';
import { defaultSecretKeyFile, openKeyedDatabase } from '../main-keys.js';
import { systemClock } from '../ports/clock.js';

const USAGE = 'wharf keys status|rotate-token-key|rotate-secret-key|reseal|prune-secret-keys [--config FILE]';

export const KEYS_HELP = `Keys and secrets (docs/architecture.md, "Keys and secrets"):

  status             the secret key ids (current, previous), which of them stored secrets use, and the token keys
  rotate-token-key   a new token signing key becomes current for every node; the others keep verifying until the
                     longest token lifetime has passed, then retire (database keys only, not token.privateKeyFile)
  rotate-secret-key  with the default key file (or secrets.keyFile): writes a new current key to the file, keeps the
                     old ones as previous keys, and reseals every stored secret. With secrets.key: set the new key,
                     list the old one in secrets.previousKeys, restart the nodes, then run reseal.
  reseal             seals every stored secret again with the current key (batches; idempotent; run it again after
                     an interruption, and once more after every node was restarted with the new key)
  prune-secret-keys  removes from the key file the previous keys no stored secret uses any more`;

/** Runs one `wharf keys` sub-command; the exit status. */
export async function runKeys(config: Readonly<WharfConfig>, sub: string | undefined): Promise<number> {
  if (
    sub === undefined ||
    !['status', 'rotate-token-key', 'rotate-secret-key', 'reseal', 'prune-secret-keys'].includes(sub)
  ) {
    console.error(`usage: ${USAGE}`);
    return 2;
  }
  if (sub === 'rotate-secret-key') {
    const file =
      config.secrets.key === undefined ? (config.secrets.keyFile ?? defaultSecretKeyFile(config)) : undefined;
    if (file === undefined) {
      console.error(
        'wharf: the secret key comes from secrets.key: set the new key there, move the old one to secrets.previousKeys, ' +
          'restart every node, then run `wharf keys reseal`',
      );
      return 2;
    }
    // Check first that this node can open everything (never rotate away from data it cannot read).
    const before = await openKeyedDatabase(config, (box) => openConfiguredDatabase(config, undefined, box));
    await before.database.store.close();
    await prependSecretKey(file);
    console.log(`new current secret key written to ${file}`);
    return reseal(config);
  }
  if (sub === 'reseal') return reseal(config);
  const { database, secrets } = await openKeyedDatabase(config, (box) =>
    openConfiguredDatabase(config, undefined, box),
  );
  try {
    const inUse = await database.keys().secretKeyIdsInUse();
    if (sub === 'status') {
      console.log(`secret key: current ${secrets.box.currentKid}${secrets.file ? ` (${secrets.file})` : ''}`);
      for (const kid of secrets.box.kids.slice(1)) console.log(`secret key: previous ${kid}`);
      for (const [kid, count] of inUse) console.log(`stored secrets sealed with ${kid}: ${count}`);
      for (const key of await database.keys().tokenKeys(new Date())) {
        const state = key.retireAt ? `verifies until ${key.retireAt.toISOString()}` : 'current';
        console.log(`token key ${key.kid} (${key.algorithm}): ${state}`);
      }
      return 0;
    }
    if (sub === 'prune-secret-keys') {
      if (secrets.file === undefined) {
        console.error(
          'wharf: the secret keys come from the configuration: remove unused ones from secrets.previousKeys',
        );
        return 2;
      }
      const removed = await pruneSecretKeyFile(secrets.file, (key) => inUse.has(secretKeyId(key)));
      console.log(
        `removed ${removed} previous key${removed === 1 ? '' : 's'} no stored secret uses from ${secrets.file}`,
      );
      return 0;
    }
    // rotate-token-key
    if (config.token.privateKeyFile !== undefined) {
      console.error(
        'wharf: token keys come from token.privateKeyFile: configure a new file, the old one in token.previousKeyFiles',
      );
      return 2;
    }
    // Published through Redis or PostgreSQL NOTIFY, so that running nodes switch within a second; on SQLite alone
    // (in-process signals) they learn of the new key by their periodic re-read (30 s) or the first token naming it.
    const signals = signalsFor(config, false, pino({ level: 'warn' }));
    const ring = await SharedTokenKeys.open({
      records: database.keys(),
      signals,
      clock: systemClock,
      algorithm: config.token.algorithm,
      maxTokenLifetimeSeconds: async () => (await database.store.settings.get()).tokenExpiration * 60,
      refreshMs: 0,
    });
    const kid = await ring.rotate();
    ring.close();
    await signals.close();
    console.log(`token key ${kid} is current; the previous keys verify until the longest token lifetime has passed`);
    return 0;
  } finally {
    await database.store.close();
  }
}

async function reseal(config: Readonly<WharfConfig>): Promise<number> {
  const { database, secrets } = await openKeyedDatabase(config, (box) =>
    openConfiguredDatabase(config, undefined, box),
  );
  try {
    const progress = await database.keys().resealAll(100);
    console.log(
      `resealed ${progress.resealed} of ${progress.seen} stored secrets with secret key ${secrets.box.currentKid}`,
    );
    const others = [...(await database.keys().secretKeyIdsInUse()).keys()].filter(
      (kid) => kid !== secrets.box.currentKid,
    );
    if (others.length > 0)
      console.log(`still sealed with ${others.join(', ')}: run reseal again after restarting the nodes`);
    else console.log('no stored secret uses a previous key: they can be removed (wharf keys prune-secret-keys)');
    return 0;
  } finally {
    await database.store.close();
  }
}
