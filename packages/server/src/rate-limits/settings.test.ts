import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema, ConfigError, loadConfig } from '../config/index.js';
import { createRateLimits } from '../main-observers.js';
import { rateLimitPolicy } from './settings.js';

const silent = pino({ level: 'silent' });

describe('rate limit settings', () => {
  it('are off by default: the composition root builds nothing for the request path', () => {
    const config = loadConfig({ env: {} });
    expect(config.rateLimits.enabled).toBe(false);
    expect(createRateLimits(config, silent)).toBeUndefined();
  });

  it('have defaults per class for accounts and addresses, and read every key from the environment', () => {
    const config = loadConfig({
      env: {
        WHARF_RATELIMITS_ENABLED: 'true',
        WHARF_RATELIMITS_PUSH_ANONYMOUS_REQUESTS: '0',
        WHARF_RATELIMITS_API_AUTHENTICATED_WINDOW: '5m',
        WHARF_RATELIMITS_EXEMPT: '10.0.0.0/8, fd00::/8 ,192.0.2.1',
      },
    });
    const policy = rateLimitPolicy(config.rateLimits);
    expect(policy.rule('pull', 'authenticated')).toEqual({
      name: 'pull.authenticated',
      requests: 3000,
      windowSeconds: 60,
    });
    expect(policy.rule('api', 'authenticated')?.windowSeconds).toBe(300);
    expect(policy.rule('push', 'anonymous')).toBeUndefined(); // 0: no limit
    expect(policy.rule('auth', 'anonymous')?.requests).toBe(300);
    expect(policy.isExemptAddress('10.200.1.1')).toBe(true);
    expect(policy.isExemptAddress('::ffff:10.200.1.1')).toBe(true);
    expect(policy.isExemptAddress('fd00::1')).toBe(true);
    expect(policy.isExemptAddress('192.0.2.1')).toBe(true);
    expect(policy.isExemptAddress('192.0.2.2')).toBe(false);
    expect(policy.isExemptAddress('not an address')).toBe(false);
  });

  it('take exemptions as a YAML list too (what print-config shows)', () => {
    const config = configSchema.parse({ rateLimits: { exempt: ['10.0.0.0/8'], exemptPrincipals: ['robot$ci'] } });
    expect(config.rateLimits.exempt).toEqual(['10.0.0.0/8']);
    expect(rateLimitPolicy(config.rateLimits).isExemptPrincipal('robot$ci')).toBe(true);
    expect(() => configSchema.parse({ rateLimits: { exempt: ['nope'] } })).toThrow();
  });

  it('divide every limit among processes that count apart (in-memory counters under several workers)', () => {
    const config = loadConfig({ env: { WHARF_RATELIMITS_AUTH_REQUESTS: '5' } });
    const policy = rateLimitPolicy(config.rateLimits, 4);
    expect(policy.rule('pull', 'authenticated')?.requests).toBe(750);
    expect(policy.rule('auth', 'anonymous')?.requests).toBe(1); // never below one
  });

  it('refuse exemptions that are not addresses or ranges, and windows that are not whole seconds', () => {
    expect(() => loadConfig({ env: { WHARF_RATELIMITS_EXEMPT: '10.0.0.0/33' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_RATELIMITS_EXEMPT: 'lb.internal' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_RATELIMITS_PULL_ANONYMOUS_WINDOW: '1500ms' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_RATELIMITS_PULL_ANONYMOUS_WINDOW: '0' } })).toThrow(ConfigError);
  });
});
