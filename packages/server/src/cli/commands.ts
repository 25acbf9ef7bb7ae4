import cluster from 'node:cluster';
import { stringify } from 'yaml';
import { ConfigError, loadConfig, maskSecrets, processEnv } from '../config/index.js';
import { buildOpenApiDocument } from '../http/api/openapi/document.js';
import { WHARF_VERSION, openConfiguredStore } from '../main.js';
import { recountQuotas } from '../services/quotas/quotas.js';
import { serve } from './serve.js';
import type { Command } from './command.js';
import { OPS_COMMANDS } from './ops-commands.js';
import { KEYS_HELP, runKeys } from './keys-commands.js';
import { loadConfiguredSecrets } from '../main-keys.js';

export type { Command, OptionValues } from './command.js';

const CONFIG_HELP = `Configuration: defaults < YAML file (--config FILE or WHARF_CONFIG) < WHARF_* environment variables
(WHARF_HTTP_ADDR sets http.addr, WHARF_DATA_DIR sets data.dir, ...). See docs/configuration.md.`;

function load(file: string | undefined) {
  const source = file ?? processEnv().WHARF_CONFIG;
  return loadConfig({
    file: source,
    env: processEnv(),
    // The workers of `wharf serve` load the same file again: the primary has said it once.
    onIgnoredHarborKey: cluster.isWorker
      ? () => undefined
      : (note) => console.warn(`wharf: warning: ${source ?? 'harbor.yml'}: ignored ${note}`),
  });
}

export const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'start the registry server',
    usage: 'wharf serve [--config FILE]',
    help: `Starts Wharf. Migrates the database first, then starts http.workers worker processes (default: one per
core) sharing the port. SIGTERM/SIGINT shut down gracefully (in-flight requests finish); SIGHUP reloads the TLS
certificate and key.\n\n${CONFIG_HELP}`,
    run({ config: file }) {
      return serve(load(file));
    },
  },
  migrate: {
    summary: 'apply database migrations and exit',
    usage: 'wharf migrate [--config FILE]',
    help: `Applies pending schema migrations to the configured database (serve also does this at start).\n\n${CONFIG_HELP}`,
    async run({ config: file }) {
      const config = load(file);
      const store = openConfiguredStore(config, undefined, (await loadConfiguredSecrets(config)).box);
      try {
        const applied = await store.migrate();
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await store.close();
      }
      return 0;
    },
  },
  'verify-config': {
    summary: 'validate a configuration file',
    usage: 'wharf verify-config FILE',
    help: 'Validates FILE (and the WHARF_* environment) and reports every problem; exit status 1 when invalid.',
    run({ positional }) {
      const file = positional[0];
      if (!file) {
        console.error('usage: wharf verify-config FILE');
        return Promise.resolve(2);
      }
      load(file);
      console.log(`${file}: configuration is valid`);
      return Promise.resolve(0);
    },
  },
  'print-config': {
    summary: 'print the effective configuration (secrets masked)',
    usage: 'wharf print-config [--config FILE]',
    help: `Prints the configuration Wharf would run with, as YAML, with secrets masked.\n\n${CONFIG_HELP}`,
    run({ config: file }) {
      process.stdout.write(stringify(maskSecrets(load(file))));
      return Promise.resolve(0);
    },
  },
  quota: {
    summary: "quota maintenance: `quota recount` repairs every project's storage usage",
    usage: 'wharf quota recount [--config FILE]',
    help: `Recomputes every project's storage usage from the references (each digest a project's repositories link
or hold as a manifest, counted once per project) and stores the corrected values. Prints one line per project
it changed. Safe while the server runs: a value changed meanwhile by a push is left for the next recount.
Migrates the database first.\n\n${CONFIG_HELP}`,
    async run({ config: file, positional }) {
      if (positional[0] !== 'recount' || positional.length > 1) {
        console.error('usage: wharf quota recount [--config FILE]');
        return 2;
      }
      const config = load(file);
      const store = openConfiguredStore(config, undefined, (await loadConfiguredSecrets(config)).box);
      try {
        await store.migrate();
        const repairs = await recountQuotas(store);
        for (const r of repairs) console.log(`${r.projectName}: used ${r.before} -> ${r.after} bytes`);
        console.log(`recounted: ${repairs.length} project${repairs.length === 1 ? '' : 's'} corrected`);
      } finally {
        await store.close();
      }
      return 0;
    },
  },
  keys: {
    summary: 'keys and secrets: status, rotate-token-key, rotate-secret-key, reseal, prune-secret-keys',
    usage: 'wharf keys status|rotate-token-key|rotate-secret-key|reseal|prune-secret-keys [--config FILE]',
    help: `${KEYS_HELP}\n\nMigrates the database first.\n\n${CONFIG_HELP}`,
    run: ({ config: file, positional }) => runKeys(load(file), positional.length === 1 ? positional[0] : undefined),
  },
  openapi: {
    summary: 'print the management API description (OpenAPI 3.0 JSON)',
    usage: 'wharf openapi',
    help: `Prints Wharf's OpenAPI 3.0 description of /api/v2.0 as JSON, the document the server serves at
/api/v2.0/openapi.json. Needs no configuration or database; generate API clients from it.`,
    run() {
      process.stdout.write(`${JSON.stringify(buildOpenApiDocument({ version: WHARF_VERSION }), null, 2)}\n`);
      return Promise.resolve(0);
    },
  },
};

Object.assign(COMMANDS, OPS_COMMANDS);

export { ConfigError };
