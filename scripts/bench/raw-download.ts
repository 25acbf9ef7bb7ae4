/**
 * GET over a raw socket, counting body bytes without surfacing each chunk through node:http. The http module tops out
 * around 600 MiB/s on this class of machine, well below what a registry can serve over loopback (curl: ~1.8 GiB/s),
 * which would make the client the bottleneck of the pull scenario.
 */
import net from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;
const IDLE_TIMEOUT_MS = 120_000;

export interface RawDownload {
  readonly status: number;
  readonly bytes: number;
  /** The first bytes of the body, for error messages. */
  readonly preview: string;
  /** The WWW-Authenticate header of a refusal, for renewing a token. */
  readonly wwwAuthenticate?: string;
}

export function rawGet(url: URL, headers: Readonly<Record<string, string>> = {}): Promise<RawDownload> {
  return new Promise((resolve, reject) => {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    const request = `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n${lines.join('')}\r\n`;
    const sock = net.connect(Number(url.port || 80), url.hostname);
    sock.setTimeout(IDLE_TIMEOUT_MS, () => sock.destroy(new Error(`GET ${url.pathname}: idle timeout`)));
    let head: Buffer | undefined = Buffer.alloc(0);
    let status = 0;
    let expected = -1;
    let bytes = 0;
    let preview = '';
    let wwwAuthenticate: string | undefined;
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      if (err !== undefined) reject(err);
      else resolve({ status, bytes, preview, ...(wwwAuthenticate === undefined ? {} : { wwwAuthenticate }) });
    };
    const body = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (preview.length < 400) preview += chunk.toString('utf8', 0, Math.min(chunk.length, 400));
      if (expected >= 0 && bytes >= expected) finish();
    };
    sock.on('connect', () => sock.write(request));
    sock.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        body(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf(HEADER_END);
      if (end < 0) {
        if (head.length > MAX_HEAD) finish(new Error(`GET ${url.pathname}: response head too large`));
        return;
      }
      const text = head.toString('latin1', 0, end);
      status = Number(text.slice(9, 12));
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      wwwAuthenticate = /\r\nwww-authenticate:[ \t]*([^\r\n]*)/i.exec(text)?.[1];
      if (cl?.[1] === undefined && /\r\ntransfer-encoding:\s*chunked/i.test(text)) {
        finish(new Error(`GET ${url.pathname}: chunked transfer-encoding is not supported by the raw pull client`));
        return;
      }
      expected = cl?.[1] === undefined ? -1 : Number(cl[1]); // -1: read until the server closes
      const rest = head.subarray(end + HEADER_END.length);
      head = undefined;
      if (rest.length > 0 || expected === 0) body(rest);
    });
    sock.on('end', () => {
      if (head !== undefined) finish(new Error(`GET ${url.pathname}: connection closed before the response head`));
      else if (expected >= 0 && bytes < expected) {
        finish(new Error(`GET ${url.pathname}: connection closed after ${bytes} of ${expected} body bytes`));
      } else finish();
    });
    sock.on('error', (err) => finish(err));
  });
}
