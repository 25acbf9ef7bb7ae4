import { BlockList, isIPv4 } from 'node:net';
import type { RateRule } from '../ports/rate-limits.js';

/** The route classes counted apart: /v2 reads and writes, the management API, and the authentication endpoints. */
export type RouteClass = 'pull' | 'push' | 'api' | 'auth';

/** One limit as configured (`requests` 0: none). */
export interface RateLimitSetting {
  readonly requests: number;
  readonly window: number;
}

/** `rateLimits` of the configuration (config/schema.ts), as the composition root hands it over. */
export interface RateLimitSettings {
  readonly pull: { readonly authenticated: RateLimitSetting; readonly anonymous: RateLimitSetting };
  readonly push: { readonly authenticated: RateLimitSetting; readonly anonymous: RateLimitSetting };
  readonly api: { readonly authenticated: RateLimitSetting; readonly anonymous: RateLimitSetting };
  /** Per client address only: the credentials are what these endpoints check. */
  readonly auth: RateLimitSetting;
  readonly exempt: readonly string[];
  readonly exemptPrincipals: readonly string[];
}

/** Who a request is counted for: its authenticated user or robot, else its client address. */
export type Principal = 'authenticated' | 'anonymous';

/** The settings as rules per route class and kind of principal, and the exemptions. */
export interface RateLimitPolicy {
  /** The rule of a class for a kind of principal; undefined: not limited. */
  rule(routeClass: RouteClass, principal: Principal): RateRule | undefined;
  isExemptAddress(address: string): boolean;
  isExemptPrincipal(name: string): boolean;
}

/**
 * Builds the policy. With several processes counting apart (in-memory counters under `http.workers`), each allows
 * its share of every limit: `processes` divides the requests (at least 1 each).
 */
export function rateLimitPolicy(settings: RateLimitSettings, processes = 1): RateLimitPolicy {
  const rules = new Map<string, RateRule>();
  const add = (name: string, setting: RateLimitSetting) => {
    if (setting.requests === 0) return;
    const requests = Math.max(1, Math.floor(setting.requests / Math.max(1, processes)));
    rules.set(name, { name, requests, windowSeconds: setting.window });
  };
  for (const routeClass of ['pull', 'push', 'api'] as const) {
    add(`${routeClass}.authenticated`, settings[routeClass].authenticated);
    add(`${routeClass}.anonymous`, settings[routeClass].anonymous);
  }
  // The authentication endpoints count addresses whether or not credentials came along.
  add('auth.authenticated', settings.auth);
  add('auth.anonymous', settings.auth);
  const exempt = blockListOf(settings.exempt);
  const principals = new Set(settings.exemptPrincipals);
  return {
    rule: (routeClass, principal) => rules.get(`${routeClass}.${principal}`),
    isExemptAddress: (address) => exempt !== undefined && isIn(exempt, address),
    isExemptPrincipal: (name) => principals.has(name),
  };
}

/** Node's BlockList of the exempt addresses and CIDR ranges (validated by the configuration schema). */
function blockListOf(entries: readonly string[]): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/** An IPv4 client on a dual-stack listener arrives as `::ffff:a.b.c.d`: matched as the IPv4 address it is. */
function isIn(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const plain = mapped ?? address;
  try {
    return list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
  } catch {
    return false; // not an address at all (a test's injected request): never exempt
  }
}
