/**
 * A small closed-loop HTTP/1.1 keep-alive load generator on raw sockets, used for HEAD because wrk 4.x cannot
 * benchmark HEAD: its parser waits for a body of the response's Content-Length and the connection stalls.
 */
import net from 'node:net';

export interface LoadOptions {
  readonly baseUrl: string;
  readonly path: string;
  readonly method: 'GET' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly seconds: number;
  readonly connections: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly socketErrors: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

interface Parsed {
  readonly status: number;
  /** Bytes consumed from the buffer by this response, or -1 when incomplete. */
  readonly consumed: number;
  readonly close: boolean;
}

function parseResponse(buf: Buffer, method: string): Parsed {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return { status: 0, consumed: -1, close: false };
  const head = buf.toString('latin1', 0, end);
  const status = Number(head.slice(9, 12));
  const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (method !== 'HEAD' && cl === null && /\r\ntransfer-encoding:/i.test(head)) {
    throw new Error('load generator: chunked responses are not supported');
  }
  const bodyLen = method === 'HEAD' || status === 204 || status === 304 ? 0 : Number(cl?.[1] ?? '0');
  const total = end + HEADER_END.length + bodyLen;
  if (buf.length < total) return { status, consumed: -1, close: false };
  return { status, consumed: total, close: /\r\nconnection:\s*close/i.test(head) };
}

function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const url = new URL(opts.path, opts.baseUrl);
  const headerLines = Object.entries(opts.headers).map(([k, v]) => `${k}: ${v}\r\n`);
  const request = Buffer.from(
    `${opts.method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n${headerLines.join('')}\r\n`,
  );
  const latencies: number[] = [];
  let non2xx = 0;
  let socketErrors = 0;
  let running = true;
  const t0 = performance.now();
  const deadline = t0 + opts.seconds * 1000;

  const connection = (): Promise<void> =>
    new Promise((resolve) => {
      let buf: Buffer = Buffer.alloc(0);
      let sentAt = 0;
      let finished = false;
      const sock = net.connect(Number(url.port), url.hostname);
      sock.setNoDelay(true);
      const send = (): void => {
        if (!running || performance.now() >= deadline) {
          running = false;
          finished = true;
          sock.end();
          return;
        }
        sentAt = performance.now();
        sock.write(request);
      };
      sock.on('connect', send);
      sock.on('data', (chunk: Buffer) => {
        buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
        for (;;) {
          const r = parseResponse(buf, opts.method);
          if (r.consumed < 0) return;
          latencies.push(performance.now() - sentAt);
          if (r.status < 200 || r.status > 299) non2xx++;
          buf = buf.subarray(r.consumed);
          if (r.close) {
            sock.destroy(); // 'close' below opens a replacement connection
            return;
          }
          send();
        }
      });
      sock.on('error', () => {
        socketErrors++;
        if (socketErrors > 1000) running = false;
      });
      // A connection closed by the server (or by an error) while the run is on is replaced by a new one.
      sock.on('close', () => {
        if (!finished && running) void connection().then(resolve);
        else resolve();
      });
    });

  await Promise.all(Array.from({ length: opts.connections }, connection));
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    requestsPerSec: latencies.length / elapsed,
    p50Ms: pct(sorted, 50),
    p99Ms: pct(sorted, 99),
    non2xx,
    socketErrors,
  };
}
