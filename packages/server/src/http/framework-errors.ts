import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendHarborError, sendOciError } from './error-handler.js';
import { RegistryError } from './oci/errcode.js';
import { parseOciPath } from './oci/oci-path.js';
import { refuseMalformed } from './oci/routes.js';

const API_VERSION = { 'Docker-Distribution-API-Version': 'registry/2.0' };

function isV2(path: string): boolean {
  return path === '/v2' || path.startsWith('/v2/');
}

/**
 * Fastify's `frameworkErrors`: requests its router refuses before any route or hook runs (malformed
 * percent-encoding, a path parameter over `maxParamLength`). On /v2 they get an OCI error with the API version
 * header, naming the part of the URL at fault as the route would (NAME_INVALID for the name, MANIFEST_UNKNOWN for a
 * reference read, TAG_INVALID for a reference pushed, DIGEST_INVALID for a digest); elsewhere Harbor's envelope.
 */
export function handleFrameworkError(err: Error, req: FastifyRequest, reply: FastifyReply): void {
  void reply.header('X-Request-Id', req.id);
  const path = req.url.split('?', 1)[0] ?? '';
  if (!isV2(path)) {
    void sendHarborError(reply, err, req.log);
    return;
  }
  void reply.headers(API_VERSION);
  let refusal: unknown;
  try {
    refuseMalformed(parseOciPath(path.replace(/^\/v2\/?/, '')), req.method);
    const status = (err as { statusCode?: unknown }).statusCode;
    refusal = new RegistryError('UNSUPPORTED', err.message, undefined, typeof status === 'number' ? status : 400);
  } catch (error) {
    refusal = error;
  }
  void sendOciError(reply, refusal, req.log);
}

const CLIENT_ERRORS: Readonly<Record<string, readonly [number, string]>> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'the request was not received in time'],
  HPE_HEADER_OVERFLOW: [431, 'the request line and headers exceed the allowed size'],
};

/**
 * Fastify's `clientErrorHandler`: requests Node's HTTP parser refuses (malformed request line or headers, headers too
 * large, too slow). Like Fastify's default it answers and closes the connection; a request whose line names /v2 gets
 * an OCI error with the API version header, any other a Harbor error envelope.
 */
export function handleClientError(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, `malformed request (${err.code ?? err.message})`];
  // Typed by Fastify as a JSON-ified Buffer; at run time it is the Buffer of what the parser received.
  const line = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 64).toString('latin1') : '';
  const v2 = /^[A-Z]+ \/v2(?:[/?# ]|$)/.test(line);
  const body = JSON.stringify({ errors: [{ code: v2 ? 'UNSUPPORTED' : 'BAD_REQUEST', message }] });
  const headers = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Bad Request'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    ...(v2 ? ['Docker-Distribution-API-Version: registry/2.0'] : []),
  ];
  if (!socket.writable) {
    socket.destroy(err);
    return;
  }
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};
