import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH } from '../helpers/oci-client.js';
import { freePort } from '../helpers/registry-process.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

/**
 * Slow and idle clients on real sockets: the headers timeout, the idle timeout between body bytes (which a body
 * that keeps coming never meets), and the connection limit. The timeouts are a second here (config), so these tests
 * wait on real time: the timeouts are the kernel's and Node's, not Wharf's clock.
 */

const AUTH = ADMIN_AUTH.authorization!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw client connection that records what the server sent and when it closed the connection. */
interface RawConnection {
  readonly socket: Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the milliseconds from `since` (default: connected) to the close, when the server closes. */
  closed(): Promise<number>;
  /** Resolves once a complete response (headers and Content-Length body) arrived. */
  response(): Promise<{ status: number; headers: Record<string, string>; body: string }>;
}

async function open(port: number): Promise<RawConnection> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connectedAt = performance.now();
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  socket.on('error', () => undefined); // a reset is one way of being closed
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - connectedAt)));
  return {
    socket,
    received: () => data,
    closed: () => closed,
    async response() {
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end >= 0) {
          const [statusLine, ...lines] = data.slice(0, end).split('\r\n');
          const headers = Object.fromEntries(
            lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
          );
          const length = Number(headers['content-length'] ?? 0);
          if (data.length >= end + 4 + length) {
            return { status: Number(statusLine!.split(' ')[1]), headers, body: data.slice(end + 4, end + 4 + length) };
          }
        }
        if (socket.destroyed) throw new Error(`closed before a complete response: ${JSON.stringify(data)}`);
        await sleep(20);
      }
    },
  };
}

/** Writes `bytes` one at a time, `gapMs` apart. */
async function trickle(socket: Socket, bytes: string, gapMs: number): Promise<void> {
  for (const byte of bytes) {
    if (socket.destroyed) return;
    socket.write(byte);
    await sleep(gapMs);
  }
}

/** Starts an upload session (on its own connection, closed after) and returns its path. */
async function startUpload(port: number, repo: string): Promise<string> {
  const conn = await open(port);
  conn.socket.write(
    `POST /v2/${repo}/blobs/uploads/ HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: 0\r\n` +
      'Connection: close\r\n\r\n',
  );
  const res = await conn.response();
  expect(res.status).toBe(202);
  conn.socket.destroy();
  return res.headers.location!;
}

function patchHead(location: string, length: number): string {
  return (
    `PATCH ${location} HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\n` +
    `Content-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`
  );
}

async function listening(env: Record<string, string>): Promise<{ registry: TestRegistry; port: number }> {
  const port = await freePort();
  const registry = await startTestRegistry({ WHARF_HTTP_ADDR: `127.0.0.1:${port}`, ...env });
  await registry.wharf.listen();
  return { registry, port };
}

describe('slow clients', () => {
  let registry: TestRegistry;
  let port: number;
  beforeAll(async () => {
    ({ registry, port } = await listening({
      WHARF_HTTP_HEADERSTIMEOUT: '1s',
      WHARF_HTTP_BODYIDLETIMEOUT: '1s',
      WHARF_HTTP_KEEPALIVETIMEOUT: '1s',
    }));
  });
  afterAll(() => registry.close());

  it('are answered 408 and cut off when their headers take longer than http.headersTimeout', async () => {
    const conn = await open(port);
    conn.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n');
    // A header byte every 200 ms: the connection is never idle, but the headers never end.
    void trickle(conn.socket, 'X-Slow: ' + 'a'.repeat(40), 200);
    const ms = await conn.closed();
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(6000); // far below the defaults (30 s, 60 s), with room for a loaded machine
  });

  it('are cut off when their body stalls for http.bodyIdleTimeout', async () => {
    const location = await startUpload(port, 'library/slow/stalled');
    const conn = await open(port);
    conn.socket.write(patchHead(location, 100));
    conn.socket.write('0123456789'); // 10 of the 100 bytes, then nothing
    const ms = await conn.closed();
    expect(conn.received()).toBe('');
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(6000); // far below the defaults (30 s, 60 s), with room for a loaded machine
  });

  it('finish an upload whose body keeps coming, however long it takes in all', async () => {
    const location = await startUpload(port, 'library/slow/progressing');
    const conn = await open(port);
    const body = 'slow-but-steady'; // 15 bytes, one every 200 ms: 3 s in all, three times the idle timeout
    conn.socket.write(patchHead(location, body.length));
    const started = performance.now();
    await trickle(conn.socket, body, 200);
    const res = await conn.response();
    expect(performance.now() - started).toBeGreaterThan(2500);
    expect(res.status, res.body).toBe(202);
    expect(res.headers.range).toBe(`0-${body.length - 1}`);
    conn.socket.destroy();
  });

  it('lose an idle keep-alive connection after http.keepAliveTimeout', async () => {
    const conn = await open(port);
    conn.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await conn.response()).status).toBe(401);
    const answeredAt = performance.now();
    await conn.closed();
    // Node adds a second to the advertised keep-alive timeout before it closes.
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(900);
    expect(performance.now() - answeredAt).toBeLessThan(6000);
  });
});

describe('the connection limit', () => {
  let registry: TestRegistry;
  let port: number;
  beforeAll(async () => {
    ({ registry, port } = await listening({ WHARF_HTTP_MAXCONNECTIONS: '3' }));
  });
  afterAll(() => registry.close());

  it('closes connections over http.maxConnections at once, and serves again when one ends', async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < 3; i++) {
      const conn = await open(port);
      conn.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await conn.response()).status).toBe(401); // served, and kept open (keep-alive)
      held.push(conn);
    }
    const refused = await open(port);
    refused.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await refused.closed()).toBeLessThan(5000); // at once: nothing else closes a connection this soon here
    expect(refused.received()).toBe('');

    held.shift()!.socket.destroy();
    await sleep(100); // the server sees the close
    const next = await open(port);
    next.socket.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await next.response()).status).toBe(401);
    for (const conn of [...held, next]) conn.socket.destroy();
  });
});
