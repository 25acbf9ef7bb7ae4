import { vi } from 'vitest';

/** A request the fake server received: method, path with query, headers and body as text. */
export interface Received {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
}

export type FakeResponse = { status?: number; json?: unknown; text?: string; headers?: Record<string, string> };
type Handler = (req: Received) => FakeResponse;

/**
 * Stands in for Wharf: `fetch` is answered by the first handler whose `METHOD /path` key matches (the path without
 * its query), and every request is recorded. Unmatched requests get Harbor's 404 envelope.
 */
export function fakeApi(handlers: Record<string, Handler | FakeResponse>): Received[] {
  const received: Received[] = [];
  vi.stubGlobal('fetch', (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), 'http://wharf.test');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' || init.body instanceof URLSearchParams ? init.body.toString() : '';
    const req: Received = { method, url, headers: new Headers(init.headers), body };
    received.push(req);
    const handler = handlers[`${method} ${url.pathname}`];
    const answer: FakeResponse =
      handler === undefined
        ? { status: 404, json: { errors: [{ code: 'NOT_FOUND', message: `no fake for ${method} ${url.pathname}` }] } }
        : typeof handler === 'function'
          ? handler(req)
          : handler;
    const text = answer.json === undefined ? (answer.text ?? '') : JSON.stringify(answer.json);
    return Promise.resolve(
      new Response(text === '' ? null : text, { status: answer.status ?? 200, headers: answer.headers }),
    );
  });
  return received;
}
