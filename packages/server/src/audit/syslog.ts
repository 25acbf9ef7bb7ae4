import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { hostname } from 'node:os';
import { connect as netConnect, isIPv6, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { AuditRecord } from '../ports/audit-records.js';

export type SyslogProtocol = 'udp' | 'tcp' | 'tls';

export interface SyslogOptions {
  readonly protocol: SyslogProtocol;
  /** PEM of the CA (or the server's self-signed certificate) TLS trusts, instead of the system's. */
  readonly ca?: string | undefined;
  /** TLS only: accept any certificate (tests, labs). */
  readonly insecureSkipVerify?: boolean | undefined;
  /** TLS only: the name the certificate must carry; default the endpoint's host. */
  readonly serverName?: string | undefined;
  /** Messages kept in memory while a stream transport is down; the oldest are dropped past it. */
  readonly maxQueued?: number | undefined;
  /** Told about connection problems (at most once per connection attempt). */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** The reconnect delay after a failure doubles from this, up to 30 s. */
  readonly reconnectMs?: number | undefined;
}

/** RFC 5424 facility 13 (log audit); severity 6 (informational) for successes, 4 (warning) for failures. */
const FACILITY = 13;
/** The structured data id: the private enterprise number 32473 is the one RFC 5612 reserves for documentation. */
const SD_ID = 'audit@32473';
const HOST =
  hostname()
    .replace(/[^!-~]/g, '_')
    .slice(0, 255) || '-';

/** RFC 5424 §6.3.3: `"`, `\` and `]` escaped in PARAM-VALUE. */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** One audit record as an RFC 5424 message (without transport framing). */
export function formatSyslog(record: Omit<AuditRecord, 'id'>, eventType: string, pid: number = process.pid): string {
  const severity = record.success ? 6 : 4;
  const params: [string, string][] = [
    ['user', record.username],
    ['operatorKind', record.operatorKind],
    ['operation', record.operation],
    ['eventType', eventType],
    ['resourceType', record.resourceType],
    ['resource', record.resource],
    ['result', record.success ? 'success' : 'failure'],
  ];
  if (record.clientIp) params.push(['clientIp', record.clientIp]);
  if (record.projectId !== null) params.push(['projectId', String(record.projectId)]);
  const sd = `[${SD_ID} ${params.map(([k, v]) => `${k}="${sdValue(v)}"`).join(' ')}]`;
  const msgId = eventType.replace(/[^!-~]/g, '_').slice(0, 32) || '-';
  const time = new Date(record.opTime).toISOString();
  return `<${FACILITY * 8 + severity}>1 ${time} ${HOST} wharf ${pid} ${msgId} ${sd} ${record.description}`;
}

/** `host:port` (IPv6 in brackets) split. */
export function parseEndpoint(endpoint: string): { host: string; port: number } | undefined {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(endpoint) ?? /^([^:\s/]+):(\d{1,5})$/.exec(endpoint);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1]!, port } : undefined;
}

/**
 * Sends audit records to a syslog server: RFC 5424 messages over UDP (one datagram each, RFC 5426), TCP with
 * octet-counting framing (RFC 6587) or TLS (RFC 5425, the same framing). `send` never blocks and never throws: stream
 * transports queue while they (re)connect, with a growing delay after failures, and drop the oldest queued messages
 * past `maxQueued` (the database keeps what it recorded).
 */
export class SyslogSender {
  private udp: UdpSocket | undefined;
  private stream: Socket | undefined;
  private connected = false;
  private queue: string[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private closed = false;
  /** Messages dropped because the queue was full. */
  dropped = 0;

  constructor(
    readonly endpoint: string,
    private readonly target: { host: string; port: number },
    private readonly opts: SyslogOptions,
  ) {
    this.delay = opts.reconnectMs ?? 500;
  }

  send(message: string): void {
    if (this.closed) return;
    if (this.opts.protocol === 'udp') {
      this.udp ??= this.openUdp();
      this.udp.send(Buffer.from(message, 'utf8'), this.target.port, this.target.host, (err) => {
        if (err) this.opts.onError?.(err);
      });
      return;
    }
    const frame = `${Buffer.byteLength(message, 'utf8')} ${message}`;
    if (this.connected && this.stream) {
      this.stream.write(frame);
      return;
    }
    this.queue.push(frame);
    const max = this.opts.maxQueued ?? 10_000;
    if (this.queue.length > max) {
      this.dropped += this.queue.length - max;
      this.queue.splice(0, this.queue.length - max);
    }
    if (!this.stream && !this.retryTimer) this.connect();
  }

  /** Resolves once queued messages were handed to the socket (or `timeoutMs` passed). */
  async close(timeoutMs = 2000): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.udp?.close();
    const stream = this.stream;
    if (stream) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          stream.destroy();
          resolve();
        }, timeoutMs);
        timer.unref();
        stream.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private openUdp(): UdpSocket {
    const socket = createSocket(isIPv6(this.target.host) ? 'udp6' : 'udp4');
    socket.on('error', (err) => this.opts.onError?.(err));
    socket.unref();
    return socket;
  }

  private connect(): void {
    const { host, port } = this.target;
    const socket =
      this.opts.protocol === 'tls'
        ? tlsConnect({
            host,
            port,
            servername: this.opts.serverName ?? (/^[\d.]+$|:/.test(host) ? undefined : host),
            ...(this.opts.ca !== undefined && { ca: this.opts.ca }),
            rejectUnauthorized: !this.opts.insecureSkipVerify,
          })
        : netConnect({ host, port });
    this.stream = socket;
    socket.setKeepAlive(true);
    socket.unref();
    socket.once(this.opts.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      this.delay = this.opts.reconnectMs ?? 500;
      const pending = this.queue;
      this.queue = [];
      for (const frame of pending) socket.write(frame);
    });
    socket.on('error', (err) => this.opts.onError?.(err));
    socket.once('close', () => {
      this.connected = false;
      if (this.stream === socket) this.stream = undefined;
      if (this.closed) return;
      // Reconnect now if messages wait, else at the next send; back off after failures.
      if (this.queue.length > 0) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stream) this.connect();
    }, this.delay);
    this.retryTimer.unref();
    this.delay = Math.min(this.delay * 2, 30_000);
  }
}
