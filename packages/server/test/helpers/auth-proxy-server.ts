import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyUser {
  password: string;
  groups: string[];
}

/**
 * An authenticating proxy as Harbor's `http_auth` talks to: `POST /login` with Basic credentials answers a token
 * (200) or 401; `POST /tokenreview` takes a Kubernetes TokenReview and answers who the token is and their groups.
 * Its users can be changed while it runs; it counts the logins it was asked for.
 */
export class AuthProxyServer {
  readonly users = new Map<string, ProxyUser>();
  logins = 0;
  private readonly tokens = new Map<string, string>();
  private server: http.Server | undefined;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.answer(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    if (req.method === 'POST' && req.url === '/login') {
      this.logins++;
      const [name, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString('utf8')
        .split(/:(.*)/s);
      const user = name === undefined ? undefined : this.users.get(name);
      if (!user || user.password !== password) {
        res.writeHead(401).end('unauthorized');
        return;
      }
      const token = randomBytes(16).toString('hex');
      this.tokens.set(token, name!);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    if (req.method === 'POST' && req.url === '/tokenreview') {
      const review = JSON.parse(body) as { kind?: string; spec?: { token?: string } };
      const name = review.kind === 'TokenReview' ? this.tokens.get(review.spec?.token ?? '') : undefined;
      const user = name === undefined ? undefined : this.users.get(name);
      const status = user
        ? { authenticated: true, user: { username: name, groups: user.groups } }
        : { authenticated: false };
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', status }));
      return;
    }
    res.writeHead(404).end();
  }
}
