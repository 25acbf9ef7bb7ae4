import type { LookupFunction } from 'node:net';
import http from 'node:http';
import https from 'node:https';
import type { ResolvedAddress, TargetGuard } from './target-guard.js';

/** One POST of a payload to a target. */
export interface DeliveryRequest {
  readonly address: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly skipCertVerify: boolean;
  /** Aborts the request (the job's stop or time-out). */
  readonly signal?: AbortSignal | undefined;
  /** Real-time limit of each hop without progress. */
  readonly timeoutMs: number;
}

export interface DeliveryResponse {
  readonly status: number;
  /** The start of the response body (at most RESPONSE_BYTES). */
  readonly body: string;
  /** The URLs requested, redirects included, each with the address connected to. */
  readonly hops: readonly string[];
}

/** Redirects followed at most (each hop is checked by the guard again). */
export const MAX_REDIRECTS = 3;
/** Bytes of a response body kept for the task log. */
const RESPONSE_BYTES = 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A lookup that answers the address the guard checked, whatever the name: DNS is not asked again at connect time. */
function pinned(to: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options.all) callback(null, [{ address: to.address, family: to.family }]);
    else callback(null, to.address, to.family);
  }) as unknown as LookupFunction;
}

interface HopResponse {
  readonly status: number;
  readonly location: string | undefined;
  readonly body: string;
}

function hop(
  url: URL,
  method: string,
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
  to: ResolvedAddress,
  request: DeliveryRequest,
): Promise<HopResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method,
        headers: {
          'user-agent': 'Wharf-Webhook',
          ...headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
        lookup: pinned(to),
        // A fresh connection per request: a pooled socket could have been opened to another address.
        agent: false,
        rejectUnauthorized: !request.skipCertVerify,
        timeout: request.timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept < RESPONSE_BYTES) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
            body: Buffer.concat(chunks).subarray(0, RESPONSE_BYTES).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${request.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POSTs the payload to the target: before each hop the guard resolves the host and checks every address, and the
 * connection goes to the checked address (pinned through the request's lookup, so a name that resolves elsewhere a
 * second time — DNS rebinding — changes nothing). Redirects are followed by hand, at most MAX_REDIRECTS, each
 * checked again: 307 and 308 repeat the POST, 301, 302 and 303 continue with a GET, as clients do. Rejects with
 * TargetRefusedError when the guard refuses a hop, or with the network error.
 */
export async function deliver(guard: TargetGuard, request: DeliveryRequest): Promise<DeliveryResponse> {
  let url = new URL(request.address);
  let method = 'POST';
  let body: string | undefined = request.body;
  let headers = request.headers;
  const hops: string[] = [];
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`cannot follow a redirect to ${url.protocol}`);
    const to = await guard.resolve(url.hostname);
    hops.push(`${url.href} (${to.address})`);
    const response = await hop(url, method, body, headers, to, request);
    if (!REDIRECTS.has(response.status) || response.location === undefined) {
      return { status: response.status, body: response.body, hops };
    }
    if (redirects >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(response.location, url);
    if (next.origin !== url.origin) {
      // Credentials are for the target the administrator named, not for wherever it redirects.
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
    }
    if (response.status !== 307 && response.status !== 308) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
    }
    url = next;
  }
}
