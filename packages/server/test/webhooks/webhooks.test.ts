import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { pullManifest, pushBlobAs, pushImage } from '../helpers/artifact-content.js';
import { OCI_LAYER } from '../helpers/inject-client.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';
import { WebhookReceiver, type Received } from '../helpers/webhook-receiver.js';

const run = promisify(execFile);
const clock = new ManualClock(Date.now());
const TIMEOUT_S = 5;
const RETRY_S = 7;
const reg = useOciTestRegistry(
  {
    WHARF_WEBHOOKS_ALLOWEDTARGETS: '127.0.0.1',
    WHARF_WEBHOOKS_TIMEOUT: String(TIMEOUT_S),
    WHARF_WEBHOOKS_RETRYDELAY: String(RETRY_S),
    WHARF_WEBHOOKS_MAXRETRIES: '2',
  },
  { clock },
);

let receiver: WebhookReceiver;
let tlsReceiver: WebhookReceiver;
let certDir: string;

beforeAll(async () => {
  receiver = await WebhookReceiver.start();
  certDir = await mkdtemp(path.join(tmpdir(), 'wharf-webhook-tls-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    path.join(certDir, 'tls.key'),
    '-out',
    path.join(certDir, 'tls.crt'),
  ]);
  tlsReceiver = await WebhookReceiver.start('127.0.0.1', {
    key: await readFile(path.join(certDir, 'tls.key')),
    cert: await readFile(path.join(certDir, 'tls.crt')),
  });
  // Job types of features still to come, so that their executions exist for the mapping.
  // A task whose parameters are 'fail' fails (no retries), so that its execution ends in Error.
  for (const name of ['IMAGE_SCAN', 'REPLICATION']) {
    reg.wharf.jobs.register({
      name,
      maxRetries: 0,
      run: ({ params }) => (params === 'fail' ? Promise.reject(new Error('stand-in failure')) : Promise.resolve(null)),
    });
  }
});

afterAll(async () => {
  await receiver.close();
  await tlsReceiver.close();
  await rm(certDir, { recursive: true, force: true });
});

interface Target {
  type?: string;
  address: string;
  auth_header?: string;
  skip_cert_verify?: boolean;
  payload_format?: string;
}

interface PolicyBody {
  name: string;
  description?: string;
  enabled?: boolean;
  event_types: string[];
  targets: Target[];
}

async function createProject(name: string, extra: Record<string, unknown> = {}): Promise<number> {
  const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: name, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return (await reg.wharf.store.projects.getByName(name))!.id;
}

async function createPolicy(project: string, body: PolicyBody): Promise<number> {
  const res = await api(reg.app, 'POST', `/projects/${project}/webhook/policies`, ADMIN, { enabled: true, ...body });
  expect(res.statusCode, res.body).toBe(201);
  const location = res.headers.location as string;
  expect(location).toMatch(new RegExp(`^/api/v2\\.0/projects/${project}/webhook/policies/\\d+$`));
  await reg.wharf.events.relay.drain();
  return Number(location.split('/').at(-1));
}

/** Delivers what committed events launched: the relay hands them to the notifier, the engine runs the tasks. */
/**
 * Runs everything pending to its end: events to the notifier, its deliveries, and jobs whose end records further
 * events (a retention run's `execution.finished`, which then launches its TAG_RETENTION delivery).
 */
async function deliver(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await reg.wharf.webhooks.settled();
    await reg.wharf.events.relay.drain();
    await reg.wharf.webhooks.settled();
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
  }
}

function at(pathname: string): Received[] {
  return receiver.received.filter((r) => r.url === pathname);
}

function json(received: Received): Record<string, unknown> {
  return JSON.parse(received.body) as Record<string, unknown>;
}

/** Harbor's default payload: type, occur_at in seconds, operator, event_data. */
function expectHarborPayload(body: Record<string, unknown>, type: string, operator: string): Record<string, unknown> {
  expect(Object.keys(body).sort()).toEqual(['event_data', 'occur_at', 'operator', 'type']);
  expect(body.type).toBe(type);
  expect(body.operator).toBe(operator);
  expect(Number.isInteger(body.occur_at)).toBe(true);
  expect(Math.abs((body.occur_at as number) - Math.floor(clock.now() / 1000))).toBeLessThan(5);
  return body.event_data as Record<string, unknown>;
}

function repositoryOf(project: string, name: string, repoType = 'private') {
  return { name, namespace: project, repo_full_name: `${project}/${name}`, repo_type: repoType };
}

/** CloudEvents 1.0, structured JSON mode: required context attributes and their types; extensions lower-case. */
function expectCloudEvent(received: Received, type: string, source?: string): Record<string, unknown> {
  expect(received.headers['content-type']).toBe('application/cloudevents+json');
  const event = json(received);
  expect(event.specversion).toBe('1.0');
  expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
  if (source) expect(event.source).toBe(source);
  else expect(event.source).toMatch(/^\/projects\/\d+\/webhook\/policies\/\d+$/);
  expect(event.type).toBe(type);
  expect(event.datacontenttype).toBe('application/json');
  expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  for (const name of Object.keys(event)) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
  expect(typeof event.data).toBe('object');
  return event;
}

describe('webhook policies API', () => {
  it('creates, lists, reads, updates and deletes policies in Harbor’s shapes, emitting their events', async () => {
    const projectId = await createProject('wh-crud');
    const seen: string[] = [];
    reg.wharf.events.bus.subscribe(
      'test-webhook-policy-events',
      ['webhook_policy.created', 'webhook_policy.updated', 'webhook_policy.deleted'],
      (e) => {
        seen.push(`${e.type} ${e.name} ${e.by?.name}`);
      },
    );
    const body: PolicyBody = {
      name: 'ci',
      description: 'tell CI',
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
      // As Harbor, the address keeps its scheme, host and path only.
      targets: [{ type: 'http', address: `${receiver.url('/crud')}?drop=1#me`, auth_header: 'Bearer t0ken' }],
    };
    const id = await createPolicy('wh-crud', body);
    const got = await api(reg.app, 'GET', `/projects/wh-crud/webhook/policies/${id}`, ADMIN);
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({
      id,
      name: 'ci',
      description: 'tell CI',
      project_id: projectId,
      targets: [
        {
          type: 'http',
          address: receiver.url('/crud'),
          auth_header: 'Bearer t0ken',
          skip_cert_verify: false,
          payload_format: 'Default',
        },
      ],
      event_types: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
      creator: 'admin',
      creation_time: expect.any(String) as string,
      update_time: expect.any(String) as string,
      enabled: true,
    });
    // By id too.
    expect((await api(reg.app, 'GET', `/projects/${projectId}/webhook/policies/${id}`, ADMIN)).statusCode).toBe(200);

    const second = await createPolicy('wh-crud', { ...body, name: 'second' });
    const list = await api(reg.app, 'GET', '/projects/wh-crud/webhook/policies?page=1&page_size=1', ADMIN);
    expect(list.statusCode).toBe(200);
    expect(list.headers['x-total-count']).toBe('2');
    expect(list.json<{ id: number }[]>().map((p) => p.id)).toEqual([id]);
    const named = await api(reg.app, 'GET', '/projects/wh-crud/webhook/policies?q=name%3D~seco', ADMIN);
    expect(named.json<{ id: number }[]>().map((p) => p.id)).toEqual([second]);
    const exact = await api(reg.app, 'GET', '/projects/wh-crud/webhook/policies?q=name%3Dci', ADMIN);
    expect(exact.json<{ id: number }[]>().map((p) => p.id)).toEqual([id]);
    expectHarborError(
      await api(reg.app, 'GET', '/projects/wh-crud/webhook/policies?q=creator%3Dadmin', ADMIN),
      400,
      'BAD_REQUEST',
    );

    const update = await api(reg.app, 'PUT', `/projects/wh-crud/webhook/policies/${id}`, ADMIN, {
      ...body,
      enabled: false,
      event_types: ['PULL_ARTIFACT'],
    });
    expect(update.statusCode, update.body).toBe(200);
    const changed = (await api(reg.app, 'GET', `/projects/wh-crud/webhook/policies/${id}`, ADMIN)).json<{
      enabled: boolean;
      event_types: string[];
    }>();
    expect(changed).toMatchObject({ enabled: false, event_types: ['PULL_ARTIFACT'] });
    expectHarborError(
      await api(reg.app, 'PUT', `/projects/wh-crud/webhook/policies/${id}`, ADMIN, { ...body, name: 'second' }),
      409,
      'CONFLICT',
    );

    expect((await api(reg.app, 'DELETE', `/projects/wh-crud/webhook/policies/${second}`, ADMIN)).statusCode).toBe(200);
    expectHarborError(
      await api(reg.app, 'GET', `/projects/wh-crud/webhook/policies/${second}`, ADMIN),
      404,
      'NOT_FOUND',
    );
    // A policy of another project is not found through this one.
    await createProject('wh-other');
    expectHarborError(await api(reg.app, 'GET', `/projects/wh-other/webhook/policies/${id}`, ADMIN), 404, 'NOT_FOUND');
    expectHarborError(
      await api(reg.app, 'DELETE', `/projects/wh-other/webhook/policies/${id}`, ADMIN),
      404,
      'NOT_FOUND',
    );
    await reg.wharf.events.relay.drain();
    expect(seen).toEqual([
      'webhook_policy.created ci admin',
      'webhook_policy.created second admin',
      'webhook_policy.updated ci admin',
      'webhook_policy.deleted second admin',
    ]);
  });

  it('refuses invalid policies with 400, a name twice with 409, and plainly internal targets unless allowed', async () => {
    await createProject('wh-invalid');
    const ok: PolicyBody = { name: 'ok', event_types: ['PUSH_ARTIFACT'], targets: [{ address: receiver.url('/x') }] };
    const bad: [string, unknown][] = [
      ['no name', { ...ok, name: '' }],
      ['no event types', { ...ok, event_types: [] }],
      ['an unknown event type', { ...ok, event_types: ['PUSH_IMAGE'] }],
      ['no targets', { ...ok, targets: [] }],
      ['a non-URL address', { ...ok, targets: [{ address: 'not a url' }] }],
      ['an ftp address', { ...ok, targets: [{ address: 'ftp://example.com/x' }] }],
      ['an unknown notify type', { ...ok, targets: [{ type: 'email', address: 'https://example.com' }] }],
      [
        'CloudEvents for Slack',
        { ...ok, targets: [{ type: 'slack', address: 'https://example.com', payload_format: 'CloudEvents' }] },
      ],
      [
        'a payload format for Slack',
        { ...ok, targets: [{ type: 'slack', address: 'https://example.com', payload_format: 'Default' }] },
      ],
      ['an auth header with a newline', { ...ok, targets: [{ address: 'https://example.com', auth_header: 'a\nb' }] }],
      ['a private address', { ...ok, targets: [{ address: 'http://10.1.2.3/hook' }] }],
      ['the metadata address', { ...ok, targets: [{ address: 'http://169.254.169.254/latest/meta-data' }] }],
      ['a metadata name', { ...ok, targets: [{ address: 'http://metadata.google.internal/' }] }],
      ['an IPv4-mapped loopback', { ...ok, targets: [{ address: 'http://[::ffff:127.0.0.2]/' }] }],
      ['localhost (::1 is not allowed)', { ...ok, targets: [{ address: 'http://localhost:8080/' }] }],
    ];
    for (const [why, body] of bad) {
      const res = await api(reg.app, 'POST', '/projects/wh-invalid/webhook/policies', ADMIN, body);
      expect(res.statusCode, `${why}: ${res.body}`).toBe(400);
    }
    const internal = await api(
      reg.app,
      'POST',
      '/projects/wh-invalid/webhook/policies',
      ADMIN,
      bad.find(([why]) => why === 'a private address')![1],
    );
    expect(internal.body).toContain('webhooks.allowedTargets');
    expect(
      await reg.wharf.store.webhooks.ofProject((await reg.wharf.store.projects.getByName('wh-invalid'))!.id),
    ).toEqual([]);
    // 127.0.0.1 is allowed in this registry's configuration.
    await createPolicy('wh-invalid', ok);
    expectHarborError(await api(reg.app, 'POST', '/projects/wh-invalid/webhook/policies', ADMIN, ok), 409, 'CONFLICT');
    // As Harbor's handler: a body without `enabled` makes a disabled policy.
    const bare = await api(reg.app, 'POST', '/projects/wh-invalid/webhook/policies', ADMIN, { ...ok, name: 'bare' });
    expect(bare.statusCode, bare.body).toBe(201);
    const bareId = Number((bare.headers.location as string).split('/').at(-1));
    expect((await reg.wharf.store.webhooks.get(bareId))?.enabled).toBe(false);
  });

  it('answers the supported event types, notify types and payload formats', async () => {
    await createProject('wh-events');
    const res = await api(reg.app, 'GET', '/projects/wh-events/webhook/events', ADMIN);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ event_type: string[]; notify_type: string[]; payload_formats: unknown[] }>();
    expect(body.event_type).toEqual(
      expect.arrayContaining([
        'PUSH_ARTIFACT',
        'PULL_ARTIFACT',
        'DELETE_ARTIFACT',
        'QUOTA_EXCEED',
        'QUOTA_WARNING',
        'TAG_RETENTION',
        'REPLICATION',
        'SCANNING_COMPLETED',
        'SCANNING_FAILED',
        'SCANNING_STOPPED',
      ]),
    );
    expect(body.notify_type).toEqual(['http', 'slack']);
    expect(body.payload_formats).toEqual([{ notify_type: 'http', formats: ['Default', 'CloudEvents'] }]);
  });
});

describe('webhook deliveries', () => {
  it('delivers PUSH_ARTIFACT in Harbor’s default payload with the auth header, recorded as an execution', async () => {
    await createProject('wh-push');
    const id = await createPolicy('wh-push', {
      name: 'push',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: receiver.url('/push'), auth_header: 'Bearer s3cr3t-value' }],
    });
    const image = await pushImage(reg.app, 'wh-push/app', 'v1');
    await deliver();
    const [request] = at('/push');
    expect(at('/push')).toHaveLength(1);
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers.authorization).toBe('Bearer s3cr3t-value');
    const data = expectHarborPayload(json(request!), 'PUSH_ARTIFACT', 'admin');
    expect(data).toEqual({
      resources: [{ digest: image.digest, tag: 'v1', resource_url: `localhost:80/wh-push/app:v1` }],
      repository: repositoryOf('wh-push', 'app'),
    });

    // The last trigger, the execution, its task and the log.
    const triggers = await api(reg.app, 'GET', '/projects/wh-push/webhook/lasttrigger', ADMIN);
    expect(triggers.statusCode).toBe(200);
    expect(triggers.json()).toEqual([
      {
        policy_name: 'push',
        event_type: 'PUSH_ARTIFACT',
        enabled: true,
        creation_time: expect.any(String) as string,
        last_trigger_time: new Date(clock.now()).toISOString(),
      },
    ]);
    const executions = await api(reg.app, 'GET', `/projects/wh-push/webhook/policies/${id}/executions`, ADMIN);
    expect(executions.statusCode).toBe(200);
    expect(executions.headers['x-total-count']).toBe('1');
    const [execution] = executions.json<{ id: number }[]>();
    expect(execution).toMatchObject({
      vendor_type: 'WEBHOOK',
      vendor_id: id,
      status: 'Success',
      trigger: 'EVENT',
      extra_attrs: { event_type: 'PUSH_ARTIFACT' },
      metrics: { task_count: 1, success_task_count: 1 },
    });
    const tasks = await api(
      reg.app,
      'GET',
      `/projects/wh-push/webhook/policies/${id}/executions/${execution!.id}/tasks`,
      ADMIN,
    );
    expect(tasks.statusCode).toBe(200);
    const [task] = tasks.json<{ id: number; status: string; run_count: number }[]>();
    expect(task).toMatchObject({ execution_id: execution!.id, status: 'Success', run_count: 1 });
    const log = await api(
      reg.app,
      'GET',
      `/projects/wh-push/webhook/policies/${id}/executions/${execution!.id}/tasks/${task!.id}/log`,
      ADMIN,
    );
    expect(log.statusCode).toBe(200);
    expect(log.headers['content-type']).toMatch(/^text\/plain/);
    expect(log.body).toContain(`send PUSH_ARTIFACT to ${receiver.url('/push')}`);
    expect(log.body).toContain('response: HTTP 200');
    expect(log.body).toContain('with its auth header');
    expect(log.body).not.toContain('s3cr3t-value');
    // An execution of another policy, or a task of another execution, is not found.
    expectHarborError(
      await api(
        reg.app,
        'GET',
        `/projects/wh-push/webhook/policies/${id}/executions/${execution!.id + 1000}/tasks`,
        ADMIN,
      ),
      404,
      'NOT_FOUND',
    );
  });

  it('formats one event for each target: Default, CloudEvents 1.0 (structured) and Harbor’s Slack message', async () => {
    const projectId = await createProject('wh-formats', { metadata: { public: 'true' } });
    const id = await createPolicy('wh-formats', {
      name: 'formats',
      event_types: ['CREATE_TAG'],
      targets: [
        { type: 'http', address: receiver.url('/f-default') },
        { type: 'http', address: receiver.url('/f-ce'), payload_format: 'CloudEvents', auth_header: 'Basic eA==' },
        { type: 'slack', address: receiver.url('/f-slack'), auth_header: 'never sent to slack' },
      ],
    });
    const image = await pushImage(reg.app, 'wh-formats/app', 'v2');
    await deliver();
    const data = expectHarborPayload(json(at('/f-default')[0]!), 'CREATE_TAG', 'admin');
    expect(data).toEqual({
      resources: [{ digest: image.digest, tag: 'v2', resource_url: 'localhost:80/wh-formats/app:v2' }],
      repository: repositoryOf('wh-formats', 'app', 'public'),
    });

    const ce = at('/f-ce')[0]!;
    expect(ce.headers.authorization).toBe('Basic eA==');
    const event = expectCloudEvent(ce, 'harbor.tag.created', `/projects/${projectId}/webhook/policies/${id}`);
    expect(event.operator).toBe('admin');
    expect(event.data).toEqual(data);
    expect(typeof event.requestid).toBe('string');
    expect(Date.parse(event.time as string) / 1000).toBe(Math.floor(clock.now() / 1000));

    const slack = at('/f-slack')[0]!;
    expect(slack.headers['content-type']).toBe('application/json');
    expect(slack.headers.authorization).toBeUndefined();
    const message = json(slack) as { blocks: { type: string; text: { type: string; text: string } }[] };
    expect(message.blocks.map((b) => [b.type, b.text.type])).toEqual(Array(6).fill(['section', 'mrkdwn']));
    expect(message.blocks[0]!.text.text).toBe('*Harbor webhook events*');
    expect(message.blocks[1]!.text.text).toBe('*event_type:* CREATE_TAG');
    expect(message.blocks[2]!.text.text).toMatch(/^\*occur_at:\* <!date\^\d+\^\{date\} at \{time\}\|.+>$/);
    expect(message.blocks[3]!.text.text).toBe('*operator:* admin');
    expect(message.blocks[4]!.text.text).toBe('*event_data:*');
    const code = message.blocks[5]!.text.text;
    expect(code.startsWith('```') && code.endsWith('```')).toBe(true);
    expect(JSON.parse(code.slice(3, -3))).toEqual(data);
  });

  it('maps pulls, deletions, repository deletion and quota events to their Harbor event types', async () => {
    await createProject('wh-map', { storage_limit: 100_000 });
    const all = [
      'PULL_ARTIFACT',
      'DELETE_ARTIFACT',
      'DELETE_TAG',
      'DELETE_REPOSITORY',
      'QUOTA_WARNING',
      'QUOTA_EXCEED',
      'PUSH_ARTIFACT',
    ];
    await createPolicy('wh-map', { name: 'all', event_types: all, targets: [{ address: receiver.url('/map') }] });
    const types = () => at('/map').map((r) => json(r).type);

    const image = await pushImage(reg.app, 'wh-map/app', 'v1');
    await deliver();
    receiver.received.length = 0;

    // A pull by tag, then by digest (Harbor names the digest as the tag then).
    expect((await pullManifest(reg.app, 'wh-map/app', 'v1')).statusCode).toBe(200);
    expect((await pullManifest(reg.app, 'wh-map/app', image.digest)).statusCode).toBe(200);
    await deliver();
    expect(types()).toEqual(['PULL_ARTIFACT', 'PULL_ARTIFACT']);
    const pulls = at('/map').map((r) => expectHarborPayload(json(r), 'PULL_ARTIFACT', 'admin'));
    expect(pulls.map((d) => (d.resources as { tag: string }[])[0]!.tag).sort()).toEqual([image.digest, 'v1'].sort());
    receiver.received.length = 0;

    // Deleting a tag, then the artifact, then the repository.
    await pushImage(reg.app, 'wh-map/app', 'v2');
    const second = await pushImage(reg.app, 'wh-map/other', 'x');
    await deliver();
    receiver.received.length = 0;
    const base = '/projects/wh-map/repositories';
    expect((await api(reg.app, 'DELETE', `${base}/app/artifacts/v2/tags/v2`, ADMIN)).statusCode).toBe(200);
    await deliver();
    expect(types()).toEqual(['DELETE_TAG']);
    expect(expectHarborPayload(json(at('/map')[0]!), 'DELETE_TAG', 'admin').resources).toEqual([
      expect.objectContaining({ tag: 'v2' }),
    ]);
    receiver.received.length = 0;
    expect((await api(reg.app, 'DELETE', `${base}/app/artifacts/${image.digest}`, ADMIN)).statusCode).toBe(200);
    await deliver();
    expect(types()).toEqual(['DELETE_ARTIFACT']);
    expect(expectHarborPayload(json(at('/map')[0]!), 'DELETE_ARTIFACT', 'admin')).toEqual({
      resources: [{ digest: image.digest, tag: 'v1', resource_url: 'localhost:80/wh-map/app:v1' }],
      repository: repositoryOf('wh-map', 'app'),
    });
    receiver.received.length = 0;
    expect((await api(reg.app, 'DELETE', `${base}/other`, ADMIN)).statusCode).toBe(200);
    await deliver();
    expect(types()).toContain('DELETE_REPOSITORY');
    const repoDeleted = at('/map').find((r) => json(r).type === 'DELETE_REPOSITORY')!;
    expect(expectHarborPayload(json(repoDeleted), 'DELETE_REPOSITORY', 'admin')).toEqual({
      repository: repositoryOf('wh-map', 'other'),
    });
    void second;
    receiver.received.length = 0;

    // Usage crosses 85% of 100 000 bytes, then a blob would pass the limit.
    const used = (await reg.wharf.store.quotas.ofProject((await reg.wharf.store.projects.getByName('wh-map'))!.id))!
      .used;
    await pushBlobAs(reg.app, 'wh-map/app', randomBytes(90_000 - used), OCI_LAYER);
    await deliver();
    expect(types()).toEqual(['QUOTA_WARNING']);
    const warning = expectHarborPayload(json(at('/map')[0]!), 'QUOTA_WARNING', 'admin');
    expect(warning).toEqual({
      repository: repositoryOf('wh-map', 'app'),
      custom_attributes: { Details: expect.stringContaining('85%') as string },
    });
    receiver.received.length = 0;
    const refused = randomBytes(20_000);
    await pushBlobAs(reg.app, 'wh-map/app', refused, OCI_LAYER).catch(() => undefined);
    await deliver();
    expect(types()).toEqual(['QUOTA_EXCEED']);
    const exceeded = expectHarborPayload(json(at('/map')[0]!), 'QUOTA_EXCEED', 'admin');
    expect(exceeded).toEqual({
      resources: [{ digest: expect.stringMatching(/^sha256:/) as string, tag: '' }],
      repository: repositoryOf('wh-map', 'app'),
      custom_attributes: { Details: expect.stringContaining('will exceed the configured upper limit') as string },
    });
  });

  it('maps finished retention, replication and scan executions to TAG_RETENTION, REPLICATION and SCANNING_*', async () => {
    const projectId = await createProject('wh-exec');
    await createPolicy('wh-exec', {
      name: 'exec',
      event_types: ['TAG_RETENTION', 'REPLICATION', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'SCANNING_STOPPED'],
      targets: [
        { address: receiver.url('/exec') },
        { address: receiver.url('/exec-ce'), payload_format: 'CloudEvents' },
      ],
    });
    const image = await pushImage(reg.app, 'wh-exec/app', 'v1');
    clock.advance(1000); // v2 is the latest pushed: the rule keeps it and deletes v1
    await pushImage(reg.app, 'wh-exec/app', 'v2');
    const created = await api(reg.app, 'POST', '/retentions', ADMIN, {
      algorithm: 'or',
      rules: [
        {
          disabled: false,
          action: 'retain',
          template: 'latestPushedK',
          params: { latestPushedK: 1 },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '{"untagged":true}' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
        },
      ],
      trigger: { kind: 'Schedule', settings: { cron: '' } },
      scope: { level: 'project', ref: projectId },
    });
    expect(created.statusCode, created.body).toBe(201);
    const retentionId = Number((created.headers.location as string).split('/').at(-1));
    receiver.received.length = 0;
    const runRes = await api(reg.app, 'POST', `/retentions/${retentionId}/executions`, ADMIN, { dry_run: false });
    expect(runRes.statusCode, runRes.body).toBe(201);
    // The run's end records execution.finished with the run's status: its TAG_RETENTION delivery follows.
    await deliver();
    expect(at('/exec')).toHaveLength(1);
    const retention = expectHarborPayload(json(at('/exec')[0]!), 'TAG_RETENTION', 'MANUAL');
    expect(retention).toEqual({
      retention: {
        total: 2,
        retained: 1,
        project_name: 'wh-exec',
        retention_policy_id: retentionId,
        retention_rule: [
          expect.objectContaining({ template: 'latestPushedK', params: { latestPushedK: 1 } }) as unknown,
        ],
        result: 'SUCCESS',
        deleted_artifact: [{ type: 'IMAGE', status: 'SUCCESS', name_tag: 'wh-exec/app:v1' }],
      },
    });
    expectCloudEvent(at('/exec-ce')[0]!, 'harbor.tag_retention.finished', undefined);
    receiver.received.length = 0;

    // Their executions end as their tasks do and record execution.finished themselves (the engine's own event).
    await reg.wharf.jobs.enqueue({
      vendorType: 'REPLICATION',
      vendorId: 9,
      trigger: 'MANUAL',
      extraAttrs: { project_id: projectId },
      tasks: ['fail'],
    });
    const scanAttrs = { repository: 'wh-exec/app', digest: image.digest, tag: 'v1' };
    for (const tasks of [['ok'], ['fail']]) {
      await reg.wharf.jobs.enqueue({
        vendorType: 'IMAGE_SCAN',
        vendorId: 1,
        trigger: 'EVENT',
        extraAttrs: scanAttrs,
        tasks,
      });
    }
    const stopped = await reg.wharf.jobs.enqueue({
      vendorType: 'IMAGE_SCAN',
      vendorId: 1,
      trigger: 'EVENT',
      extraAttrs: scanAttrs,
      tasks: ['ok'],
    });
    await reg.wharf.jobs.stop(stopped.id);
    await deliver();
    const bodies = at('/exec').map(json);
    expect(bodies.map((b) => b.type).sort()).toEqual(
      ['REPLICATION', 'SCANNING_COMPLETED', 'SCANNING_FAILED', 'SCANNING_STOPPED'].sort(),
    );
    const repl = bodies.find((b) => b.type === 'REPLICATION')!;
    // The engine records the end of an execution as the system job of its type.
    expect(expectHarborPayload(repl, 'REPLICATION', 'REPLICATION')).toEqual({
      replication: expect.objectContaining({ job_status: 'Error', trigger_type: 'MANUAL' }) as unknown,
    });
    const completed = bodies.find((b) => b.type === 'SCANNING_COMPLETED')!;
    expect(expectHarborPayload(completed, 'SCANNING_COMPLETED', 'IMAGE_SCAN')).toEqual({
      resources: [{ digest: image.digest, tag: 'v1' }],
      repository: repositoryOf('wh-exec', 'app'),
    });
    expect(
      at('/exec-ce')
        .map((r) => expectCloudEvent(r, json(r).type as string, undefined).type)
        .sort(),
    ).toEqual([
      'harbor.replication.status.changed',
      'harbor.scan.completed',
      'harbor.scan.failed',
      'harbor.scan.stopped',
    ]);
  });

  it('launches nothing for disabled policies, other event types, or pulls no policy wants', async () => {
    await createProject('wh-quiet');
    const id = await createPolicy('wh-quiet', {
      name: 'off',
      enabled: false,
      event_types: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'],
      targets: [{ address: receiver.url('/quiet') }],
    });
    await createPolicy('wh-quiet', {
      name: 'deletes',
      event_types: ['DELETE_ARTIFACT'],
      targets: [{ address: receiver.url('/quiet') }],
    });
    await pushImage(reg.app, 'wh-quiet/app', 'v1');
    expect((await pullManifest(reg.app, 'wh-quiet/app', 'v1')).statusCode).toBe(200);
    await deliver();
    expect(at('/quiet')).toEqual([]);
    expect((await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: id })).total).toBe(0);
    const triggers = await api(reg.app, 'GET', '/projects/wh-quiet/webhook/lasttrigger', ADMIN);
    expect(triggers.json<{ last_trigger_time?: string }[]>().every((t) => t.last_trigger_time === undefined)).toBe(
      true,
    );
  });

  it('retries a target answering 5xx with growing delays, then succeeds', async () => {
    await createProject('wh-retry');
    const id = await createPolicy('wh-retry', {
      name: 'retry',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: receiver.url('/retry') }],
    });
    receiver.answer({ status: 500, body: 'boom' }, { status: 503 });
    await pushImage(reg.app, 'wh-retry/app', 'v1');
    await deliver();
    expect(at('/retry')).toHaveLength(1);
    const [execution] = (await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: id })).items;
    const taskOf = async () => (await reg.wharf.jobs.tasks.list(execution!.id))[0]!;
    expect(await taskOf()).toMatchObject({ status: 'Pending', runCount: 1 });
    // Not before the delay.
    clock.advance(RETRY_S * 1000 - 1000);
    await deliver();
    expect(at('/retry')).toHaveLength(1);
    clock.advance(1000);
    await deliver();
    expect(at('/retry')).toHaveLength(2);
    // The second delay doubles.
    clock.advance(RETRY_S * 1000);
    await deliver();
    expect(at('/retry')).toHaveLength(2);
    clock.advance(RETRY_S * 1000);
    await deliver();
    expect(at('/retry')).toHaveLength(3);
    const task = await taskOf();
    expect(task).toMatchObject({ status: 'Success', runCount: 3 });
    const log = (await reg.wharf.jobs.log(task.id))!;
    expect(log).toContain('abnormal response code: 500');
    expect(log).toContain('response: HTTP 500, body: boom');
    expect(log).toContain('abnormal response code: 503');
    expect(log).toContain('response: HTTP 200');
  });

  it('fails a delivery that does not answer within the time-out, then retries it', async () => {
    await createProject('wh-timeout');
    const id = await createPolicy('wh-timeout', {
      name: 'slow',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: receiver.url('/slow') }],
    });
    receiver.answer('hang');
    const before = receiver.received.length;
    await pushImage(reg.app, 'wh-timeout/app', 'v1');
    await reg.wharf.events.relay.drain();
    await reg.wharf.jobs.tick();
    await receiver.waitFor(before + 1);
    expect(at('/slow')).toHaveLength(1);
    clock.advance(TIMEOUT_S * 1000 + 1);
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    const [execution] = (await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: id })).items;
    const [task] = await reg.wharf.jobs.tasks.list(execution!.id);
    expect(task).toMatchObject({ status: 'Pending', runCount: 1 });
    expect(task!.statusMessage).toContain('timed out');
    clock.advance(RETRY_S * 1000);
    await deliver();
    expect(at('/slow')).toHaveLength(2);
    expect((await reg.wharf.jobs.tasks.list(execution!.id))[0]).toMatchObject({ status: 'Success', runCount: 2 });
  });

  it('verifies HTTPS certificates unless the target skips it', async () => {
    await createProject('wh-tls');
    const strict = await createPolicy('wh-tls', {
      name: 'strict',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: tlsReceiver.url('/strict', '127.0.0.1', 'https') }],
    });
    await createPolicy('wh-tls', {
      name: 'lenient',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: tlsReceiver.url('/lenient', '127.0.0.1', 'https'), skip_cert_verify: true }],
    });
    await pushImage(reg.app, 'wh-tls/app', 'v1');
    await deliver();
    expect(tlsReceiver.received.map((r) => r.url)).toEqual(['/lenient']);
    const [execution] = (await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: strict })).items;
    const [task] = await reg.wharf.jobs.tasks.list(execution!.id);
    expect(task!.statusMessage).toMatch(/self[- ]signed|certificate/i);
  });

  it('test-fires a policy at once and answers each target’s outcome, recording nothing', async () => {
    await createProject('wh-test');
    const id = await createPolicy('wh-test', {
      name: 'test',
      event_types: ['DELETE_ARTIFACT'],
      targets: [
        { address: receiver.url('/test-ok'), auth_header: 'Bearer x' },
        { address: receiver.url('/test-ko') },
        { address: 'http://10.0.0.1.nip.invalid/' },
      ],
    });
    receiver.answer({ status: 200 }, { status: 404 });
    const res = await api(reg.app, 'POST', `/projects/wh-test/webhook/policies/${id}/test`, ADMIN);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([
      { address: receiver.url('/test-ok'), type: 'http', success: true, http_status: 200, message: 'delivered' },
      {
        address: receiver.url('/test-ko'),
        type: 'http',
        success: false,
        http_status: 404,
        message: 'abnormal response code: 404',
      },
      { address: 'http://10.0.0.1.nip.invalid/', type: 'http', success: false, message: expect.any(String) as string },
    ]);
    expect(at('/test-ok')[0]!.headers.authorization).toBe('Bearer x');
    expect(expectHarborPayload(json(at('/test-ok')[0]!), 'DELETE_ARTIFACT', 'admin').repository).toEqual(
      repositoryOf('wh-test', 'webhook-test'),
    );
    expect((await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: id })).total).toBe(0);
  });
});
