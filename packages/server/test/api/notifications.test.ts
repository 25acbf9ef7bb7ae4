import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationEnvelope, NotificationEvent } from '../../src/notifications/envelope.js';
import { ADMIN, api, basic } from '../helpers/api-client.js';
import { pullManifest, pushBlobAs, pushImage } from '../helpers/artifact-content.js';
import { OCI_LAYER, OCI_MANIFEST, randomBlob, sha256 } from '../helpers/inject-client.js';
import { createProjectWithMembers } from '../helpers/principals.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: NotificationEnvelope;
  readonly at: number;
}

/** A real HTTP receiver on 127.0.0.1: records every request, answers the statuses queued for a path (else 200). */
class Receiver {
  readonly received: Received[] = [];
  readonly answers = new Map<string, number[]>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        if (path === '/hang') return; // never answers
        this.received.push({
          path,
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as NotificationEnvelope,
          at: Date.now(),
        });
        res.statusCode = this.answers.get(path)?.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The events a path received, in order (repeats included). */
  events(path: string): NotificationEvent[] {
    return this.received.filter((r) => r.path === path).flatMap((r) => r.body.events);
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Polls (no fixed sleeps) until `check` holds, or fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const receiver = new Receiver();
let reg: TestRegistry;
let base = '';
const AUTH = { authorization: basic(ADMIN) };

beforeAll(async () => {
  base = await receiver.start();
  const endpoints = [
    {
      name: 'main',
      url: `${base}/main`,
      headers: { Authorization: ['Bearer secret-token'], 'X-Tags': ['a', 'b'] },
      timeout: '2s',
      threshold: 3,
      backoff: '150ms',
    },
    {
      name: 'filtered',
      url: `${base}/filtered`,
      ignoredmediatypes: ['application/octet-stream'],
      ignore: { actions: ['pull', 'mount'] },
    },
    { name: 'off', url: `${base}/off`, disabled: true },
    // Accepts the connection and never answers: pushes must not wait for it.
    { name: 'hang', url: `${base}/hang`, timeout: '30s' },
  ];
  // Through the environment: a JSON array (YAML takes the same objects).
  reg = await startTestRegistry({
    WHARF_NOTIFICATIONS_ENDPOINTS: JSON.stringify(endpoints),
    WHARF_NOTIFICATIONS_EVENTS_INCLUDEREFERENCES: 'true',
  });
  await createProjectWithMembers(reg.wharf, 'nt', { public: false });
});

afterAll(async () => {
  await reg?.close();
  await receiver.stop();
});

/** Delivers committed events to the subscribers (the relay runs only after listen() otherwise). */
async function drain(): Promise<void> {
  await reg.wharf.events.relay.drain();
}

describe('registry notifications (distribution envelopes)', () => {
  it('a push sends blob and manifest push events with the envelope, media type, headers, request, actor, source', async () => {
    receiver.clear();
    const started = Date.now();
    const image = await pushImage(reg.app, 'nt/app', 'v1', { layers: 1 });
    // The endpoint that never answers did not hold the push up.
    expect(Date.now() - started).toBeLessThan(5000);
    await drain();
    await until(() => receiver.events('/main').length >= 3);
    const [config, layer, manifest] = receiver.events('/main');
    expect(config).toMatchObject({
      action: 'push',
      target: {
        mediaType: 'application/octet-stream',
        digest: image.config.digest,
        size: image.config.size,
        length: image.config.size,
        repository: 'nt/app',
      },
    });
    expect(config!.target.url).toMatch(new RegExp(`/v2/nt/app/blobs/${image.config.digest}$`));
    expect(layer).toMatchObject({ action: 'push', target: { digest: image.layers[0]!.digest } });
    expect(manifest).toMatchObject({
      action: 'push',
      target: {
        mediaType: OCI_MANIFEST,
        digest: image.digest,
        size: image.descriptor.size,
        length: image.descriptor.size,
        repository: 'nt/app',
        tag: 'v1',
      },
      actor: { name: 'admin' },
      source: { addr: `${hostname()}:5000` },
      request: { method: 'PUT', addr: '127.0.0.1' },
    });
    expect(manifest!.target.url).toMatch(new RegExp(`/v2/nt/app/manifests/${image.digest}$`));
    // notifications.events.includereferences: the image's config and layers.
    expect(manifest!.target.references).toEqual([
      { mediaType: image.config.mediaType, digest: image.config.digest, size: image.config.size },
      { mediaType: image.layers[0]!.mediaType, digest: image.layers[0]!.digest, size: image.layers[0]!.size },
    ]);
    expect(config!.target.references).toBeUndefined();
    expect(manifest!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(manifest!.timestamp).getTime()).toBeGreaterThan(0);
    expect(manifest!.source.instanceID).toMatch(/^[0-9a-f-]{36}$/);
    expect(manifest!.request?.host).toBeDefined();
    expect(manifest!.request?.useragent).toBeDefined();
    const request = receiver.received.find((r) => r.path === '/main')!;
    expect(request.headers['content-type']).toBe('application/vnd.docker.distribution.events.v1+json');
    expect(request.headers.authorization).toBe('Bearer secret-token');
    expect(request.headers['x-tags']).toBe('a, b');
    expect(request.body.events).toHaveLength(1);
    // Ignored media type (blobs are application/octet-stream): only the manifest reaches the filtered endpoint.
    await until(() => receiver.events('/filtered').length >= 1);
    expect(receiver.events('/filtered').map((e) => [e.action, e.target.digest])).toEqual([['push', image.digest]]);
    expect(receiver.events('/off')).toEqual([]);
    const hang = (await statusOf()).find((e) => e.name === 'hang')!;
    expect(hang.pending).toBeGreaterThan(0);
    expect(hang.successes).toBe(0);
  });

  it('pulls of a manifest (by tag) and of a blob send pull events; HEAD does not', async () => {
    const image = await pushImage(reg.app, 'nt/pull', 'v1', { layers: 1 });
    await drain();
    await until(() => receiver.events('/main').some((e) => e.target.digest === image.digest));
    await until(() => receiver.events('/filtered').some((e) => e.target.digest === image.digest));
    receiver.clear();
    expect((await pullManifest(reg.app, 'nt/pull', 'v1')).statusCode).toBe(200);
    const head = await reg.app.inject({ method: 'HEAD', url: `/v2/nt/pull/manifests/v1`, headers: AUTH });
    expect(head.statusCode).toBe(200);
    const blob = await reg.app.inject({
      method: 'GET',
      url: `/v2/nt/pull/blobs/${image.layers[0]!.digest}`,
      headers: AUTH,
    });
    expect(blob.statusCode).toBe(200);
    await until(() => receiver.events('/main').length >= 2);
    expect(receiver.events('/main')).toEqual([
      expect.objectContaining({
        action: 'pull',
        target: expect.objectContaining({
          mediaType: OCI_MANIFEST,
          digest: image.digest,
          size: image.descriptor.size,
          repository: 'nt/pull',
          tag: 'v1',
          references: [expect.objectContaining({ digest: image.config.digest }), expect.anything()],
        }) as unknown,
        request: expect.objectContaining({ method: 'GET' }) as unknown,
      }),
      expect.objectContaining({
        action: 'pull',
        target: expect.objectContaining({
          mediaType: 'application/octet-stream',
          digest: image.layers[0]!.digest,
          repository: 'nt/pull',
        }) as unknown,
      }),
    ]);
    // The filtered endpoint ignores pulls.
    expect(receiver.events('/filtered')).toEqual([]);
  });

  it('a mount sends a mount event with its source; deletes of a blob, a tag and a manifest send delete events', async () => {
    const content = randomBlob(50);
    const digest = sha256(content);
    await pushBlobAs(reg.app, 'nt/source', content, OCI_LAYER);
    const image = await pushImage(reg.app, 'nt/del', 'v1');
    const tagged = await api(reg.app, 'POST', `/projects/nt/repositories/del/artifacts/${image.digest}/tags`, ADMIN, {
      name: 'extra',
    });
    expect(tagged.statusCode).toBe(201);
    await drain();
    await until(() => receiver.events('/main').some((e) => e.target.digest === image.digest));
    await until(() => receiver.events('/filtered').some((e) => e.target.digest === image.digest));
    receiver.clear();
    const mount = await reg.app.inject({
      method: 'POST',
      url: `/v2/nt/target/blobs/uploads/?mount=${digest}&from=nt/source`,
      headers: AUTH,
    });
    expect(mount.statusCode).toBe(201);
    const blobDelete = await reg.app.inject({ method: 'DELETE', url: `/v2/nt/target/blobs/${digest}`, headers: AUTH });
    expect(blobDelete.statusCode).toBe(202);
    const tagDelete = await api(
      reg.app,
      'DELETE',
      `/projects/nt/repositories/del/artifacts/${image.digest}/tags/extra`,
      ADMIN,
    );
    expect(tagDelete.statusCode).toBe(200);
    const manifestDelete = await reg.app.inject({
      method: 'DELETE',
      url: `/v2/nt/del/manifests/${image.digest}`,
      headers: AUTH,
    });
    expect(manifestDelete.statusCode).toBe(202);
    await drain();
    await until(() => receiver.events('/main').length >= 4);
    expect(receiver.events('/main').map((e) => ({ action: e.action, target: e.target }))).toEqual([
      {
        action: 'mount',
        target: expect.objectContaining({ digest, repository: 'nt/target', fromRepository: 'nt/source' }) as unknown,
      },
      { action: 'delete', target: { digest, repository: 'nt/target' } },
      { action: 'delete', target: { repository: 'nt/del', tag: 'extra' } },
      { action: 'delete', target: { mediaType: OCI_MANIFEST, digest: image.digest, repository: 'nt/del' } },
    ]);
    // The filtered endpoint ignores mounts; deletes carry no blob media type (as in distribution), so all reach it.
    await until(() => receiver.events('/filtered').length >= 3);
    expect(receiver.events('/filtered').map((e) => [e.action, e.target.tag ?? e.target.digest])).toEqual([
      ['delete', digest],
      ['delete', 'extra'],
      ['delete', image.digest],
    ]);
  });

  it('retries after failures, backing off once the threshold is reached, and counts it all', async () => {
    await drain();
    await until(() => (statusOfSync().find((e) => e.name === 'main')?.pending ?? 1) === 0);
    const before = statusOfSync().find((e) => e.name === 'main')!;
    receiver.clear();
    // 500 three times (the threshold): the first two are retried at once, the third waits for the backoff.
    receiver.answers.set('/main', [500, 500, 500]);
    const content = randomBlob(20);
    await pushBlobAs(reg.app, 'nt/retry', content, OCI_LAYER);
    await drain();
    await until(() => receiver.events('/main').length >= 4);
    const attempts = receiver.received.filter((r) => r.path === '/main');
    expect(new Set(attempts.map((r) => r.body.events[0]!.id)).size).toBe(1);
    expect(attempts[0]!.body.events[0]!.target.digest).toBe(sha256(content));
    expect(attempts[3]!.at - attempts[2]!.at).toBeGreaterThanOrEqual(140);
    await until(() => statusOfSync().find((e) => e.name === 'main')!.pending === 0);
    const after = (await statusOf()).find((e) => e.name === 'main')!;
    expect(after.failures - before.failures).toBe(3);
    expect(after.successes - before.successes).toBe(1);
    expect(after.consecutive_failures).toBe(0);
    expect(after.statuses['500']).toBeGreaterThanOrEqual(3);
    expect(after.last_error).toBe('HTTP 500');
    expect(after.last_success_time).toBeDefined();
  });
});

interface StatusRow {
  name: string;
  url: string;
  disabled: boolean;
  pending: number;
  successes: number;
  failures: number;
  statuses: Record<string, number>;
  consecutive_failures: number;
  last_error?: string;
  last_success_time?: string;
}

function statusOfSync() {
  return reg.wharf.notifications.status();
}

async function statusOf(): Promise<StatusRow[]> {
  const res = await api(reg.app, 'GET', '/system/notifications', ADMIN);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ endpoints: StatusRow[] }>().endpoints;
}

describe('GET /system/notifications (a Wharf extension)', () => {
  it('lists the endpoints in configuration order without secrets, to administrators only', async () => {
    const rows = await statusOf();
    expect(rows.map((r) => [r.name, r.disabled])).toEqual([
      ['main', false],
      ['filtered', false],
      ['off', true],
      ['hang', false],
    ]);
    expect(rows[0]!.url).toBe(`${base}/main`);
    expect(JSON.stringify(rows)).not.toContain('secret-token');
    expect((await api(reg.app, 'GET', '/system/notifications', undefined)).statusCode).toBe(401);
    const project = await createProjectWithMembers(reg.wharf, 'ntauth', { public: true });
    const owner = project.members.projectAdmin;
    expect((await api(reg.app, 'GET', '/system/notifications', owner)).statusCode).toBe(403);
  });
});
