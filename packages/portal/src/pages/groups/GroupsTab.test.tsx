import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN_PATH, adminPage, countOf, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';

const DEVS = {
  id: 4,
  group_name: 'developers',
  group_type: 1,
  ldap_group_dn: 'cn=developers,ou=groups,dc=example,dc=com',
};
const OPS = { id: 5, group_name: 'ops', group_type: 3 };

const rowOf = (text: string) => screen.getByText(text).closest('tr') as HTMLElement;

describe('the user groups tab', () => {
  it('lists and searches the groups with their types', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      'GET /api/v2.0/usergroups': { json: [DEVS, OPS], headers: { 'X-Total-Count': '2' } },
    });
    renderPage(adminPage, { route: '/admin/groups', path: ADMIN_PATH });
    await screen.findByText('developers');
    const devs = rowOf('developers');
    expect(within(devs).getByText('LDAP group')).toBeInTheDocument();
    expect(within(devs).getByText(DEVS.ldap_group_dn)).toBeInTheDocument();
    expect(within(rowOf('ops')).getByText('OIDC group')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search groups by name'), 'dev{Enter}');
    await waitFor(() => {
      const last = received.filter((r) => r.url.pathname === '/api/v2.0/usergroups').at(-1);
      expect(Object.fromEntries(last?.url.searchParams ?? [])).toEqual({
        page: '1',
        page_size: '25',
        group_name: 'dev',
      });
    });
  });

  it('adds an LDAP group found in the directory by name', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      'GET /api/v2.0/usergroups': { json: [] },
      'GET /api/v2.0/ldap/groups/search': { json: [DEVS] },
      'POST /api/v2.0/usergroups': { status: 201 },
    });
    renderPage(adminPage, { route: '/admin/groups', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New group/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New group' });
    await user.type(within(dialog).getByLabelText('Search the directory by group name or DN'), 'dev{Enter}');
    await user.click(await within(dialog).findByRole('button', { name: 'Choose developers' }));
    expect(within(dialog).getByLabelText('Group name')).toHaveValue('developers');
    expect(within(dialog).getByLabelText('LDAP group DN')).toHaveValue(DEVS.ldap_group_dn);
    // Enter searched; it did not submit the dialog.
    expect(countOf(received, 'POST', '/api/v2.0/usergroups')).toBe(0);
    const search = received.find((r) => r.url.pathname === '/api/v2.0/ldap/groups/search');
    expect(Object.fromEntries(search?.url.searchParams ?? [])).toEqual({ groupname: 'dev' });

    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await screen.findByText('Group developers added')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/usergroups')).toEqual({
      group_name: 'developers',
      group_type: 1,
      ldap_group_dn: DEVS.ldap_group_dn,
    });
  });

  it('searches the directory by DN, and names an OIDC group by hand', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'oidc_auth' } },
      'GET /api/v2.0/usergroups': { json: [] },
      'GET /api/v2.0/ldap/groups/search': { json: [] },
      'POST /api/v2.0/usergroups': { status: 201 },
    });
    renderPage(adminPage, { route: '/admin/groups', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New group/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New group' });
    // In oidc_auth, a new group is an OIDC group: no directory, no DN.
    expect(within(dialog).queryByLabelText('LDAP group DN')).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Group name'), 'platform{Enter}');
    expect(await screen.findByText('Group platform added')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/usergroups')).toEqual({ group_name: 'platform', group_type: 3 });

    await user.click(screen.getByRole('button', { name: /New group/ }));
    const again = await screen.findByRole('dialog', { name: 'New group' });
    // The type (the closed dialog's fields may linger hidden in jsdom, so the label is not used to find it).
    await user.click(within(again).getByRole('combobox'));
    await user.click(await screen.findByText('LDAP group', { selector: '.ant-select-item-option-content' }));
    await user.type(within(again).getByLabelText('Search the directory by group name or DN'), 'cn=x,dc=example{Enter}');
    expect(await within(again).findByText('No group of the directory matches')).toBeInTheDocument();
    const search = received.filter((r) => r.url.pathname === '/api/v2.0/ldap/groups/search').at(-1);
    expect(Object.fromEntries(search?.url.searchParams ?? [])).toEqual({ groupdn: 'cn=x,dc=example' });
    await user.type(within(again).getByLabelText('Group name'), 'x');
    await user.click(within(again).getByRole('button', { name: 'OK' }));
    expect(await within(again).findByText(/Enter the group's DN/)).toBeInTheDocument();
  });

  it('renames and deletes a group', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'db_auth' } },
      'GET /api/v2.0/usergroups': { json: [DEVS] },
      'PUT /api/v2.0/usergroups/4': { status: 200 },
      'DELETE /api/v2.0/usergroups/4': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/groups', path: ADMIN_PATH });
    expect(await screen.findByText(/with local users, their members are not known/)).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Edit developers' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename developers' });
    const name = within(dialog).getByLabelText('Group name');
    expect(name).toHaveValue('developers');
    await user.clear(name);
    await user.type(name, 'devs{Enter}');
    expect(await screen.findByText('Group renamed')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/usergroups/4')).toEqual({ group_name: 'devs' });

    await user.click(screen.getByRole('button', { name: 'Delete developers' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Group deleted')).toBeInTheDocument();
    expect(countOf(received, 'DELETE', '/api/v2.0/usergroups/4')).toBe(1);
  });
});
