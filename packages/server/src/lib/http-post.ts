import http from 'node:http';
import https from 'node:https';

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Verify the server's certificate (default true). */
  readonly verifyCert?: boolean;
  /** PEM certificates to trust besides the system's (a pinned or private CA). */
  readonly ca?: string;
  readonly timeoutMs: number;
  /** The most response bytes read; the rest is dropped (default 1 MiB). */
  readonly maxBytes?: number;
}

export interface PostResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One POST over http or https, with a time-out on the whole exchange and a bounded response: for calls to services
 * an administrator configured (an authenticating proxy), not for targets users choose (webhooks/delivery.ts guards
 * those). Network failures and time-outs reject.
 */
export function post(url: string, opts: PostOptions): Promise<PostResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
  if (!client) return Promise.reject(new Error(`${url} is not an http or https URL`));
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          ...opts.headers,
          ...(opts.body !== undefined && { 'content-length': String(Buffer.byteLength(opts.body)) }),
        },
        ...(target.protocol === 'https:' && {
          rejectUnauthorized: opts.verifyCert ?? true,
          ...(opts.ca && { ca: opts.ca }),
        }),
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < maxBytes) chunks.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer from ${target.host} in ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.host} in ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
