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

/** The operations commands (docs/operations.md). */
export const OPS_COMMANDS: Record<string, Command> = {
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
