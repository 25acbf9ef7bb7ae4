import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { processEnv, type WharfConfig } from './config/index.js';
import { formatLogLine } from './lib/log-format.js';

/** Where log lines go: stdout, or any stream (a terminal when `isTTY`). */
export interface LogOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * The logger: JSON lines (pino) on stdout, or text for a person (`lib/log-format.ts`) with `log.format: pretty`,
 * or with `auto` (the default) when the output is a terminal.
 */
export function createLogger(config: Readonly<WharfConfig>, output: LogOutput = process.stdout): Logger {
  const options = { level: config.log.level, base: { service: 'wharf' } };
  const pretty = config.log.format === 'pretty' || (config.log.format === 'auto' && output.isTTY === true);
  if (!pretty)
    return output === process.stdout ? pino(options) : pino(options, { write: (line) => output.write(line) });
  const colour = output.isTTY === true && processEnv().NO_COLOR === undefined;
  return pino(options, { write: (line) => output.write(formatLogLine(line, { colour })) });
}

/** The bound address as a URL, e.g. `http://0.0.0.0:5000` or `https://[::1]:5443`. */
export function addressOf(app: FastifyInstance, https: boolean): string {
  const bound = app.server.address();
  if (bound === null || typeof bound === 'string') return String(bound);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return `${https ? 'https' : 'http'}://${host}:${bound.port}`;
}

export function splitAddr(addr: string): { host: string; port: number } {
  const colon = addr.lastIndexOf(':');
  const host = addr.slice(0, colon).replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  return { host, port: Number(addr.slice(colon + 1)) };
}
