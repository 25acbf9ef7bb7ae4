import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { AppLayout } from '../../app/AppLayout';
import { RequireSession } from '../../app/RequireSession';
import { changeLanguage } from '../../i18n/i18n';
import { initialLanguage, LANGUAGE_STORAGE_KEY } from '../../i18n/language';
import { fakeApi, type FakeResponse } from '../../test/fake-api';
import { renderPage } from '../../test/render';

const ALICE = { user_id: 2, username: 'alice', sysadmin_flag: false };

function renderLayout(handlers: Record<string, FakeResponse> = {}) {
  const received = fakeApi({ 'GET /api/v2.0/users/current': { json: ALICE }, ...handlers });
  renderSignedIn();
  return received;
}

function renderSignedIn() {
  renderPage(
    <RequireSession>
      <AppLayout />
    </RequireSession>,
    { route: '/projects', path: '/projects' },
  );
}

async function openMenu(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: /user menu/i }));
}

afterEach(async () => {
  await changeLanguage('en');
});

describe('the user menu', () => {
  it("shows the user's name, and the administration only to administrators", async () => {
    renderLayout();
    expect(await screen.findByRole('button', { name: /user menu/i })).toHaveTextContent('alice');
    const nav = screen.getByRole('menu', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Projects' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Administration' })).not.toBeInTheDocument();
  });

  it('links to the administration for an administrator', async () => {
    fakeApi({ 'GET /api/v2.0/users/current': { json: { ...ALICE, sysadmin_flag: true } } });
    renderSignedIn();
    const nav = await screen.findByRole('menu', { name: 'Main navigation' });
    expect(within(nav).getByRole('link', { name: 'Administration' })).toHaveAttribute('href', '/admin');
  });

  it('links to the API explorer and the OpenAPI document, each in a new tab', async () => {
    renderLayout();
    const user = userEvent.setup();
    await openMenu(user);
    const explorer = await screen.findByRole('link', { name: 'API explorer' });
    expect(explorer).toHaveAttribute('href', '/devcenter');
    expect(explorer).toHaveAttribute('target', '_blank');
    expect(explorer).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByRole('link', { name: 'OpenAPI document' })).toHaveAttribute('href', '/api/v2.0/openapi.json');
  });

  it('switches the language to Chinese, and remembers the choice', async () => {
    renderLayout();
    const user = userEvent.setup();
    await openMenu(user);
    await user.hover(await screen.findByText('Language'));
    await user.click(await screen.findByText('简体中文'));
    expect(await screen.findByRole('link', { name: '项目' })).toBeInTheDocument();
    expect(i18next.language).toBe('zh-CN');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('zh-CN');
    // The next visit starts in Chinese, whatever the browser prefers.
    expect(initialLanguage(localStorage.getItem(LANGUAGE_STORAGE_KEY), ['en-US'])).toBe('zh-CN');
  });

  it('changes the password with the current one, focused first', async () => {
    const received = renderLayout({ 'PUT /api/v2.0/users/2/password': { status: 200 } });
    const user = userEvent.setup();
    await openMenu(user);
    await user.click(await screen.findByText('Change password'));
    const dialog = await screen.findByRole('dialog', { name: 'Change password' });
    const current = within(dialog).getByLabelText('Current password');
    await waitFor(() => expect(current).toHaveFocus());
    await user.type(current, 'Old1password');
    await user.type(within(dialog).getByLabelText('New password'), 'New1password');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'New1password{Enter}');
    expect(await screen.findByText('The password has been changed')).toBeInTheDocument();
    const put = received.find((r) => r.method === 'PUT');
    expect(put?.url.pathname).toBe('/api/v2.0/users/2/password');
    expect(JSON.parse(put?.body ?? '')).toEqual({ old_password: 'Old1password', new_password: 'New1password' });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it("shows the API's error when the current password is wrong, and keeps the dialog open", async () => {
    renderLayout({
      'PUT /api/v2.0/users/2/password': {
        status: 400,
        json: { errors: [{ code: 'BAD_REQUEST', message: 'the old password is not correct' }] },
      },
    });
    const user = userEvent.setup();
    await openMenu(user);
    await user.click(await screen.findByText('Change password'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Current password'), 'Wrong1password');
    await user.type(within(dialog).getByLabelText('New password'), 'New1password');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'New1password{Enter}');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The request was not accepted');
    expect(alert).toHaveTextContent('the old password is not correct');
    expect(screen.queryByText('The password has been changed')).not.toBeInTheDocument();
  });

  it('does not send a new password that differs from its confirmation', async () => {
    const received = renderLayout();
    const user = userEvent.setup();
    await openMenu(user);
    await user.click(await screen.findByText('Change password'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Current password'), 'Old1password');
    await user.type(within(dialog).getByLabelText('New password'), 'New1password');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'New2password{Enter}');
    expect(await within(dialog).findByText('The two passwords differ')).toBeInTheDocument();
    expect(received.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('signs out through the logout endpoint and goes to the sign-in page', async () => {
    const received = renderLayout({ 'POST /c/logout': { status: 200 } });
    const user = userEvent.setup();
    await openMenu(user);
    await user.click(await screen.findByText('Sign out'));
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    expect(received.filter((r) => r.url.pathname === '/c/logout').map((r) => r.method)).toEqual(['POST']);
  });

  it('stays signed in and says so when signing out fails', async () => {
    renderLayout({
      'POST /c/logout': { status: 500, json: { errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'boom' }] } },
    });
    const user = userEvent.setup();
    await openMenu(user);
    await user.click(await screen.findByText('Sign out'));
    expect(await screen.findByText('The server failed: boom')).toBeInTheDocument();
    expect(screen.queryByTestId('elsewhere')).not.toBeInTheDocument();
  });
});
