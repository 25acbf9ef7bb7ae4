import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { RequireSession } from '../../app/RequireSession';
import { ADMIN_PATH, adminPage, countOf, fakeAdminApi, lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { TokensPage } from './TokensPage';

const ALICE = { user_id: 2, username: 'alice', sysadmin_flag: false };
const SECRET = 'wpat_Zq9vXk2LrT5wY8mNabcdef';

const CI = {
  id: 5,
  name: 'ci',
  description: 'pulls for the build',
  permissions: [
    {
      kind: 'project',
      namespace: 'library',
      access: [
        { resource: 'repository', action: 'pull' },
        { resource: 'artifact', action: 'read' },
      ],
    },
  ],
  creation_time: '2026-11-01T10:00:00Z',
  expires_at: -1,
  last_used_time: null,
  owner_id: 2,
  owner_name: 'alice',
};
const BOB_TOKEN = { ...CI, id: 9, name: 'laptop', owner_id: 3, owner_name: 'bob', expires_at: 1893456000 };

const tokensPage = (
  <RequireSession>
    <TokensPage />
  </RequireSession>
);

const rowOf = (text: string) => screen.getByText(text).closest('tr') as HTMLElement;

describe("a user's personal access tokens", () => {
  it('lists them with their scope, expiry and last use', async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: ALICE },
      'GET /api/v2.0/users/2/tokens': { json: [CI], headers: { 'X-Total-Count': '1' } },
    });
    renderPage(tokensPage, { route: '/tokens', path: '/tokens' });
    await screen.findByText('ci');
    expect(document.title).toBe('Personal access tokens – Wharf');
    const row = rowOf('ci');
    expect(within(row).getByText('pulls for the build')).toBeInTheDocument();
    expect(within(row).getByText('library')).toBeInTheDocument();
    expect(within(row).getByText('Pull, Read artifacts')).toBeInTheDocument();
    // Never expires, never used.
    expect(within(row).getAllByText('Never')).toHaveLength(2);
    const list = received.find((r) => r.url.pathname === '/api/v2.0/users/2/tokens');
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({
      page: '1',
      page_size: '25',
      sort: '-creation_time',
    });
  });

  it('creates a token scoped to projects and shows its secret once', async () => {
    let tokens: unknown[] = [];
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: ALICE },
      'GET /api/v2.0/users/2/tokens': () => ({ json: tokens }),
      'GET /api/v2.0/projects': (req) => ({
        json: req.url.searchParams.get('q') === 'name=~lib' ? [{ project_id: 1, name: 'library' }] : [],
      }),
      'POST /api/v2.0/users/2/tokens': () => {
        tokens = [CI];
        return {
          status: 201,
          json: { id: 5, name: 'ci', secret: SECRET, creation_time: '2026-11-01T10:00:00Z', expires_at: -1 },
        };
      },
    });
    renderPage(tokensPage, { route: '/tokens', path: '/tokens' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New token/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New token' });
    const name = within(dialog).getByLabelText('Name');
    await waitFor(() => expect(name).toHaveFocus());
    await user.type(name, 'ci');
    await user.click(within(dialog).getByLabelText('Never expires'));
    expect(within(dialog).getByLabelText(/^Expires after \(days\)/)).toBeDisabled();
    await user.type(within(dialog).getByLabelText('Project of scope 1'), 'lib');
    await user.click(await screen.findByText('library', { selector: '.ant-select-item-option-content' }));
    const first = within(dialog).getByRole('group', { name: 'Permissions in project 1' });
    expect(within(first).getByRole('checkbox', { name: 'Pull' })).toBeChecked();
    await user.click(within(first).getByRole('checkbox', { name: 'Read artifacts' }));

    await user.click(within(dialog).getByRole('button', { name: /Add a project/ }));
    await user.type(within(dialog).getByLabelText('Project of scope 2'), 'web');
    const second = within(dialog).getByRole('group', { name: 'Permissions in project 2' });
    await user.click(within(second).getByRole('checkbox', { name: 'Push' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));

    const shown = await screen.findByRole('dialog', { name: 'Token ci created' });
    expect(within(shown).getByTestId('token-secret')).toHaveTextContent(SECRET);
    expect(within(shown).getByRole('button', { name: 'Copy the token' })).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/users/2/tokens')).toEqual({
      name: 'ci',
      duration: -1,
      permissions: [
        {
          kind: 'project',
          namespace: 'library',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'artifact', action: 'read' },
          ],
        },
        {
          kind: 'project',
          namespace: 'web',
          access: [
            { resource: 'repository', action: 'pull' },
            { resource: 'repository', action: 'push' },
          ],
        },
      ],
    });
    await user.click(within(shown).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByTestId('token-secret')).not.toBeInTheDocument());
    expect(await screen.findByText('pulls for the build')).toBeInTheDocument();
  });

  it('checks the form before sending, and shows a refused scope', async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: ALICE },
      'GET /api/v2.0/users/2/tokens': { json: [] },
      'GET /api/v2.0/projects': { json: [] },
      'POST /api/v2.0/users/2/tokens': {
        status: 403,
        json: { errors: [{ code: 'FORBIDDEN', message: 'the scope exceeds your rights in secret-project' }] },
      },
    });
    renderPage(tokensPage, { route: '/tokens', path: '/tokens' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New token/ }));
    const dialog = await screen.findByRole('dialog', { name: 'New token' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove project 1' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter a name')).toBeInTheDocument();
    expect(await within(dialog).findByText('Add at least one project')).toBeInTheDocument();
    expect(countOf(received, 'POST', '/api/v2.0/users/2/tokens')).toBe(0);

    await user.type(within(dialog).getByLabelText('Name'), 'wide');
    await user.click(within(dialog).getByRole('button', { name: /Add a project/ }));
    await user.type(within(dialog).getByLabelText('Project of scope 1'), 'secret-project');
    await user.type(within(dialog).getByLabelText(/^Expires after \(days\)/), '0');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('You are not allowed to do this');
    expect(alert).toHaveTextContent('the scope exceeds your rights in secret-project');
    expect(lastJson(received, 'POST', '/api/v2.0/users/2/tokens')).toMatchObject({ name: 'wide', duration: 300 });
  });

  it('revokes a token after confirmation', async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: ALICE },
      'GET /api/v2.0/users/2/tokens': { json: [CI] },
      'DELETE /api/v2.0/users/2/tokens/5': { status: 200 },
    });
    renderPage(tokensPage, { route: '/tokens', path: '/tokens' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke ci' }));
    expect(await screen.findByText(/Whatever uses it stops working at once/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Token revoked')).toBeInTheDocument();
    expect(countOf(received, 'DELETE', '/api/v2.0/users/2/tokens/5')).toBe(1);
  });
});

describe("every user's tokens, for administrators", () => {
  it('lists them with their owners and revokes one of another user', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/tokens': { json: [CI, BOB_TOKEN], headers: { 'X-Total-Count': '2' } },
      'DELETE /api/v2.0/users/3/tokens/9': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/tokens', path: ADMIN_PATH });
    await screen.findByText('laptop');
    expect(screen.getByRole('tab', { name: 'Access tokens', selected: true })).toBeInTheDocument();
    expect(within(rowOf('laptop')).getByText('bob')).toBeInTheDocument();
    expect(within(rowOf('ci')).getByText('alice')).toBeInTheDocument();
    // Administrators do not create tokens for others here.
    expect(screen.queryByRole('button', { name: /New token/ })).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Revoke laptop' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Token revoked')).toBeInTheDocument();
    expect(countOf(received, 'DELETE', '/api/v2.0/users/3/tokens/9')).toBe(1);
  });
});
