import { listSnapshots, KEEP_COPIES, restoreSnapshot } from '../adapters/db/sqlite-snapshots.js';
import { loadConfig, processEnv } from '../config/index.js';
import { backup, BackupError, restore, type BackupPaths } from './backup.js';
import type { Command, OptionValues } from './command.js';

function strings(value: OptionValues[string]): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function integer(value: OptionValues[string], name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number`);
  return n;
}

class UsageError extends Error {}

function load(file: string | undefined) {
  return loadConfig({ file: file ?? processEnv().WHARF_CONFIG, env: processEnv() });
}

/** The operations commands (docs/operations.md). */
function backupPaths(file: string | undefined): BackupPaths {
  const config = load(file);
  if (config.database.driver !== 'sqlite' || config.storage.driver !== 'filesystem') {
    throw new BackupError(
      'wharf backup/restore cover SQLite with filesystem storage; for PostgreSQL and S3 see docs/operations.md',
    );
  }
  return { dataDir: config.data.dir, dbPath: config.database.path!, storageRoot: config.storage.rootDirectory! };
}

async function reported(name: string, work: () => Promise<unknown>): Promise<number> {
  try {
    await work();
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    console.error(`wharf ${name}: ${err.message}`);
    return 1;
  }
}

export const OPS_COMMANDS: Record<string, Command> = {
  backup: {
    summary: 'online backup of the SQLite database and filesystem storage into DIR (resumable)',
    usage: 'wharf backup DIR [--config FILE]',
    help: `Copies the database (SQLite's online backup API, while Wharf runs), every blob that copy references and the
data directory's other files (token keys) into DIR, with DIR/MANIFEST.json listing each file's size and sha256.
Run it again after an interruption: it copies only what is missing. Keep DIR on another disk.`,
    run({ config: file, positional }) {
      const out = positional[0];
      if (!out || positional.length > 1) {
        console.error('usage: wharf backup DIR [--config FILE]');
        return Promise.resolve(2);
      }
      return reported('backup', () => backup(backupPaths(file), out, (line) => console.log(line)));
    },
  },
  restore: {
    summary: 'restore a backup made by wharf backup into an empty data directory',
    usage: 'wharf restore DIR [--config FILE] [--force]',
    help: `Checks every file of the backup in DIR against its MANIFEST.json (size and sha256) before writing anything,
then writes the database, the blobs and the other files to the configured data directory, database and storage
root. Refuses a data directory that is not empty unless --force. Wharf must not be running on it.`,
    options: { force: { type: 'boolean' } },
    run({ config: file, positional, values = {} }) {
      const from = positional[0];
      if (!from || positional.length > 1) {
        console.error('usage: wharf restore DIR [--config FILE] [--force]');
        return Promise.resolve(2);
      }
      return reported('restore', () => restore(from, backupPaths(file), values.force === true, (l) => console.log(l)));
    },
  },
  rollback: {
    summary: 'put back the SQLite database copied before the last migration (Wharf stopped)',
    usage: 'wharf rollback [--config FILE] [--list] [--to FILE]',
    help: `Before migrations change a SQLite database, Wharf copies it next to the database as
<file>.schema-<last migration>.bak (the newest ${KEEP_COPIES} are kept). With Wharf stopped, this command puts the newest copy
(or --to FILE) back as the database, keeping the current one as <file>.rolled-back-<time>; then start the previous
Wharf version. --list prints the copies. Changes made since the copy are not in it. PostgreSQL: restore the
pg_dump taken before the upgrade instead (docs/operations.md).\n\n${'Configuration: --config FILE or WHARF_CONFIG, and WHARF_* variables.'}`,
    options: { list: { type: 'boolean' }, to: { type: 'string' } },
    async run({ config: file, values = {} }) {
      const config = load(file);
      if (config.database.driver !== 'sqlite') {
        console.error('wharf rollback: only for SQLite; on PostgreSQL restore the dump taken before the upgrade');
        return 1;
      }
      const dbPath = config.database.path!;
      const snapshots = await listSnapshots(dbPath);
      if (values.list === true) {
        for (const s of snapshots) console.log(`${s.file}  schema ${s.version}  ${new Date(s.mtimeMs).toISOString()}`);
        if (snapshots.length === 0) console.log(`no pre-migration copies of ${dbPath}`);
        return 0;
      }
      const chosen = typeof values.to === 'string' ? values.to : snapshots[0]?.file;
      if (!chosen) {
        console.error(`wharf rollback: no pre-migration copy of ${dbPath}`);
        return 1;
      }
      const kept = await restoreSnapshot(dbPath, chosen, new Date());
      console.log(`restored ${chosen} as ${dbPath}\nthe database as it was is kept as ${kept}`);
      return 0;
    },
  },
  certs: {
    summary: 'make a private CA and a TLS server certificate it signs',
    usage: 'wharf certs --out DIR --san NAME_OR_IP [--san ...] [--days N] [--port N] [--force]',
    help: `Writes DIR/ca.crt, DIR/ca.key, DIR/server.crt (with the CA appended) and DIR/server.key (keys 0600) for a
server reached under every --san (DNS names and IP addresses), and prints where docker, podman/buildah/skopeo and
containerd look for the CA and the configuration keys that serve the pair. Existing files are never replaced
without --force. --days: the server certificate's validity (default 825; the CA lasts ten times as long).
--port: the port clients use, for the printed paths (default 443).`,
    options: {
      out: { type: 'string', short: 'o' },
      san: { type: 'string', multiple: true },
      days: { type: 'string' },
      port: { type: 'string' },
      force: { type: 'boolean' },
    },
    async run({ values = {} }) {
      const out = values.out;
      const sans = strings(values.san);
      if (typeof out !== 'string' || sans.length === 0) {
        console.error('usage: wharf certs --out DIR --san NAME_OR_IP [--san ...] [--force]');
        return 2;
      }
      // Loaded on use: the X.509 library (and its reflect-metadata polyfill) stays out of every other command.
      const { CertsError, certsInstructions, makeCerts } = await import('./certs.js');
      try {
        const days = integer(values.days, '--days', 825);
        const port = integer(values.port, '--port', 443);
        const result = await makeCerts({ out, sans, force: values.force === true, days });
        process.stdout.write(certsInstructions(result, sans, port));
        return 0;
      } catch (err) {
        if (!(err instanceof CertsError || err instanceof UsageError)) throw err;
        console.error(`wharf certs: ${err.message}`);
        return 1;
      }
    },
  },
};
