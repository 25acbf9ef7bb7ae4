// A round-robin HTTP load balancer for the several-node tests: each request (not each connection, since clients keep
// connections alive) goes to the next live node. Bodies stream both ways; the `Host` header and everything else pass
// unchanged (no X-Forwarded-*). It retries nothing: a request to a node that has died answers 502, and the node is
// then left out. Every request is recorded with the node that served it.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyNode {
  readonly name: string;
  /** `127.0.0.1:PORT` */
  readonly host: string;
}

export interface ProxiedRequest {
  readonly seq: number;
  readonly method: string;
  readonly url: string;
  readonly node: string;
  /** The node's status, or 502 when the node could not be reached or broke off. */
  status?: number;
}

export interface RoundRobinProxy {
  readonly url: string;
  /** `127.0.0.1:PORT`, for image references. */
  readonly host: string;
  /** Every request so far, in arrival order. */
  readonly records: readonly ProxiedRequest[];
  /** Names of the nodes requests still go to. */
  live(): string[];
  /** Leaves a node out (it was stopped). */
  markDown(name: string): void;
  /** Adds a node (or brings one back) at the end of the rotation. */
  add(node: ProxyNode): void;
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 7.6.1): they describe one connection, so each side sets its own. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

export async function startRoundRobinProxy(initial: readonly ProxyNode[]): Promise<RoundRobinProxy> {
  const nodes: { node: ProxyNode; up: boolean }[] = initial.map((node) => ({ node, up: true }));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const records: ProxiedRequest[] = [];
  let next = 0;

  const pick = (): { node: ProxyNode; up: boolean } | undefined => {
    for (let i = 0; i < nodes.length; i++) {
      const candidate = nodes[(next + i) % nodes.length]!;
      if (candidate.up) {
        next = (next + i + 1) % nodes.length;
        return candidate;
      }
    }
    return undefined;
  };

  const server = createServer((req, res) => {
    const target = pick();
    const record: ProxiedRequest = {
      seq: records.length,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      node: target?.node.name ?? '(none)',
    };
    records.push(record);
    const fail = (): void => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('no node answered');
      else res.destroy();
    };
    if (target === undefined) return fail();
    const [hostname, port] = target.node.host.split(':');
    const headers = endToEnd(req.headers);
    // A chunked request body stays chunked towards the node (Node encodes it again when the header says so).
    if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    const upstream = httpRequest(
      { agent, hostname, port: Number(port), method: req.method, path: req.url, headers },
      (answer) => {
        record.status = answer.statusCode ?? 502;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        answer.pipe(res);
        answer.once('error', () => res.destroy());
        answer.once('aborted', () => res.destroy());
      },
    );
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      // Refused: nothing listens there any more. (A reset may be one kept-alive socket of a node that lives.)
      if (err.code === 'ECONNREFUSED') target.up = false;
      fail();
    });
    req.pipe(upstream);
    req.once('error', () => upstream.destroy());
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    records,
    live: () => nodes.filter((n) => n.up).map((n) => n.node.name),
    markDown(name) {
      for (const n of nodes) if (n.node.name === name) n.up = false;
    },
    add(node) {
      const known = nodes.find((n) => n.node.name === node.name);
      if (known) nodes.splice(nodes.indexOf(known), 1);
      nodes.push({ node, up: true });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
