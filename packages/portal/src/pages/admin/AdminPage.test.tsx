import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi, type FakeResponse, type Received } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { RequireSession } from '../../app/RequireSession';
import { changeLanguage } from '../../i18n/i18n';
import { AdminPage } from './AdminPage';

const ADMIN = { user_id: 1, username: 'admin', email: 'admin@example.com', sysadmin_flag: true };
const BOB = { user_id: 3, username: 'bob', email: 'bob@example.com', realname: 'Bob B', sysadmin_flag: false };
const path = '/admin/:tab?';
// As in the app: the page is shown once the session is known.
const page = (
  <RequireSession>
    <AdminPage />
  </RequireSession>
);

function adminApi(handlers: Record<string, FakeResponse | ((req: Received) => FakeResponse)>) {
  return fakeApi({
    'GET /api/v2.0/users/current': { json: ADMIN },
    'GET /api/v2.0/users': { json: [ADMIN, BOB], headers: { 'X-Total-Count': '2' } },
    ...handlers,
  });
}

function rowOf(text: string): HTMLElement {
  return screen.getByText(text).closest('tr') as HTMLElement;
}

const jsonOf = (received: Received[], method: string, pathname: string) =>
  JSON.parse(received.find((r) => r.method === method && r.url.pathname === pathname)?.body ?? 'null') as unknown;

describe('the administration page', () => {
  it('is for administrators only', async () => {
    fakeApi({ 'GET /api/v2.0/users/current': { json: { user_id: 3, username: 'bob', sysadmin_flag: false } } });
    renderPage(page, { route: '/admin/users', path });
    expect(await screen.findByTestId('elsewhere')).toBeInTheDocument();
  });
});

describe('the users tab', () => {
  it('lists the users; an administrator cannot demote or delete themself', async () => {
    const received = adminApi({});
    renderPage(page, { route: '/admin', path });
    await screen.findByText('bob');
    expect(screen.getByRole('tab', { name: 'Users', selected: true })).toBeInTheDocument();
    const me = rowOf('admin@example.com');
    expect(within(me).getByRole('switch', { name: 'admin is an administrator' })).toBeChecked();
    expect(within(me).getByRole('switch', { name: 'admin is an administrator' })).toBeDisabled();
    expect(within(me).getByRole('button', { name: /Delete/ })).toBeDisabled();
    const bob = rowOf('bob@example.com');
    expect(within(bob).getByText('Bob B')).toBeInTheDocument();
    expect(within(bob).getByRole('switch', { name: 'bob is an administrator' })).not.toBeChecked();
    expect(within(bob).getByRole('button', { name: /Delete/ })).toBeEnabled();
    const list = received.find((r) => r.url.pathname === '/api/v2.0/users');
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({ page: '1', page_size: '25', sort: 'username' });

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search users by name'), 'bo{Enter}');
    await waitFor(() => expect(received.at(-1)?.url.searchParams.get('q')).toBe('username=~bo'));
  });

  it('creates a user with the form, checking the e-mail and the password rule', async () => {
    let users = [ADMIN];
    const received = adminApi({
      'GET /api/v2.0/users': () => ({ json: users }),
      'POST /api/v2.0/users': () => {
        users = [ADMIN, { user_id: 4, username: 'carol', email: 'carol@example.com', sysadmin_flag: false }];
        return { status: 201 };
      },
    });
    renderPage(page, { route: '/admin/users', path });
    await screen.findByText('admin@example.com');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New user/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New user' });
    const username = within(dialog).getByLabelText('User name');
    await waitFor(() => expect(username).toHaveFocus());
    await user.type(username, 'carol');
    await user.type(within(dialog).getByLabelText('E-mail'), 'carol.example.com');
    await user.type(within(dialog).getByLabelText(/^Full name/), 'Carol C');
    await user.type(within(dialog).getByLabelText('New password'), 'weak');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'weak{Enter}');
    expect(await within(dialog).findByText('This is not an e-mail address')).toBeInTheDocument();
    expect(within(dialog).getAllByText(/8 to 128 characters/)).toHaveLength(2);
    expect(received.some((r) => r.method === 'POST')).toBe(false);

    await user.clear(within(dialog).getByLabelText('E-mail'));
    await user.type(within(dialog).getByLabelText('E-mail'), 'carol@example.com');
    await user.clear(within(dialog).getByLabelText('New password'));
    await user.type(within(dialog).getByLabelText('New password'), 'Passw0rdCarol');
    await user.clear(within(dialog).getByLabelText('Confirm the password'));
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'Passw0rdCarol');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await screen.findByText('User carol created')).toBeInTheDocument();
    expect(jsonOf(received, 'POST', '/api/v2.0/users')).toEqual({
      username: 'carol',
      email: 'carol@example.com',
      realname: 'Carol C',
      password: 'Passw0rdCarol',
    });
    expect(await screen.findByText('carol@example.com')).toBeInTheDocument();
  });

  it("shows the API's error when the user exists", async () => {
    adminApi({
      'POST /api/v2.0/users': {
        status: 409,
        json: { errors: [{ code: 'CONFLICT', message: 'username bob is already used' }] },
      },
    });
    renderPage(page, { route: '/admin/users', path });
    await screen.findByText('bob');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New user/ }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('User name'), 'bob');
    await user.type(within(dialog).getByLabelText('E-mail'), 'bob2@example.com');
    await user.type(within(dialog).getByLabelText('New password'), 'Passw0rdBob');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'Passw0rdBob{Enter}');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('It already exists');
    expect(alert).toHaveTextContent('username bob is already used');
  });

  it('makes a user an administrator with PUT sysadmin', async () => {
    const received = adminApi({ 'PUT /api/v2.0/users/3/sysadmin': { status: 200 } });
    renderPage(page, { route: '/admin/users', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('switch', { name: 'bob is an administrator' }));
    await waitFor(() => expect(jsonOf(received, 'PUT', '/api/v2.0/users/3/sysadmin')).toEqual({ sysadmin_flag: true }));
    // The list is read again to show the change.
    await waitFor(() => expect(received.filter((r) => r.url.pathname === '/api/v2.0/users')).toHaveLength(2));
  });

  it("says why a user's role could not be changed", async () => {
    adminApi({
      'PUT /api/v2.0/users/3/sysadmin': {
        status: 403,
        json: { errors: [{ code: 'FORBIDDEN', message: 'not allowed' }] },
      },
    });
    renderPage(page, { route: '/admin/users', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('switch', { name: 'bob is an administrator' }));
    expect(await screen.findByText('You are not allowed to do this: not allowed')).toBeInTheDocument();
  });

  it("resets another user's password without the old one", async () => {
    const received = adminApi({ 'PUT /api/v2.0/users/3/password': { status: 200 } });
    renderPage(page, { route: '/admin/users', path });
    await screen.findByText('bob');
    const user = userEvent.setup();
    await user.click(within(rowOf('bob@example.com')).getByRole('button', { name: /Reset password/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New password for bob' });
    const password = within(dialog).getByLabelText('New password');
    await waitFor(() => expect(password).toHaveFocus());
    await user.type(password, 'N3wPassword');
    await user.type(within(dialog).getByLabelText('Confirm the password'), 'N3wPassword{Enter}');
    expect(await screen.findByText('The password has been changed')).toBeInTheDocument();
    expect(jsonOf(received, 'PUT', '/api/v2.0/users/3/password')).toEqual({ new_password: 'N3wPassword' });
  });

  it('deletes a user only after confirmation', async () => {
    const received = adminApi({ 'DELETE /api/v2.0/users/3': { status: 200 } });
    renderPage(page, { route: '/admin/users', path });
    await screen.findByText('bob');
    const user = userEvent.setup();
    await user.click(within(rowOf('bob@example.com')).getByRole('button', { name: /Delete/ }));
    expect(await screen.findByText('Delete user bob?')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'No' }));
    expect(received.some((r) => r.method === 'DELETE')).toBe(false);

    await user.click(within(rowOf('bob@example.com')).getByRole('button', { name: /Delete/ }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('User deleted')).toBeInTheDocument();
    expect(received.filter((r) => r.method === 'DELETE').map((r) => r.url.pathname)).toEqual(['/api/v2.0/users/3']);
  });
});

const CONFIGURATIONS = {
  auth_mode: { value: 'db_auth', editable: false },
  self_registration: { value: false, editable: true },
  project_creation_restriction: { value: 'everyone', editable: true },
  token_expiration: { value: 30, editable: true },
  read_only: { value: false, editable: false },
};

describe('the settings tab', () => {
  it('shows the configuration and saves the changes with PUT /configurations', async () => {
    const received = adminApi({
      'GET /api/v2.0/configurations': { json: CONFIGURATIONS },
      'PUT /api/v2.0/configurations': { status: 200 },
    });
    renderPage(page, { route: '/admin/settings', path });
    const selfRegistration = await screen.findByLabelText('Self-registration');
    expect(screen.getByText('Local users (database)')).toBeInTheDocument();
    expect(selfRegistration).not.toBeChecked();
    expect(screen.getByLabelText('Read-only mode')).toBeDisabled(); // not editable
    expect(screen.getByLabelText('Registry token lifetime (minutes)')).toHaveValue('30');

    const user = userEvent.setup();
    await user.click(selfRegistration);
    await user.click(screen.getByLabelText('Who can create projects'));
    await user.click(await screen.findByText('Administrators only', { selector: '.ant-select-item-option-content' }));
    const lifetime = screen.getByLabelText('Registry token lifetime (minutes)');
    await user.clear(lifetime);
    await user.type(lifetime, '60');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(jsonOf(received, 'PUT', '/api/v2.0/configurations')).toEqual({
      self_registration: true,
      project_creation_restriction: 'adminonly',
      token_expiration: 60,
      read_only: false,
    });
  });

  it("shows the API's refusal", async () => {
    adminApi({
      'GET /api/v2.0/configurations': { json: CONFIGURATIONS },
      'PUT /api/v2.0/configurations': {
        status: 400,
        json: { errors: [{ code: 'BAD_REQUEST', message: 'token_expiration must be positive' }] },
      },
    });
    renderPage(page, { route: '/admin/settings', path });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The request was not accepted');
    expect(alert).toHaveTextContent('token_expiration must be positive');
  });
});

describe('the how-to-push tab', () => {
  it('uses the registry address from systeminfo in every command', async () => {
    adminApi({ 'GET /api/v2.0/systeminfo': { json: { registry_url: 'reg.example:5000' } } });
    renderPage(page, { route: '/admin/push', path });
    expect(await screen.findByText('docker login reg.example:5000')).toBeInTheDocument();
    expect(screen.getByText('docker tag hello:1.0 reg.example:5000/library/hello:1.0')).toBeInTheDocument();
    expect(screen.getByText('docker push reg.example:5000/library/hello:1.0')).toBeInTheDocument();
    expect(screen.getByText('podman push hello:1.0 reg.example:5000/library/hello:1.0')).toBeInTheDocument();
    expect(
      screen.getByText('skopeo copy oci:hello:1.0 docker://reg.example:5000/library/hello:1.0'),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: 'Copy the command' })).toHaveLength(8);
  });

  it('falls back to the address the portal is on', async () => {
    adminApi({ 'GET /api/v2.0/systeminfo': { json: { registry_url: '' } } });
    renderPage(page, { route: '/admin/push', path });
    expect(await screen.findByText(`docker login ${window.location.host}`)).toBeInTheDocument();
  });
});

describe('the administration addresses', () => {
  it('names each tab in the page title, in English and in Chinese', async () => {
    adminApi({});
    renderPage(page, { route: '/admin/users', path });
    await screen.findByText('bob');
    expect(document.title).toBe('Users – Administration – Wharf');
    await userEvent.setup().click(screen.getByRole('tab', { name: 'System settings' }));
    await waitFor(() => expect(document.title).toBe('System settings – Administration – Wharf'));
    await changeLanguage('zh-CN');
    try {
      await waitFor(() => expect(document.title).toBe('系统设置 – 系统管理 – Wharf'));
    } finally {
      await changeLanguage('en');
    }
  });

  it('shows an unknown tab as a page that does not exist, not as the users', async () => {
    const received = adminApi({});
    renderPage(page, { route: '/admin/whatever', path });
    expect(await screen.findByText('Page not found')).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Users' })).not.toBeInTheDocument();
    expect(received.some((r) => r.url.pathname === '/api/v2.0/users')).toBe(false);
    expect(document.title).toBe('Page not found – Wharf');
  });
});
