import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookPolicyData } from '../../src/domain/webhook-policy.js';
import { systemResolver, type Resolver } from '../../src/webhooks/target-guard.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { pushImage } from '../helpers/artifact-content.js';
import { useOciTestRegistry } from '../helpers/test-registry.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * The SSRF guard end to end: only 127.0.0.2 and 127.0.0.3 (a CIDR range) are allowed; receivers listen on 127.0.0.1
 * (forbidden), 127.0.0.2 and 127.0.0.3. `hooks.example.com` stands for a public name (resolved to 127.0.0.2 by the
 * test's resolver); `rebind.example.com` answers 127.0.0.2 first and 127.0.0.1 afterwards (DNS rebinding).
 */
let rebinds = 0;
const resolver: Resolver = (host) => {
  if (host === 'hooks.example.com') return Promise.resolve([{ address: '127.0.0.2', family: 4 }]);
  if (host === 'rebind.example.com') {
    return Promise.resolve([{ address: rebinds++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }]);
  }
  return systemResolver(host);
};
const reg = useOciTestRegistry(
  { WHARF_WEBHOOKS_ALLOWEDTARGETS: '127.0.0.2/31', WHARF_WEBHOOKS_MAXRETRIES: '0' },
  { webhookResolver: resolver },
);

let forbidden: WebhookReceiver;
let allowed: WebhookReceiver;
let other: WebhookReceiver;

beforeAll(async () => {
  forbidden = await WebhookReceiver.start('127.0.0.1');
  allowed = await WebhookReceiver.start('127.0.0.2');
  other = await WebhookReceiver.start('127.0.0.3');
});

afterAll(async () => {
  await forbidden.close();
  await allowed.close();
  await other.close();
});

async function project(name: string): Promise<number> {
  const res = await api(reg.app, 'POST', '/projects', ADMIN, { project_name: name });
  expect(res.statusCode, res.body).toBe(201);
  return (await reg.wharf.store.projects.getByName(name))!.id;
}

/** A policy stored directly (the API refuses plainly internal addresses; the delivery must refuse them too). */
async function storedPolicy(projectId: number, address: string): Promise<number> {
  const data: WebhookPolicyData = {
    name: `p-${Math.random()}`,
    description: '',
    enabled: true,
    eventTypes: ['PUSH_ARTIFACT'],
    targets: [{ type: 'http', address, authHeader: 'Bearer secret', skipCertVerify: false, payloadFormat: 'Default' }],
  };
  return (await reg.wharf.store.webhooks.create(projectId, data, 'admin', new Date())).id;
}

/** Pushes into the project, delivers, and answers the policy's one task with its log. */
async function pushAndDeliver(projectName: string, policyId: number) {
  await pushImage(reg.app, `${projectName}/app`, 'v1');
  await reg.wharf.events.relay.drain();
  for (let i = 0; i < 3; i++) {
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
  }
  const [execution] = (await reg.wharf.jobs.executions.list({ vendorType: 'WEBHOOK', vendorId: policyId })).items;
  const [task] = await reg.wharf.jobs.tasks.list(execution!.id);
  return { task: task!, log: (await reg.wharf.jobs.log(task!.id))! };
}

describe('the SSRF guard of webhook deliveries', () => {
  it('refuses a name that resolves to a loopback address (localhost) at delivery', async () => {
    const id = await storedPolicy(await project('ssrf-name'), `http://localhost:${forbidden.port}/hook`);
    const { task, log } = await pushAndDeliver('ssrf-name', id);
    expect(task.status).toBe('Error');
    expect(log).toMatch(/refused: localhost resolves to (127\.0\.0\.1|::1) is a loopback address/);
    expect(log).toContain('webhooks.allowedTargets');
    expect(forbidden.received).toEqual([]);
  });

  it('refuses a redirect from an allowed target to 127.0.0.1 at the hop', async () => {
    const projectId = await project('ssrf-redirect');
    const res = await api(reg.app, 'POST', '/projects/ssrf-redirect/webhook/policies', ADMIN, {
      name: 'public-looking',
      enabled: true,
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: `http://hooks.example.com:${allowed.port}/start` }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [policy] = await reg.wharf.store.webhooks.ofProject(projectId);
    allowed.answer({ status: 307, headers: { location: `http://127.0.0.1:${forbidden.port}/internal` } });
    const { task, log } = await pushAndDeliver('ssrf-redirect', policy!.id);
    expect(task.status).toBe('Error');
    expect(allowed.received.map((r) => r.url)).toEqual(['/start']);
    expect(forbidden.received).toEqual([]);
    expect(log).toMatch(/refused: 127\.0\.0\.1 is a loopback address/);
  });

  it('follows a redirect to another allowed address, repeating the POST for 307, without the auth header', async () => {
    const id = await storedPolicy(await project('ssrf-follow'), `http://127.0.0.2:${allowed.port}/from`);
    allowed.answer({ status: 307, headers: { location: `http://127.0.0.3:${other.port}/to` } });
    const before = other.received.length;
    const { task, log } = await pushAndDeliver('ssrf-follow', id);
    expect(task.status).toBe('Success');
    const [hop] = other.received.slice(before);
    expect(hop).toMatchObject({ method: 'POST', url: '/to' });
    expect(JSON.parse(hop!.body)).toMatchObject({ type: 'PUSH_ARTIFACT' });
    expect(hop!.headers.authorization).toBeUndefined();
    expect(log).toContain(`requested http://127.0.0.3:${other.port}/to (127.0.0.3)`);
  });

  it('refuses the cloud metadata address, through the API and at delivery', async () => {
    const projectId = await project('ssrf-metadata');
    const res = await api(reg.app, 'POST', '/projects/ssrf-metadata/webhook/policies', ADMIN, {
      name: 'metadata',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: 'http://169.254.169.254/latest/meta-data/' }],
    });
    expect(res.statusCode).toBe(400);
    const id = await storedPolicy(projectId, 'http://169.254.169.254/latest/meta-data/');
    const { task, log } = await pushAndDeliver('ssrf-metadata', id);
    expect(task.status).toBe('Error');
    expect(log).toContain('refused: 169.254.169.254 is a linkLocal address');
    expect(log).not.toContain('Bearer secret');
  });

  it('delivers to an address inside an allowed CIDR range', async () => {
    const projectId = await project('ssrf-cidr');
    const res = await api(reg.app, 'POST', '/projects/ssrf-cidr/webhook/policies', ADMIN, {
      name: 'cidr',
      enabled: true,
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ address: `http://127.0.0.3:${other.port}/cidr` }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const [policy] = await reg.wharf.store.webhooks.ofProject(projectId);
    const { task } = await pushAndDeliver('ssrf-cidr', policy!.id);
    expect(task.status).toBe('Success');
    expect(other.received.some((r) => r.url === '/cidr')).toBe(true);
  });

  it('connects to the address it checked, whatever the name resolves to afterwards', async () => {
    const id = await storedPolicy(await project('ssrf-rebind'), `http://rebind.example.com:${allowed.port}/rebind`);
    rebinds = 0;
    const { task } = await pushAndDeliver('ssrf-rebind', id);
    expect(task.status).toBe('Success');
    expect(allowed.received.some((r) => r.url === '/rebind' && r.headers.host?.startsWith('rebind.example.com'))).toBe(
      true,
    );
    expect(forbidden.received).toEqual([]);
  });

  it('answers the refusal in a test-fire', async () => {
    const id = await storedPolicy(await project('ssrf-test'), `http://localhost:${forbidden.port}/hook`);
    const res = await api(reg.app, 'POST', `/projects/ssrf-test/webhook/policies/${id}/test`, ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      expect.objectContaining({ success: false, message: expect.stringMatching(/^refused: localhost/) as string }),
    ]);
    expect(forbidden.received).toEqual([]);
  });
});
