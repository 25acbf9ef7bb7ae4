import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/domain/events.js';
import { ManualClock } from '../../src/ports/clock.js';
import { sessionIdHash } from '../../src/services/sessions.js';
import { ADMIN, api, expectHarborError } from '../helpers/api-client.js';
import { CALLERS, MatrixPrincipals, PULL_PUSH } from '../helpers/authorization-matrix.js';
import { createUserDirect, PASSWORD } from '../helpers/principals.js';
import { freePort } from '../helpers/registry-process.js';
import { login, postLogin, sessionApi } from '../helpers/session-client.js';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

const BASE_URL = 'https://registry.example.com/wharf';
const NEW_PASSWORD = 'N3wPassword';

/** Every log line the registry writes, parsed. */
function capturingLogger(lines: Record<string, unknown>[]) {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level: 'info' }, stream);
}

function askForLink(app: FastifyInstance, email: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: `/c/sendEmail?email=${encodeURIComponent(email)}` });
}

function resetWith(app: FastifyInstance, token: string, password: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/c/reset',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ reset_uuid: token, password }).toString(),
  });
}

/** The token of the reset link in a mail's text. */
function tokenIn(text: string | undefined): string {
  const match = /https:\/\/registry\.example\.com\/wharf\/reset-password\?reset_uuid=([A-Za-z0-9_-]{43})/.exec(
    text ?? '',
  );
  expect(match, text).not.toBeNull();
  return match![1]!;
}

let smtp: SmtpCapture;
let registry: TestRegistry;
const clock = new ManualClock();
const logLines: Record<string, unknown>[] = [];

/** Points the email_* configurations at `port` of the capturing server's host. */
async function configureEmail(port: number): Promise<void> {
  const res = await api(registry.app, 'PUT', '/configurations', ADMIN, {
    email_host: smtp.host,
    email_port: port,
    email_username: smtp.username,
    email_password: smtp.password,
    email_from: 'Wharf <registry@example.com>',
    email_ssl: false,
    email_insecure: false,
    email_identity: 'wharf.test',
  });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  registry = await startTestRegistry(
    {
      WHARF_HTTP_BASEURL: BASE_URL,
      WHARF_PASSWORDRESET_REQUESTSPERADDRESS: '1000',
      WHARF_PASSWORDRESET_REQUESTSPEREMAIL: '3',
      WHARF_PASSWORDRESET_LINKLIFETIME: '30m',
    },
    { clock, log: capturingLogger(logLines) },
  );
  await configureEmail(smtp.port);
});
afterAll(async () => {
  await registry?.close();
  await smtp?.close();
});

describe('the email_* configurations', () => {
  it('are listed without the password, which is stored sealed', async () => {
    const res = await api(registry.app, 'GET', '/configurations', ADMIN);
    expect(res.statusCode).toBe(200);
    const items = res.json<Record<string, { value: unknown }>>();
    expect(items.email_host?.value).toBe('127.0.0.1');
    expect(items.email_port?.value).toBe(smtp.port);
    expect(items.email_from?.value).toBe('Wharf <registry@example.com>');
    expect(items).not.toHaveProperty('email_password');
    expect(res.body).not.toContain(smtp.password);
    const stored = await registry.wharf.store.settings.getSection('email');
    expect(stored.email_password).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored)).not.toContain(smtp.password);
  });

  it('refuse wrong types and ports', async () => {
    const put = (body: unknown) => api(registry.app, 'PUT', '/configurations', ADMIN, body);
    expect(expectHarborError(await put({ email_port: 0 }), 400, 'BAD_REQUEST')).toContain('email_port');
    expect(expectHarborError(await put({ email_ssl: 'yes' }), 400, 'BAD_REQUEST')).toContain('email_ssl');
    expect(expectHarborError(await put({ email_host: 'a\r\nb' }), 400, 'BAD_REQUEST')).toContain('email_host');
  });

  it('are for system administrators only', async () => {
    const user = await createUserDirect(registry.wharf, 'not-admin');
    expectHarborError(await api(registry.app, 'PUT', '/configurations', user, { email_host: 'x' }), 403, 'FORBIDDEN');
    expectHarborError(
      await api(registry.app, 'PUT', '/configurations', undefined, { email_host: 'x' }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('password reset by e-mail', () => {
  it('mails a link whose token resets the password once, ending the sessions and recording the change', async () => {
    const alice = await createUserDirect(registry.wharf, 'alice');
    const session = await login(registry.app, alice);
    const res = await askForLink(registry.app, 'alice@example.com');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.body).toBe('');
    const { to, from, mail } = await smtp.next();
    expect(to).toEqual(['alice@example.com']);
    expect(from).toBe('registry@example.com');
    expect(mail.subject).toBe('Reset your Wharf password');
    const token = tokenIn(mail.text);
    expect(mail.text).toContain('30 minutes');

    const seen: DomainEvent[] = [];
    await registry.wharf.events.relay.drain();
    registry.wharf.events.bus.subscribe('test-reset', ['user.password_changed'], (event) => {
      seen.push(event);
    });
    expect((await resetWith(registry.app, token, NEW_PASSWORD)).statusCode).toBe(200);
    await registry.wharf.events.relay.drain();
    expect(seen).toEqual([
      expect.objectContaining({
        type: 'user.password_changed',
        username: 'alice',
        by: { kind: 'user', name: 'alice', id: expect.any(Number) as unknown, origin: { clientIp: '127.0.0.1' } },
      }),
    ]);

    // The session opened before is gone; the old password no longer works, the new one does.
    expect(await registry.wharf.store.sessions.get(sessionIdHash(session.sid))).toBeUndefined();
    expect((await sessionApi(registry.app, 'GET', '/users/current', session)).statusCode).toBe(401);
    expect((await postLogin(registry.app, 'alice', PASSWORD)).statusCode).toBe(401);
    await login(registry.app, { username: 'alice', password: NEW_PASSWORD });
    // Once only.
    const again = expectHarborError(await resetWith(registry.app, token, 'An0therPassword'), 400, 'BAD_REQUEST');
    expect(again).toBe('the reset link is invalid, used or expired');
    await login(registry.app, { username: 'alice', password: NEW_PASSWORD });
  });

  it('accepts JSON too, and refuses a password against the policy without using the link up', async () => {
    await createUserDirect(registry.wharf, 'bob');
    expect((await askForLink(registry.app, 'bob@example.com')).statusCode).toBe(200);
    const token = tokenIn((await smtp.next()).mail.text);
    const weak = expectHarborError(await resetWith(registry.app, token, 'short'), 400, 'BAD_REQUEST');
    expect(weak).toContain('the password must be at least 8 characters long');
    const res = await registry.app.inject({
      method: 'POST',
      url: '/c/reset',
      payload: { reset_uuid: token, password: NEW_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    await login(registry.app, { username: 'bob', password: NEW_PASSWORD });
  });

  it('refuses an expired link, and a link superseded by a newer one', async () => {
    await createUserDirect(registry.wharf, 'carol');
    expect((await askForLink(registry.app, 'carol@example.com')).statusCode).toBe(200);
    const first = tokenIn((await smtp.next()).mail.text);
    expect((await askForLink(registry.app, 'carol@example.com')).statusCode).toBe(200);
    const second = tokenIn((await smtp.next()).mail.text);
    expectHarborError(await resetWith(registry.app, first, NEW_PASSWORD), 400, 'BAD_REQUEST');
    clock.advance(30 * 60_000 + 1);
    expectHarborError(await resetWith(registry.app, second, NEW_PASSWORD), 400, 'BAD_REQUEST');
    await login(registry.app, { username: 'carol', password: PASSWORD });
    // Expired links are purged.
    expect(await registry.wharf.passwordReset.purgeExpired()).toBeGreaterThanOrEqual(2);
  });

  it('refuses malformed and unknown tokens, and malformed addresses', async () => {
    expectHarborError(await resetWith(registry.app, 'nope', NEW_PASSWORD), 400, 'BAD_REQUEST');
    expectHarborError(await resetWith(registry.app, 'A'.repeat(43), NEW_PASSWORD), 400, 'BAD_REQUEST');
    expectHarborError(await askForLink(registry.app, 'not-an-address'), 400, 'BAD_REQUEST');
    expectHarborError(await registry.app.inject({ method: 'GET', url: '/c/sendEmail' }), 400, 'BAD_REQUEST');
  });

  it('answers an unknown address exactly as a known one, and sends nothing', async () => {
    await registry.wharf.passwordReset.settled();
    const before = smtp.messages.length;
    const unknown = await askForLink(registry.app, 'nobody@example.com');
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toBe('');
    await registry.wharf.passwordReset.settled();
    expect(smtp.messages.length).toBe(before);
  });

  it('sends nothing to users without a local password, nor while users authenticate elsewhere', async () => {
    await registry.wharf.store.users.create({ username: 'ldap-dave', email: 'dave@example.com', passwordHash: null });
    await createUserDirect(registry.wharf, 'erin');
    const before = smtp.messages.length;
    expect((await askForLink(registry.app, 'dave@example.com')).statusCode).toBe(200);
    await registry.wharf.passwordReset.settled();
    expect(smtp.messages.length).toBe(before);

    // A link sent while the mode was db_auth stops working when it changes.
    expect((await askForLink(registry.app, 'erin@example.com')).statusCode).toBe(200);
    const token = tokenIn((await smtp.next()).mail.text);
    await registry.wharf.store.settings.set({ authMode: 'ldap_auth' });
    try {
      expect((await askForLink(registry.app, 'erin@example.com')).statusCode).toBe(200);
      await registry.wharf.passwordReset.settled();
      expect(smtp.messages.length).toBe(before + 1);
      expectHarborError(await resetWith(registry.app, token, NEW_PASSWORD), 400, 'BAD_REQUEST');
    } finally {
      await registry.wharf.store.settings.set({ authMode: 'db_auth' });
    }
    // Refused without being used up.
    expect((await resetWith(registry.app, token, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('is refused while the registry is read-only, as every password change', async () => {
    await createUserDirect(registry.wharf, 'ro-user');
    expect((await askForLink(registry.app, 'ro-user@example.com')).statusCode).toBe(200);
    const token = tokenIn((await smtp.next()).mail.text);
    await registry.wharf.store.settings.set({ readOnly: true });
    try {
      expectHarborError(await askForLink(registry.app, 'ro-user@example.com'), 403, 'DENIED');
      expectHarborError(await resetWith(registry.app, token, NEW_PASSWORD), 403, 'DENIED');
    } finally {
      await registry.wharf.store.settings.set({ readOnly: false });
    }
    expect((await resetWith(registry.app, token, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles per e-mail address, known or not, with Retry-After', async () => {
    for (const email of ['frank@example.com', 'ghost@example.com']) {
      if (email.startsWith('frank')) await createUserDirect(registry.wharf, 'frank');
      for (let i = 0; i < 3; i++) expect((await askForLink(registry.app, email)).statusCode).toBe(200);
      const refused = await askForLink(registry.app, email);
      expectHarborError(refused, 429, 'TOO_MANY_REQUESTS');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    await registry.wharf.passwordReset.settled();
    // Once the window has passed, a request counts again.
    clock.advance(15 * 60_000 + 1);
    expect((await askForLink(registry.app, 'frank@example.com')).statusCode).toBe(200);
    await registry.wharf.passwordReset.settled();
  });

  it('answers the same when the SMTP server is down, and logs a clear error', async () => {
    await createUserDirect(registry.wharf, 'grace');
    await configureEmail(await freePort());
    try {
      const before = smtp.messages.length;
      const res = await askForLink(registry.app, 'grace@example.com');
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      await registry.wharf.passwordReset.settled();
      expect(smtp.messages.length).toBe(before);
      const error = logLines.find(
        (line) =>
          line.level === 50 &&
          String(line.msg).startsWith('sending a password reset link failed') &&
          line.user === 'grace',
      );
      expect(error).toBeDefined();
      expect(JSON.stringify(error)).toMatch(/ECONNREFUSED/);
      expect(JSON.stringify(logLines)).not.toContain(smtp.password);
    } finally {
      await configureEmail(smtp.port);
    }
  });
});

describe('POST /email/ping', () => {
  const ping = (body?: unknown) => api(registry.app, 'POST', '/email/ping', ADMIN, body);

  it('connects and logs in with the stored settings, sending nothing', async () => {
    await registry.wharf.passwordReset.settled();
    const before = smtp.messages.length;
    const res = await ping();
    expect(res.statusCode, res.body).toBe(200);
    expect((await ping({})).statusCode).toBe(200);
    expect(smtp.messages.length).toBe(before);
  });

  it('tries given settings over the stored ones, saying why the server refused', async () => {
    const wrong = expectHarborError(await ping({ email_password: 'wrong' }), 400, 'BAD_REQUEST');
    expect(wrong).toMatch(/^the SMTP server 127\.0\.0\.1:\d+ did not accept the connection: /);
    expect(wrong).not.toContain('wrong');
    const closed = expectHarborError(await ping({ email_port: await freePort() }), 400, 'BAD_REQUEST');
    expect(closed).toContain('ECONNREFUSED');
    expectHarborError(await ping({ email_host: '' }), 400, 'BAD_REQUEST');
    expectHarborError(await ping({ email_port: 'x' }), 400, 'BAD_REQUEST');
    expectHarborError(await ping({ auth_mode: 'db_auth' }), 400, 'BAD_REQUEST');
    // Nothing was stored by trying.
    expect((await ping()).statusCode).toBe(200);
  });

  describe('is for system administrators only', () => {
    const principals = new MatrixPrincipals(() => registry.wharf, PULL_PUSH);
    beforeAll(() => principals.setUp('ping'));
    for (const caller of CALLERS.filter((c) => c !== 'robot-with')) {
      it(`as ${caller}`, async () => {
        const as = await principals.credentialsOf(caller, 'private', { resource: 'configuration', action: 'update' });
        const res = await api(registry.app, 'POST', '/email/ping', as, {});
        const expected = caller === 'sysadmin' ? 200 : caller === 'anonymous' ? 401 : 403;
        expect(res.statusCode, res.body).toBe(expected);
      });
    }
  });
});

describe('password reset throttling per client address', () => {
  let small: TestRegistry;
  beforeAll(async () => {
    small = await startTestRegistry({ WHARF_HTTP_BASEURL: BASE_URL, WHARF_PASSWORDRESET_REQUESTSPERADDRESS: '2' });
  });
  afterAll(() => small?.close());

  it('refuses a client address that asked too often, whatever the addresses', async () => {
    expect((await askForLink(small.app, 'a@example.com')).statusCode).toBe(200);
    expect((await askForLink(small.app, 'b@example.com')).statusCode).toBe(200);
    expectHarborError(await askForLink(small.app, 'c@example.com'), 429, 'TOO_MANY_REQUESTS');
    await small.wharf.passwordReset.settled();
  });
});
