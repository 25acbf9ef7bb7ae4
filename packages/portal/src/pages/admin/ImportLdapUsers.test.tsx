import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN_PATH, ADMIN_USER, adminPage, countOf, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';

const LDAP_USERS = [
  { username: 'alice', realname: 'Alice A', email: 'alice@example.com' },
  { username: 'bob', realname: 'Bob B', email: 'bob@example.com' },
  { username: 'carol', realname: 'Carol C', email: '' },
];

describe('importing LDAP users', () => {
  it('is offered only in ldap_auth mode', async () => {
    fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'db_auth' } },
      'GET /api/v2.0/users': { json: [ADMIN_USER] },
    });
    renderPage(adminPage, { route: '/admin/users', path: ADMIN_PATH });
    await screen.findByText('admin@example.com');
    expect(await screen.findByRole('button', { name: /New user/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Import LDAP users/ })).not.toBeInTheDocument();
  });

  it('searches the directory, imports the chosen users and lists those that failed', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      'GET /api/v2.0/users': { json: [ADMIN_USER] },
      'GET /api/v2.0/ldap/users/search': { json: LDAP_USERS },
      'POST /api/v2.0/ldap/users/import': {
        status: 404,
        json: [{ uid: 'bob', error: 'user bob already exists' }],
      },
    });
    renderPage(adminPage, { route: '/admin/users', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Import LDAP users/ }));
    // Users come from the directory: none is created by hand.
    expect(screen.queryByRole('button', { name: /New user/ })).not.toBeInTheDocument();
    const dialog = await screen.findByRole('dialog', { name: 'Import users from LDAP' });
    expect(within(dialog).getByRole('button', { name: 'Import (0)' })).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Search the directory by user name'), 'a{Enter}');
    expect(await within(dialog).findByText('Alice A')).toBeInTheDocument();
    const search = received.find((r) => r.url.pathname === '/api/v2.0/ldap/users/search');
    expect(Object.fromEntries(search?.url.searchParams ?? [])).toEqual({ username: 'a' });

    await user.click(within(dialog).getByRole('checkbox', { name: 'Select alice' }));
    await user.click(within(dialog).getByRole('checkbox', { name: 'Select bob' }));
    await user.click(within(dialog).getByRole('button', { name: 'Import (2)' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Users not imported: 1');
    expect(alert).toHaveTextContent('bob: user bob already exists');
    expect(await screen.findByText('Users imported: 1')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/ldap/users/import')).toEqual({ ldap_uid_list: ['alice', 'bob'] });
    // The users list is read again for the imported one.
    await waitFor(() => expect(countOf(received, 'GET', '/api/v2.0/users')).toBe(2));
  });

  it('closes when every user was imported', async () => {
    fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      'GET /api/v2.0/users': { json: [ADMIN_USER] },
      'GET /api/v2.0/ldap/users/search': { json: LDAP_USERS },
      'POST /api/v2.0/ldap/users/import': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/users', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /Import LDAP users/ }));
    const dialog = await screen.findByRole('dialog', { name: 'Import users from LDAP' });
    await user.type(within(dialog).getByLabelText('Search the directory by user name'), '{Enter}');
    await user.click(await within(dialog).findByRole('checkbox', { name: 'Select carol' }));
    await user.click(within(dialog).getByRole('button', { name: 'Import (1)' }));
    expect(await screen.findByText('Users imported: 1')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
