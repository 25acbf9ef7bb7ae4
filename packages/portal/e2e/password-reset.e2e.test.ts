// End-to-end: a user who forgot their password asks the portal for a link, the mail reaches a real SMTP server
// started here (smtp-server), the link opens the portal's reset page in Chromium, and the new password signs in.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startWharf, type RunningRegistry } from '../../server/test/helpers/registry-process.js';
import { startSmtpCapture, type SmtpCapture } from '../../server/test/helpers/smtp-capture.js';
import { launchChromium, newContext, screenshot } from './browser.js';
import { ADMIN_AUTH } from './portal-session.js';

const STEP_TIMEOUT = 120_000;
const NEW_PASSWORD = 'Rec0veredPass';

let smtp: SmtpCapture | undefined;
let wharf: RunningRegistry | undefined;
let browser: Browser | undefined;
let page: Page;

async function admin(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${wharf!.url}/api/v2.0${path}`, {
    method,
    headers: { ...ADMIN_AUTH, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBeLessThan(300);
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  const port = await freePort();
  // The link in the mail is built from http.baseUrl only.
  wharf = await startWharf({ port, env: { WHARF_HTTP_BASEURL: `http://127.0.0.1:${port}` } });
  await admin('PUT', '/configurations', {
    email_host: smtp.host,
    email_port: smtp.port,
    email_username: smtp.username,
    email_password: smtp.password,
    email_from: 'Wharf <registry@example.com>',
  });
  await admin('POST', '/users', { username: 'forgetful', email: 'forgetful@example.com', password: 'Forg0ttenPass' });
  browser = await launchChromium();
  page = await (await newContext(browser, wharf.url, 'en-US')).newPage();
}, STEP_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await wharf?.stop();
  await smtp?.close();
});

describe('password reset by e-mail in the portal', { timeout: STEP_TIMEOUT }, () => {
  it('asks for a link from the sign-in page, follows the mailed link, sets a new password and signs in', async () => {
    await page.goto('/sign-in');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL(/\/forgot-password$/);
    await page.getByLabel('E-mail').fill('forgetful@example.com');
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('Check your mailbox').waitFor();
    await screenshot(page, 'forgot-password-sent');

    const { to, mail } = await smtp!.next();
    expect(to).toEqual(['forgetful@example.com']);
    const link = /http:\/\/127\.0\.0\.1:\d+\/reset-password\?reset_uuid=[A-Za-z0-9_-]{43}/.exec(mail.text ?? '')?.[0];
    expect(link, mail.text).toBeDefined();
    expect(new URL(link!).origin).toBe(new URL(wharf!.url).origin);

    await page.goto(link!);
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Confirm the password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('Your password has been changed: sign in with it').waitFor();
    await screenshot(page, 'reset-password-done');

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('User name or e-mail').fill('forgetful');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();

    // The link worked once.
    await page.goto(link!);
    await page.getByLabel('New password').fill('An0therPass');
    await page.getByLabel('Confirm the password').fill('An0therPass');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('the reset link is invalid, used or expired').waitFor();
  });
});
