export { loadConfig, maskSecrets, ConfigError, type LoadOptions } from './load.js';
export { configSchema, type WharfConfig } from './schema.js';
