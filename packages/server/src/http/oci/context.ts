import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Operator } from '../../domain/events.js';
import type { Actor } from '../../registry-core/core.js';
import type { Registry } from '../../registry-core/registry.js';
import { originOf } from '../request-origin.js';

/** Who is calling and what the handlers must still restrict. */
export interface OciCaller {
  /** The account name ('' when anonymous). */
  readonly account: string;
  /** Catalog requests only: the projects whose repositories to list; undefined means all. */
  readonly catalogProjects?: readonly number[] | undefined;
  /** Upload requests only: whether a `mount`/`from` cross-repository mount may read the source repository. */
  readonly mayMount: boolean;
}

/** What every /v2 handler receives: the request, the reply, and the registry core. */
export interface OciContext {
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  readonly registry: Registry;
  /** Absolute URL prefix for Location headers, or '' for host-relative Locations. */
  readonly baseUrl: string;
  /** The authorised caller and the restrictions its handlers must still apply. */
  readonly caller: OciCaller;
}

/** The caller as the operator of the changes it asks the core for (recorded in their events). */
export function actorOf(ctx: OciContext): Actor {
  const { account } = ctx.caller;
  const origin = originOf(ctx.req);
  const by: Operator =
    account === ''
      ? { kind: 'anonymous', name: 'anonymous', origin }
      : { kind: account.startsWith('robot$') ? 'robot' : 'user', name: account, origin };
  return { by };
}

export function location(ctx: OciContext, path: string): string {
  return `${ctx.baseUrl}${path}`;
}

/** Encodes a repository name for use in a URL path, keeping its '/' separators. */
export function namePath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

export function queryParam(req: FastifyRequest, key: string): string | undefined {
  const value = (req.query as Record<string, string | string[] | undefined>)[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether the request carries a body (a chunk) at all. */
export function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Sends `body` as JSON with exactly `type` as Content-Type. Fastify appends `; charset=utf-8` to every JSON type it
 * serialises (strings too); a Buffer is sent as it is, so the OCI media types (whose specification forbids
 * parameters the registry did not get) and distribution's plain `application/json` reach the client unchanged.
 */
export function sendJson(reply: FastifyReply, body: unknown, type = 'application/json'): FastifyReply {
  return reply.type(type).send(Buffer.from(JSON.stringify(body)));
}
