import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ADMIN_PASSWORD } from './test-registry.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

export const ADMIN: Credentials = { username: 'admin', password: ADMIN_PASSWORD };

export function basic({ username, password }: Credentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request to /api/v2.0 `path`, as `as` (anonymous when undefined), with an optional JSON body. */
export function api(
  app: FastifyInstance,
  method: Method,
  path: string,
  as?: Credentials,
  body?: unknown,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method,
    url: `/api/v2.0${path}`,
    headers: as ? { authorization: basic(as) } : {},
    ...(body === undefined ? {} : { payload: body as object }),
  });
}

/** Asserts Harbor's error envelope with one error of `code`; returns its message. */
export function expectHarborError(res: LightMyRequestResponse, status: number, code: string): string {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.code).toBe(code);
  expect(typeof body.errors[0]?.message).toBe('string');
  return body.errors[0]?.message ?? '';
}

/** Creates a local user as the administrator; returns its id. */
export async function createUser(
  app: FastifyInstance,
  username: string,
  password = 'Passw0rdOf' + username,
  extra: Record<string, unknown> = {},
): Promise<{ id: number; credentials: Credentials }> {
  const res = await api(app, 'POST', '/users', ADMIN, {
    username,
    password,
    email: `${username}@example.com`,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = Number(/\/users\/(\d+)$/.exec(res.headers.location as string)?.[1]);
  expect(id).toBeGreaterThan(0);
  return { id, credentials: { username, password } };
}
