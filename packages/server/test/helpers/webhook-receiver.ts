import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** A request a receiver got. */
export interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** What the receiver answers to the next request: a status (and headers), or nothing at all (a hang). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A real HTTP(S) server started by a test on a loopback address: it records every request and answers from a
 * queue (then 200). Hung requests are released by close().
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly answers: Answer[] = [];
  private readonly hung: ServerResponse[] = [];
  private readonly waiters: (() => void)[] = [];
  private server!: ReturnType<typeof createHttpServer>;

  static async start(host = '127.0.0.1', tls?: { key: string | Buffer; cert: string | Buffer }) {
    const receiver = new WebhookReceiver();
    const handler = (req: IncomingMessage, res: ServerResponse) => receiver.handle(req, res);
    receiver.server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
    await new Promise<void>((resolve) => receiver.server.listen(0, host, resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook', host = '127.0.0.1', scheme = 'http'): string {
    return `${scheme}://${host}:${this.port}${path}`;
  }

  /** Queues answers for the next requests. */
  answer(...answers: Answer[]): void {
    this.answers.push(...answers);
  }

  /** Resolves once `count` requests have arrived in all. */
  async waitFor(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      for (const wake of this.waiters.splice(0)) wake();
      const answer = this.answers.shift() ?? { status: 200 };
      if (answer === 'hang') {
        this.hung.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  }
}
