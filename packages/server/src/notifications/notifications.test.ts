import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/load.js';
import { EndpointQueue, type NotificationEndpointOptions } from './endpoint-queue.js';
import { referencesIn, type NotificationEvent } from './envelope.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1 that answers with `handle`. */
async function receiver(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
}

function options(url: string, extra: Partial<NotificationEndpointOptions> = {}): NotificationEndpointOptions {
  return {
    name: 'test',
    url,
    headers: {},
    timeoutMs: 1000,
    threshold: 10,
    backoffMs: 10,
    ignoredMediaTypes: [],
    ignoredActions: [],
    disabled: false,
    maxPending: 100,
    ...extra,
  };
}

function event(n: number, extra: Partial<NotificationEvent['target']> = {}): NotificationEvent {
  return {
    id: `id-${n}`,
    timestamp: new Date(0).toISOString(),
    action: 'push',
    target: { repository: 'a/b', digest: `sha256:${n}`, mediaType: 'application/octet-stream', ...extra },
    actor: {},
    source: { addr: 'h:5000', instanceID: 'x' },
  };
}

describe('EndpointQueue', () => {
  it('sends in order, one envelope per event, and counts successes', async () => {
    const got: string[] = [];
    const url = await receiver((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push((JSON.parse(body) as { events: NotificationEvent[] }).events[0]!.id);
        res.end();
      });
    });
    const queue = new EndpointQueue(options(url), { now: () => 1 });
    for (let i = 0; i < 5; i++) queue.enqueue(event(i));
    await queue.settled();
    expect(got).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    expect(queue.status()).toMatchObject({ pending: 0, events: 5, successes: 5, failures: 0, statuses: { '200': 5 } });
    await queue.close();
  });

  it('counts a refused connection and a time-out as errors, and keeps retrying until it is closed', async () => {
    const hanging = await receiver(() => undefined);
    const failures: string[] = [];
    const queue = new EndpointQueue(options(hanging, { timeoutMs: 50, threshold: 1, backoffMs: 20 }), {
      now: () => 1,
      onFailure: (_name, error) => failures.push(error),
    });
    queue.enqueue(event(1));
    while (failures.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(failures[0]).toBe('no answer within 50 ms');
    expect(queue.status()).toMatchObject({ pending: 1, successes: 0, lastError: 'no answer within 50 ms' });
    expect(queue.status().errors).toBeGreaterThanOrEqual(2);
    await queue.close();

    // Nothing listens on the port of a closed server: the connection is refused.
    const closed = await receiver(() => undefined);
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const refused = new EndpointQueue(options(closed, { threshold: 100 }), { now: () => 1 });
    refused.enqueue(event(2));
    while (refused.status().failures < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(refused.status().lastError).toMatch(/fetch failed|ECONNREFUSED/);
    await refused.close();
  });

  it('drops the oldest waiting event past maxPending, and filters ignored media types and actions', async () => {
    const url = await receiver(() => undefined); // holds the first request: the rest wait
    const queue = new EndpointQueue(
      options(url, { maxPending: 3, ignoredMediaTypes: ['application/x-ignored'], ignoredActions: ['pull'] }),
      { now: () => 1 },
    );
    queue.enqueue(event(0, { mediaType: 'application/x-ignored' }));
    queue.enqueue({ ...event(0), action: 'pull' });
    expect(queue.status().events).toBe(0);
    for (let i = 1; i <= 5; i++) queue.enqueue(event(i));
    expect(queue.status()).toMatchObject({ pending: 3, events: 5, dropped: 2 });
    await queue.close();
    const disabled = new EndpointQueue(options(url, { disabled: true }), { now: () => 1 });
    disabled.enqueue(event(9));
    expect(disabled.status()).toMatchObject({ pending: 0, events: 0, disabled: true });
  });

  it('shows the URL without credentials or query', () => {
    const queue = new EndpointQueue(options('https://user:pw@hooks.example.com/x?token=s#f'), { now: () => 1 });
    expect(queue.status().url).toBe('https://hooks.example.com/x');
  });
});

describe('referencesIn', () => {
  it('lists an index’s manifests, an image’s config and layers, and nothing for other content', () => {
    const d = (n: number) => ({ mediaType: `type/${n}`, digest: `sha256:${n}`, size: n });
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));
    expect(referencesIn(json({ manifests: [d(1), d(2)] }))).toEqual([d(1), d(2)]);
    expect(referencesIn(json({ config: d(3), layers: [d(4)] }))).toEqual([d(3), d(4)]);
    expect(referencesIn(json({ blobs: [d(5)] }))).toEqual([d(5)]);
    expect(referencesIn(Buffer.from('not json'))).toEqual([]);
    expect(referencesIn(json({ layers: [{ digest: 'x' }] }))).toEqual([]);
  });
});

describe('notifications configuration', () => {
  it('reads distribution’s fields from YAML with defaults, and refuses two endpoints of one name', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'wharf-notify-'));
    const file = path.join(dir, 'wharf.yml');
    await writeFile(
      file,
      [
        'notifications:',
        '  endpoints:',
        '    - name: a',
        '      url: https://listener.example.com/events',
        '      headers:',
        '        Authorization: [Bearer t]',
        '      timeout: 500ms',
        '      threshold: 5',
        '      backoff: 2s',
        '      ignoredmediatypes: [application/octet-stream]',
        '      ignore:',
        '        actions: [pull]',
        '    - name: b',
        '      url: http://127.0.0.1:9/x',
        '      disabled: true',
      ].join('\n'),
    );
    const config = loadConfig({ file, env: {} });
    expect(config.notifications.endpoints[0]).toMatchObject({
      name: 'a',
      headers: { Authorization: ['Bearer t'] },
      timeout: 0.5,
      threshold: 5,
      backoff: 2,
      ignoredmediatypes: ['application/octet-stream'],
      ignore: { mediatypes: [], actions: ['pull'] },
      disabled: false,
    });
    expect(config.notifications.endpoints[1]).toMatchObject({ timeout: 1, threshold: 10, backoff: 1, disabled: true });
    expect(() =>
      loadConfig({
        env: {
          WHARF_NOTIFICATIONS_ENDPOINTS: JSON.stringify([
            { name: 'x', url: 'http://a/' },
            { name: 'x', url: 'http://b/' },
          ]),
        },
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ env: { WHARF_NOTIFICATIONS_ENDPOINTS: 'not json' } })).toThrow(/notifications.endpoints/);
    expect(() => loadConfig({ env: { WHARF_NOTIFICATIONS_ENDPOINTS: '[{"name":"x","url":"ftp://a/"}]' } })).toThrow(
      ConfigError,
    );
  });
});
