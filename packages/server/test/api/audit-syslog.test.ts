import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/audit-log.js';
import type { SyslogProtocol } from '../../src/audit/syslog.js';
import type { DomainEvent } from '../../src/domain/events.js';
import type { SystemSettings } from '../../src/ports/identity-store.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { useTestRegistry } from '../helpers/test-registry.js';

const reg = useTestRegistry();

/** RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD-ID k="v" …] MSG`. */
const RFC5424 = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) \[(\S+) ((?:\w+="(?:[^"\\\]]|\\.)*" ?)+)\] (.*)$/s;

function parse(line: string) {
  const m = RFC5424.exec(line);
  expect(m, line).not.toBeNull();
  const params = Object.fromEntries(
    [...m![8]!.matchAll(/(\w+)="((?:[^"\\\]]|\\.)*)"/g)].map(([, k, v]) => [k!, v!.replace(/\\(.)/g, '$1')]),
  );
  return { pri: Number(m![1]), time: m![2]!, app: m![4]!, msgId: m![6]!, sdId: m![7]!, params, msg: m![9]! };
}

/** Splits an octet-counted stream (RFC 6587 §3.4.1) into messages. */
function frames(data: Buffer): string[] {
  const out: string[] = [];
  let rest = data;
  while (rest.length > 0) {
    const space = rest.indexOf(0x20);
    const length = Number(rest.subarray(0, space).toString());
    out.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return out;
}

const loginFailed = (principal: string): DomainEvent => ({
  type: 'auth.login_failed',
  principal,
  principalKind: 'user',
  clientIp: '192.0.2.7',
  method: 'session',
  channel: 'session',
  reason: 'bad "password"',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
});

function auditLogTo(endpoint: string, protocol: SyslogProtocol, extra: Partial<SystemSettings> = {}, ca?: string) {
  const settings = async () => ({
    ...(await reg.wharf.store.settings.get()),
    auditLogForwardEndpoint: endpoint,
    ...extra,
  });
  return new AuditLog(
    {
      records: reg.wharf.store.audit,
      projects: reg.wharf.store.projects,
      settings: { get: settings },
      clock: reg.wharf.clock,
    },
    { forward: { protocol, ca, serverName: 'localhost', reconnectMs: 50 } },
  );
}

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function streamServer(make: (onSocket: (s: Socket) => void) => Server) {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = make((socket) => {
    sockets.add(socket);
    socket.on('data', (d: Buffer) => received.push(d));
  });
  return {
    server,
    received,
    /** Stops listening and drops every connection (a syslog server going down). */
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async listen(port = 0): Promise<number> {
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    },
  };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('syslog forwarding (RFC 5424)', () => {
  it('over UDP, one datagram per record, also when set through /configurations', async () => {
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const port = socket.address().port;
    try {
      const res = await api(reg.app, 'PUT', '/configurations', ADMIN, {
        audit_log_forward_endpoint: `127.0.0.1:${port}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      await reg.wharf.events.relay.drain();
      // The configuration change itself is audited, and forwarded now that the endpoint is set.
      const line = await until(() => got.find((l) => l.includes('update_configure')), 'the UDP datagram');
      const parsed = parse(line);
      expect(parsed.pri).toBe(13 * 8 + 6);
      expect(parsed.app).toBe('wharf');
      expect(parsed.msgId).toBe('update_configure');
      expect(parsed.params).toMatchObject({
        user: 'admin',
        operation: 'update',
        result: 'success',
        clientIp: '127.0.0.1',
      });

      const direct = auditLogTo(`127.0.0.1:${port}`, 'udp');
      await direct.reloadSettings();
      await direct.handle(loginFailed('mallory'));
      const failed = parse(await until(() => got.find((l) => l.includes('mallory')), 'the failed login'));
      expect(failed.pri).toBe(13 * 8 + 4);
      expect(failed.time).toBe('2026-01-02T03:04:05.000Z');
      expect(failed.params).toMatchObject({ user: 'mallory', result: 'failure', clientIp: '192.0.2.7' });
      expect(failed.msg).toContain('bad "password"');
      await direct.close();
    } finally {
      await api(reg.app, 'PUT', '/configurations', ADMIN, { audit_log_forward_endpoint: '' });
      socket.close();
    }
  });

  it('over TCP with octet counting; a server that comes back gets what was sent while it was down', async () => {
    const first = streamServer((on) => createServer(on));
    const port = await first.listen();
    const log = auditLogTo(`127.0.0.1:${port}`, 'tcp');
    await log.reloadSettings();
    await log.handle(loginFailed('tcp-one'));
    await until(() => (frames(Buffer.concat(first.received)).length >= 1 ? true : undefined), 'the TCP frame');
    const [one] = frames(Buffer.concat(first.received));
    expect(parse(one!).params.user).toBe('tcp-one');

    // The server goes away: records are queued (and stored in the database meanwhile), then sent on reconnect.
    await first.close();
    await new Promise((r) => setTimeout(r, 50));
    await log.handle(loginFailed('tcp-two'));
    const second = streamServer((on) => createServer(on));
    await second.listen(port);
    await log.handle(loginFailed('tcp-three'));
    const users = await until(() => {
      const all = frames(Buffer.concat(second.received)).map((l) => parse(l).params.user);
      return all.includes('tcp-three') ? all : undefined;
    }, 'the frames after reconnecting');
    expect(users).toEqual(['tcp-two', 'tcp-three']);
    await log.flush();
    const stored = await reg.wharf.store.audit.list({ username: { anyOf: ['tcp-two'] }, page: 1, pageSize: 5 });
    expect(stored.total).toBe(1);
    await log.close();
    await second.close();
  });

  it('over TLS to a server with a self-signed certificate, trusted through the CA option', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-syslog-tls-'));
    dirs.push(dir);
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    const [key, cert] = await Promise.all([readFile(path.join(dir, 'key.pem')), readFile(path.join(dir, 'cert.pem'))]);
    const tls = streamServer((on) => createTlsServer({ key, cert }, on));
    const port = await tls.listen();
    const log = auditLogTo(`127.0.0.1:${port}`, 'tls', {}, cert.toString());
    await log.reloadSettings();
    await log.handle(loginFailed('tls-user'));
    const line = await until(() => frames(Buffer.concat(tls.received))[0], 'the TLS frame');
    expect(parse(line).params).toMatchObject({ user: 'tls-user', result: 'failure' });
    await log.close();
    await tls.close();
  });

  it('skipping the database forwards only', async () => {
    const socket = createSocket('udp4');
    const got: string[] = [];
    socket.on('message', (m) => got.push(m.toString('utf8')));
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    const log = auditLogTo(`127.0.0.1:${socket.address().port}`, 'udp', { skipAuditLogDatabase: true });
    await log.reloadSettings();
    await log.handle(loginFailed('skipped-db'));
    await log.flush();
    await until(() => got.find((l) => l.includes('skipped-db')), 'the datagram');
    const stored = await reg.wharf.store.audit.list({ username: { anyOf: ['skipped-db'] }, page: 1, pageSize: 5 });
    expect(stored.total).toBe(0);
    await log.close();
    socket.close();
  });
});
