/**
 * Scopes of the Docker registry token authentication specification: parsing the `scope` parameters a client
 * sends to the token service, the `WWW-Authenticate` challenge a registry answers with, and the scope an OCI
 * request needs (the rules of distribution's appendAccessRecords).
 *
 *   scope         := resourcescope [ ' ' resourcescope ]*
 *   resourcescope := resourcetype ':' resourcename ':' action [ ',' action ]*
 *   resourcetype  := /[a-z0-9]+/ [ '(' /[a-z0-9]+/ ')' ]
 *
 * A resource name may itself contain colons (`repository:host:5000/foo/bar:pull`), so the type ends at the first
 * colon and the actions start after the last one.
 */

export interface Scope {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export class ScopeParseError extends Error {
  constructor(
    readonly scope: string,
    reason: string,
  ) {
    super(`invalid scope ${JSON.stringify(scope)}: ${reason}`);
  }
}

const TYPE = /^[a-z0-9]+(?:\([a-z0-9]+\))?$/;
const NAME = /^[!#-[\]-~]+$/; // printable ASCII without space, '"' and '\'
const ACTION = /^(?:\*|[a-z][a-z0-9-]*)$/;

/** Parses one `type:name:actions` scope. */
export function parseScope(text: string): Scope {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first === -1 || first === last) throw new ScopeParseError(text, 'expected type:name:actions');
  const type = text.slice(0, first);
  const name = text.slice(first + 1, last);
  const actionList = text.slice(last + 1);
  if (!TYPE.test(type)) throw new ScopeParseError(text, `bad resource type ${JSON.stringify(type)}`);
  if (!NAME.test(name)) throw new ScopeParseError(text, 'empty or malformed resource name');
  if (actionList === '') throw new ScopeParseError(text, 'no actions');
  const actions = actionList.split(',');
  const bad = actions.find((action) => !ACTION.test(action));
  if (bad !== undefined) throw new ScopeParseError(text, `bad action ${JSON.stringify(bad)}`);
  return { type, name, actions: [...new Set(actions)] };
}

/**
 * Parses the `scope` query parameters of a token request: any number of parameters, each holding one or more
 * space-separated scopes. Empty parameters are ignored; one malformed scope rejects the request.
 */
export function parseScopes(params: string | readonly string[] | undefined): Scope[] {
  const values = params === undefined ? [] : typeof params === 'string' ? [params] : params;
  return values.flatMap((value) => value.split(' ').filter((part) => part !== '')).map(parseScope);
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

export interface Challenge {
  readonly realm: string;
  readonly service: string;
  readonly scopes?: readonly Scope[];
  /** RFC 6750 error code, sent when a presented token was refused. */
  readonly error?: 'invalid_token' | 'insufficient_scope';
}

/** The value of the `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export function formatChallenge({ realm, service, scopes = [], error }: Challenge): string {
  const params = [`realm=${quote(realm)}`, `service=${quote(service)}`];
  if (scopes.length > 0) params.push(`scope=${quote(scopes.map(formatScope).join(' '))}`);
  if (error !== undefined) params.push(`error=${quote(error)}`);
  return `Bearer ${params.join(',')}`;
}

function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The parts of a parsed /v2 route the scope depends on (http/oci/oci-path.ts's OciRoute fits this shape). */
export type ScopedRoute =
  | { readonly kind: 'base' | 'catalog' }
  | { readonly kind: 'tags' | 'manifest' | 'blob' | 'uploads' | 'upload' | 'referrers'; readonly name: string };

/**
 * The scopes a /v2 request needs: GET/HEAD pull; POST/PUT/PATCH pull and push; DELETE delete; the catalog
 * `registry:catalog:*`; a request naming a `from` repository (cross-repository blob mount) also pull on it.
 * The base endpoint needs authentication only, so no scope.
 */
export function scopesForRequest(method: string, route: ScopedRoute, query: { readonly from?: string } = {}): Scope[] {
  if (!('name' in route))
    return route.kind === 'catalog' ? [{ type: 'registry', name: 'catalog', actions: ['*'] }] : [];
  const scopes: Scope[] = [];
  add(scopes, route.name, actionsFor(method));
  if (query.from !== undefined && query.from !== '') add(scopes, query.from, ['pull']);
  return scopes.filter((scope) => scope.actions.length > 0);
}

function actionsFor(method: string): string[] {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return ['pull'];
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return ['pull', 'push'];
    case 'DELETE':
      return ['delete'];
    default:
      return [];
  }
}

function add(scopes: Scope[], name: string, actions: readonly string[]): void {
  const index = scopes.findIndex((scope) => scope.name === name);
  const existing = scopes[index];
  if (existing === undefined) {
    scopes.push({ type: 'repository', name, actions });
    return;
  }
  scopes[index] = { ...existing, actions: [...new Set([...existing.actions, ...actions])] };
}
