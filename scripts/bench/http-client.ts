/** Minimal keep-alive HTTP/1.1 client on node:http, with streamed request bodies and discarded response bodies. */
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Body = Buffer | Iterable<Buffer> | AsyncIterable<Buffer>;

export interface RequestOptions {
  readonly method: string;
  /** Absolute URL, or a path resolved against the client's base URL. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: Body;
  /** Count the response body bytes instead of keeping them. */
  readonly discardBody?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly bodyBytes: number;
}

const IDLE_TIMEOUT_MS = 120_000;

export class HttpClient {
  private readonly agent: http.Agent;

  constructor(
    readonly baseUrl: string,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  resolve(url: string): URL {
    return new URL(url, this.baseUrl);
  }

  async request(opts: RequestOptions): Promise<HttpResponse> {
    const url = this.resolve(opts.url);
    const req = http.request(url, { method: opts.method, headers: opts.headers, agent: this.agent });
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`${opts.method} ${url.pathname}: idle timeout`)));
    const responded = new Promise<http.IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
    responded.catch(() => undefined); // handled below; avoids an unhandled rejection while the body is written

    let writeError: Error | undefined;
    if (opts.body === undefined) {
      req.end();
    } else if (Buffer.isBuffer(opts.body)) {
      req.end(opts.body);
    } else {
      await pipeline(Readable.from(opts.body, { objectMode: false }), req).catch((err: unknown) => {
        writeError = err instanceof Error ? err : new Error(String(err));
      });
    }

    const res = await responded;
    const chunks: Buffer[] = [];
    let bodyBytes = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      bodyBytes += chunk.length;
      if (opts.discardBody !== true) chunks.push(chunk);
    }
    if (writeError !== undefined && res.statusCode !== undefined && res.statusCode < 400) throw writeError;
    return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), bodyBytes };
  }

  close(): void {
    this.agent.destroy();
  }
}

export class HttpStatusError extends Error {
  constructor(what: string, expected: number, res: HttpResponse) {
    const body = res.body.toString('utf8').slice(0, 400).replace(/\s+/g, ' ');
    super(`${what}: expected HTTP ${expected}, got ${res.status}${body === '' ? '' : `: ${body}`}`);
    this.name = 'HttpStatusError';
  }
}

export function expectStatus(what: string, res: HttpResponse, ...expected: number[]): HttpResponse {
  if (!expected.includes(res.status)) throw new HttpStatusError(what, expected[0] ?? 200, res);
  return res;
}

export function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
