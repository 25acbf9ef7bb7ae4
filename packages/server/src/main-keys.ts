/**
 * The composition of keys and secrets (docs/architecture.md, "Keys and secrets"): the secret box from the
 * configuration or `<data.dir>/secret.key`, the check that this node can open every secret the database holds, and
 * the token key ring (the database's shared keys, or the configuration's).
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { OpenDatabase } from './adapters/db/index.js';
import { InProcessSignals } from './adapters/signals/in-process-signals.js';
import { ConfigError, type WharfConfig } from './config/index.js';
import { SharedTokenKeys, StaticTokenKeys, type TokenKeyRing } from './auth/token/token-key-ring.js';
import { loadTokenKeys, tokenKeysFromPrivateKey, type TokenKeys } from './auth/token/token-keys.js';
import { loadSecretBox, type LoadedSecretBox } from './lib/secret-key-file.js';
import type { SecretBox } from './lib/secret-box.js';
import type { Clock } from './ports/clock.js';
import type { KeyRecords, ResealProgress } from './ports/key-records.js';
import type { Signals } from './ports/signals.js';
import type { Store } from './ports/store.js';

/** The default secret key file, generated at first start unless `secrets.key` or `secrets.keyFile` is set. */
export function defaultSecretKeyFile(config: Readonly<WharfConfig>): string {
  return join(config.data.dir, 'secret.key');
}

/** The configured secret box; on PostgreSQL, warns when the key is this node's own file rather than configured. */
export async function loadConfiguredSecrets(config: Readonly<WharfConfig>, log?: Logger): Promise<LoadedSecretBox> {
  let loaded: LoadedSecretBox;
  try {
    loaded = await loadSecretBox({
      key: config.secrets.key,
      keyFile: config.secrets.keyFile,
      previousKeys: config.secrets.previousKeys,
      defaultFile: defaultSecretKeyFile(config),
    });
  } catch (error) {
    throw new ConfigError('invalid configuration', [`secrets: ${(error as Error).message}`]);
  }
  if (loaded.origin === 'generated') {
    log?.info({ file: loaded.file, kid: loaded.box.currentKid }, 'generated the secret key');
  }
  if (config.database.driver === 'postgres' && loaded.origin !== 'configured') {
    log?.warn(
      { file: loaded.file, kid: loaded.box.currentKid },
      "the secret key is this node's own file, not configured: every node sharing this PostgreSQL database must have " +
        'the same key (copy the file and set secrets.keyFile, or set secrets.key / WHARF_SECRETS_KEY on every node)',
    );
  }
  return loaded;
}

/**
 * Refuses to start when the database holds a secret sealed with a key this node does not have: starting would
 * leave those secrets unreadable here (and a rotation could not reseal them). Nothing is changed.
 */
export async function checkSecretKeys(records: KeyRecords, box: SecretBox): Promise<void> {
  const inUse = await records.secretKeyIdsInUse();
  const missing = [...inUse.keys()].filter((kid) => !box.has(kid));
  if (missing.length === 0) return;
  throw new ConfigError('the secret key does not match the database', [
    `secrets: the database holds secrets encrypted with secret key id ${missing.join(', ')}, which this node does ` +
      `not have (its key ids: ${box.kids.join(', ')}). Configure the key the other nodes use (secrets.key or ` +
      'secrets.keyFile; a former key goes in secrets.previousKeys). Nothing was changed.',
  ]);
}

export interface WharfKeys {
  /** Where token keys come from: the database (shared, rotatable here) or the configuration. */
  readonly tokenKeySource: 'database' | 'configuration';
  readonly ring: TokenKeyRing;
  /** Makes a new token key current on every node (database keys only); returns its key id. */
  rotateTokenKey(): Promise<string>;
  /** Seals every stored secret again with the current secret key. */
  resealSecrets(batchSize?: number): Promise<ResealProgress>;
  close(): Promise<void>;
}

export interface TokenKeyDependencies {
  readonly records: KeyRecords;
  readonly secrets: SecretBox;
  readonly signals: Signals;
  readonly clock: Clock;
  readonly store: Store;
  readonly log?: Logger;
}

/**
 * Token keys: `token.privateKeyFile` (with `token.previousKeyFiles`) when configured; otherwise the database's,
 * on SQLite and PostgreSQL alike (a former `<data.dir>/token` key becomes the first one, so issued tokens stay valid).
 */
export async function openWharfKeys(config: Readonly<WharfConfig>, deps: TokenKeyDependencies): Promise<WharfKeys> {
  const reseal = (batchSize = 100) => deps.records.resealAll(batchSize);
  if (config.token.privateKeyFile !== undefined) {
    const files = [config.token.privateKeyFile, ...config.token.previousKeyFiles];
    const [first, ...rest] = await Promise.all(files.map(readKeyFile));
    const ring = new StaticTokenKeys([first!, ...rest]);
    return {
      tokenKeySource: 'configuration',
      ring,
      rotateTokenKey: () =>
        Promise.reject(
          new ConfigError('token keys come from the configuration', [
            'token.privateKeyFile: rotate by configuring a new file and listing the old one in token.previousKeyFiles',
          ]),
        ),
      resealSecrets: reseal,
      close: () => Promise.resolve(),
    };
  }
  const ring = await SharedTokenKeys.open({
    records: deps.records,
    signals: deps.signals,
    clock: deps.clock,
    algorithm: config.token.algorithm,
    maxTokenLifetimeSeconds: async () => (await deps.store.settings.get()).tokenExpiration * 60,
    initialKey: await loadTokenKeys(join(config.data.dir, 'token')),
    onError: (err, message) => deps.log?.warn({ err }, message),
  });
  return {
    tokenKeySource: 'database',
    ring,
    rotateTokenKey: () => ring.rotate(),
    resealSecrets: reseal,
    close: () => Promise.resolve(ring.close()),
  };
}

/**
 * `openWharfKeys` over the database, with `signals` (when none is given, in-process signals this owns and closes:
 * other processes then learn of a rotation by their periodic re-read or the first token naming the new key).
 */
export async function startWharfKeys(
  config: Readonly<WharfConfig>,
  deps: Omit<TokenKeyDependencies, 'records' | 'signals'> & { database: OpenDatabase; signals?: Signals },
): Promise<WharfKeys> {
  const signals =
    deps.signals ?? new InProcessSignals((err, channel) => deps.log?.warn({ err, channel }, 'a signal handler failed'));
  const keys = await openWharfKeys(config, { ...deps, records: deps.database.keys(), signals });
  deps.log?.info({ kid: keys.ring.current().kid, source: keys.tokenKeySource }, 'token signing key');
  return {
    ...keys,
    async close() {
      await keys.close();
      if (deps.signals === undefined) await signals.close();
    },
  };
}

async function readKeyFile(file: string): Promise<TokenKeys> {
  try {
    return tokenKeysFromPrivateKey(createPrivateKey(await readFile(file, 'utf8')));
  } catch (error) {
    throw new ConfigError('invalid configuration', [
      `token: cannot use the key in ${file}: ${(error as Error).message}`,
    ]);
  }
}

/**
 * The configured database with the configured secret box, migrated and checked (`checkSecretKeys`): what the
 * `wharf keys` commands work on. The caller closes `database.store`.
 */
export async function openKeyedDatabase(
  config: Readonly<WharfConfig>,
  open: (secrets: SecretBox) => OpenDatabase,
  log?: Logger,
): Promise<{ database: OpenDatabase; secrets: LoadedSecretBox }> {
  const secrets = await loadConfiguredSecrets(config, log);
  const database = open(secrets.box);
  try {
    const applied = await database.store.migrate();
    if (applied.length) log?.info({ migrations: applied }, 'database migrated');
    await checkSecretKeys(database.keys(), secrets.box);
  } catch (error) {
    await database.store.close();
    throw error;
  }
  return { database, secrets };
}
