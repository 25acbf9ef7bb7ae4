import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Credentials } from './api-client.js';

export interface SetCookie {
  readonly value: string;
  /** Attribute names in lower case → their value ('' for flags such as HttpOnly). */
  readonly attributes: ReadonlyMap<string, string>;
}

/** The response's Set-Cookie headers by cookie name. */
export function setCookies(res: LightMyRequestResponse): Map<string, SetCookie> {
  const raw = res.headers['set-cookie'];
  const headers = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const cookies = new Map<string, SetCookie>();
  for (const header of headers) {
    const [pair = '', ...attrs] = header.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const attr of attrs) {
      const at = attr.indexOf('=');
      attributes.set((at < 0 ? attr : attr.slice(0, at)).toLowerCase(), at < 0 ? '' : attr.slice(at + 1));
    }
    cookies.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes });
  }
  return cookies;
}

/** A logged-in browser: its session cookie and the CSRF token it was handed. */
export interface BrowserSession {
  readonly sid: string;
  readonly csrf: string;
}

/** POST /c/login form-encoded, as Harbor's portal does. */
export function postLogin(
  app: FastifyInstance,
  principal: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/c/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({ principal, password }).toString(),
  });
}

/** Logs in and returns the session; fails the test unless the login succeeds. */
export async function login(app: FastifyInstance, as: Credentials): Promise<BrowserSession> {
  const res = await postLogin(app, as.username, as.password);
  expect(res.statusCode, res.body).toBe(200);
  const cookies = setCookies(res);
  const sid = cookies.get('sid')?.value;
  const csrf = res.headers['x-harbor-csrf-token'];
  expect(sid).toBeTruthy();
  expect(typeof csrf).toBe('string');
  return { sid: sid!, csrf: csrf as string };
}

/**
 * A request to /api/v2.0 `path` with the session cookie; `csrf` true sends the session's token, a string sends that
 * value, false or undefined none.
 */
export function sessionApi(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
  path: string,
  session: BrowserSession,
  opts: { csrf?: boolean | string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  const token = opts.csrf === true ? session.csrf : typeof opts.csrf === 'string' ? opts.csrf : undefined;
  return app.inject({
    method,
    url: `/api/v2.0${path}`,
    headers: {
      cookie: `sid=${session.sid}`,
      ...(token === undefined ? {} : { 'x-harbor-csrf-token': token }),
      ...opts.headers,
    },
    ...(opts.body === undefined ? {} : { payload: opts.body as object }),
  });
}
