export { loadConfig, maskSecrets, ConfigError, type LoadOptions } from './load.js';
export { configSchema, type WharfConfig } from './schema.js';

/** The process environment; config/ is the only module that reads it. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
