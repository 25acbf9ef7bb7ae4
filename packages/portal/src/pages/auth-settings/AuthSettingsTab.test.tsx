import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN_PATH, adminPage, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';

const item = (value: unknown, editable = true) => ({ value, editable });

const LDAP = {
  ldap_url: item('ldaps://ldap.example.com'),
  ldap_search_dn: item('cn=admin,dc=example,dc=com'),
  ldap_base_dn: item('dc=example,dc=com'),
  ldap_filter: item(''),
  ldap_uid: item('uid'),
  ldap_scope: item(2),
  ldap_timeout: item(5),
  ldap_verify_cert: item(true),
  ldap_group_base_dn: item('ou=groups,dc=example,dc=com'),
  ldap_group_search_filter: item(''),
  ldap_group_attribute_name: item('cn'),
  ldap_group_admin_dn: item(''),
  ldap_group_membership_attribute: item('memberof'),
  ldap_group_search_scope: item(2),
  ldap_nested_groups: item(false),
  ldap_start_tls: item(false),
  // A setting of a newer server.
  ldap_paged_search: item(false),
};

const OIDC = {
  oidc_name: item('Keycloak'),
  oidc_endpoint: item('https://sso.example.com/realms/wharf'),
  oidc_client_id: item('wharf'),
  oidc_scope: item('openid,offline_access'),
  oidc_groups_claim: item('groups'),
  oidc_admin_group: item(''),
  oidc_user_claim: item(''),
  oidc_verify_cert: item(true),
  oidc_auto_onboard: item(false),
  oidc_extra_redirect_parms: item(''),
};

const core = (mode: string, editable: boolean) => ({
  auth_mode: item(mode, editable),
  self_registration: item(false),
  read_only: item(false),
});

describe('the authentication settings', () => {
  it('shows the mode; it cannot change once users other than admin exist', async () => {
    fakeAdminApi({ 'GET /api/v2.0/configurations': { json: { ...core('db_auth', false), ...LDAP } } });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    expect(await screen.findByText('Local users (database)')).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Authentication mode' })).not.toBeInTheDocument();
    expect(screen.getByText(/users other than admin exist/)).toBeInTheDocument();
    // The LDAP settings are for the LDAP mode.
    expect(screen.queryByLabelText('LDAP URL')).not.toBeInTheDocument();
  });

  it('switches to LDAP, sends only what changed and a typed password, and never shows the stored one', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/configurations': { json: { ...core('db_auth', true), ...LDAP, ...OIDC } },
      'PUT /api/v2.0/configurations': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('combobox', { name: 'Authentication mode' }));
    await user.click(
      await screen.findByText('LDAP or Active Directory', { selector: '.ant-select-item-option-content' }),
    );
    const url = await screen.findByLabelText('LDAP URL');
    expect(url).toHaveValue('ldaps://ldap.example.com');
    expect(screen.getByLabelText('User ID attribute')).toHaveValue('uid');
    expect(screen.getByLabelText('Verify the server certificate')).toBeChecked();
    expect(screen.getByLabelText('Include nested groups (groups of groups)')).not.toBeChecked();
    expect(screen.getByLabelText('Upgrade ldap:// with StartTLS')).not.toBeChecked();
    // A key the portal does not know is shown by its name.
    expect(screen.getByLabelText('ldap_paged_search')).not.toBeChecked();
    const password = screen.getByLabelText('Search password');
    expect(password).toHaveValue('');
    expect(password).toHaveAttribute('placeholder', 'unchanged');
    expect(screen.queryByLabelText('OIDC endpoint')).not.toBeInTheDocument();

    await user.clear(screen.getByLabelText('User ID attribute'));
    await user.type(screen.getByLabelText('User ID attribute'), 'sAMAccountName');
    await user.click(screen.getByLabelText('Include nested groups (groups of groups)'));
    await user.click(screen.getByLabelText('ldap_paged_search'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/configurations')).toEqual({
      auth_mode: 'ldap_auth',
      ldap_uid: 'sAMAccountName',
      ldap_nested_groups: true,
      ldap_paged_search: true,
    });

    await user.type(password, 'S3cret!');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(lastJson(received, 'PUT', '/api/v2.0/configurations')).toEqual({
        auth_mode: 'ldap_auth',
        ldap_uid: 'sAMAccountName',
        ldap_nested_groups: true,
        ldap_paged_search: true,
        ldap_search_password: 'S3cret!',
      }),
    );
  });

  it("tests the LDAP server with the form's settings and shows the answer", async () => {
    let answer = { success: false, message: 'invalid credentials' };
    const received = fakeAdminApi({
      'GET /api/v2.0/configurations': { json: { ...core('ldap_auth', false), ...LDAP } },
      'POST /api/v2.0/ldap/ping': () => ({ json: answer }),
    });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.clear(await screen.findByLabelText('LDAP URL'));
    await user.type(screen.getByLabelText('LDAP URL'), 'ldap://127.0.0.1:3389');
    await user.click(screen.getByRole('button', { name: /Test LDAP server/ }));
    const failed = await screen.findByRole('status');
    expect(failed).toHaveTextContent('The test failed');
    expect(failed).toHaveTextContent('invalid credentials');
    // Without a typed password, the server uses the stored one.
    expect(lastJson(received, 'POST', '/api/v2.0/ldap/ping')).toEqual({
      ldap_url: 'ldap://127.0.0.1:3389',
      ldap_search_dn: 'cn=admin,dc=example,dc=com',
      ldap_base_dn: 'dc=example,dc=com',
      ldap_filter: '',
      ldap_uid: 'uid',
      ldap_scope: 2,
      ldap_connection_timeout: 5,
      ldap_start_tls: false,
      ldap_verify_cert: true,
    });

    answer = { success: true, message: '' };
    await user.type(screen.getByLabelText('Search password'), 'pw');
    await user.click(screen.getByRole('button', { name: /Test LDAP server/ }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('the settings work'));
    expect(lastJson(received, 'POST', '/api/v2.0/ldap/ping')).toMatchObject({ ldap_search_password: 'pw' });
  });

  it('edits the OIDC settings and tests the provider', async () => {
    let reachable = false;
    const received = fakeAdminApi({
      'GET /api/v2.0/configurations': { json: { ...core('oidc_auth', false), ...OIDC } },
      'PUT /api/v2.0/configurations': { status: 200 },
      'POST /api/v2.0/system/oidc/ping': () =>
        reachable
          ? { status: 200 }
          : { status: 400, json: { errors: [{ code: 'BAD_REQUEST', message: 'no discovery document' }] } },
    });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    expect(await screen.findByLabelText('OIDC endpoint')).toHaveValue('https://sso.example.com/realms/wharf');
    expect(screen.getByLabelText('Client secret')).toHaveValue('');
    expect(screen.queryByLabelText('LDAP URL')).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Test OIDC server/ }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('no discovery document');
    expect(lastJson(received, 'POST', '/api/v2.0/system/oidc/ping')).toEqual({
      url: 'https://sso.example.com/realms/wharf',
      verify_cert: true,
    });
    reachable = true;
    await user.click(screen.getByRole('button', { name: /Test OIDC server/ }));
    expect(await screen.findByRole('status')).toHaveTextContent('the settings work');

    await user.click(screen.getByLabelText('Create users automatically'));
    await user.type(screen.getByLabelText('Client secret'), 'client-secret');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/configurations')).toEqual({
      oidc_auto_onboard: true,
      oidc_client_secret: 'client-secret',
    });
    // The typed secret leaves the form once saved.
    await waitFor(() => expect(screen.getByLabelText('Client secret')).toHaveValue(''));
  });

  it('says so when the server has no settings for the chosen mode', async () => {
    fakeAdminApi({ 'GET /api/v2.0/configurations': { json: core('oidc_auth', false) } });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    expect(await screen.findByText('This server offers no settings for this mode')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Test OIDC server/ })).not.toBeInTheDocument();
  });

  it("shows the authenticating proxy's settings by their names in http_auth mode", async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/configurations': {
        json: {
          ...core('http_auth', false),
          http_authproxy_endpoint: item('https://proxy.example.com/login'),
          http_authproxy_verify_cert: item(true),
        },
      },
      'PUT /api/v2.0/configurations': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/auth', path: ADMIN_PATH });
    expect(await screen.findByLabelText('http_authproxy_endpoint')).toHaveValue('https://proxy.example.com/login');
    const user = userEvent.setup();
    await user.click(screen.getByLabelText('http_authproxy_verify_cert'));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/configurations')).toEqual({ http_authproxy_verify_cert: false });
  });
});
