/**
 * The nodes scenario's load balancer, run as a child process: an HTTP proxy that hands each request to the next
 * upstream in turn (round robin per request, not per connection), keeping its upstream connections alive. The Host
 * header passes through, so Wharf's token realm names the proxy. Prints `{"port":N}` once it listens.
 * Usage: node rr-proxy.js <upstream port>...
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Hop-by-hop headers (RFC 9110 7.6.1): for one connection, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

const upstreams = process.argv.slice(2).map(Number);
if (upstreams.length === 0 || upstreams.some((p) => !Number.isInteger(p) || p <= 0)) {
  process.stderr.write('usage: rr-proxy <upstream port>...\n');
  process.exit(1);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
let next = 0;

const server = http.createServer((req, res) => {
  const port = upstreams[next++ % upstreams.length];
  const upstream = http.request(
    { host: '127.0.0.1', port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy: upstream ${port}: ${err.message}\n`);
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
