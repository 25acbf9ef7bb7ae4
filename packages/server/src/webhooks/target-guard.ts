import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/** A resolved address of a target. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (the system resolver by default; tests may pin names). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** A delivery refused by the guard; the message says which address and why. */
export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/**
 * Host names of cloud metadata services, refused whatever they resolve to (their addresses are link-local, but a
 * resolver inside the cloud may answer anything).
 */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
]);

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function hostOf(hostname: string): string {
  return hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * The SSRF guard of webhook deliveries. An address is allowed when it is a global unicast address (ipaddr.js's
 * `unicast` range, after unwrapping IPv4-mapped IPv6), or when it lies in one of the administrator's
 * `webhooks.allowedTargets` (addresses or CIDR ranges). Everything else is refused: loopback, link-local (cloud
 * metadata at 169.254.169.254, fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7), unspecified, carrier-grade
 * NAT (100.64/10), multicast, broadcast, reserved and the IPv6 transition forms that embed an IPv4 address.
 */
export class TargetGuard {
  private readonly allowed: Range[];

  constructor(
    allowedTargets: readonly string[],
    private readonly resolver: Resolver = systemResolver,
  ) {
    this.allowed = allowedTargets.map((entry) => {
      const text = entry.trim();
      try {
        if (text.includes('/')) return ipaddr.parseCIDR(text);
        const address = ipaddr.parse(text);
        return [address, address.kind() === 'ipv4' ? 32 : 128];
      } catch {
        throw new Error(`webhooks.allowedTargets: ${text} is neither an IP address nor a CIDR range`);
      }
    });
  }

  /** Why `address` (an IP literal) is refused, or undefined when a delivery may connect to it. */
  refusalOf(address: string): string | undefined {
    let parsed: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      parsed = ipaddr.parse(address);
    } catch {
      return `${address} is not an IP address`;
    }
    const candidates: (ipaddr.IPv4 | ipaddr.IPv6)[] = [parsed];
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      candidates.push((parsed as ipaddr.IPv6).toIPv4Address());
    }
    if (this.isAllowed(candidates)) return undefined;
    const plain = ipaddr.process(address);
    const range = plain.range();
    if (range === 'unicast') return undefined;
    return `${address} is a ${range} address`;
  }

  /** Why the URL's host is plainly internal as written (an IP literal, `localhost`, a metadata name), or undefined. */
  literalRefusal(url: URL): string | undefined {
    const host = hostOf(url.hostname);
    const byName = this.nameRefusal(host);
    if (byName) return byName;
    if (host === 'localhost' || host.endsWith('.localhost')) {
      return this.isAllowedName(host) ? undefined : `${host} is a loopback name`;
    }
    return ipaddr.isValid(host) ? this.refusalOf(host) : undefined;
  }

  /**
   * Resolves `hostname` and answers the address to connect to: the first one, once every address it resolves to
   * is allowed. TargetRefusedError when any is refused (a name with one internal address is refused as a whole, so
   * that the connection cannot be steered to it) or when the name is a metadata service's.
   */
  async resolve(hostname: string): Promise<ResolvedAddress> {
    const host = hostOf(hostname);
    const byName = this.nameRefusal(host);
    if (byName) throw new TargetRefusedError(`refused: ${byName}`);
    const addresses: ResolvedAddress[] = ipaddr.isValid(host)
      ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }]
      : await this.resolver(host);
    if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
    for (const { address } of addresses) {
      const refusal = this.refusalOf(address);
      if (refusal) {
        throw new TargetRefusedError(
          `refused: ${host === address ? '' : `${host} resolves to `}${refusal}; an administrator may allow it ` +
            'with webhooks.allowedTargets',
        );
      }
    }
    return addresses[0]!;
  }

  private nameRefusal(host: string): string | undefined {
    return METADATA_NAMES.has(host) ? `${host} is a cloud metadata service` : undefined;
  }

  private isAllowedName(host: string): boolean {
    // `localhost` is allowed when both loopback addresses are.
    void host;
    return this.refusalOf('127.0.0.1') === undefined && this.refusalOf('::1') === undefined;
  }

  private isAllowed(candidates: readonly (ipaddr.IPv4 | ipaddr.IPv6)[]): boolean {
    return candidates.some((address) =>
      this.allowed.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits)),
    );
  }
}

/** The comma-separated `webhooks.allowedTargets` as a list. */
export function allowedTargetsOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
