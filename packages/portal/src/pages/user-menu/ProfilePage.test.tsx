import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppLayout } from '../../app/AppLayout';
import { RequireSession } from '../../app/RequireSession';
import { countOf, lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { meetsPasswordPolicy } from '../../lib/password-policy';
import { ProfilePage } from './ProfilePage';

const ALICE = {
  user_id: 2,
  username: 'alice',
  email: 'alice@example.com',
  realname: 'Alice A',
  comment: '',
  sysadmin_flag: false,
};
const OIDC_ALICE = { ...ALICE, oidc_user_meta: { id: 1, user_id: 2, secret: 'Cl1SecretOfAlice' } };

const profilePage = (
  <RequireSession>
    <ProfilePage />
  </RequireSession>
);

describe('the user profile', () => {
  it('changes the e-mail, full name and comment; a local user has no CLI secret', async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: ALICE },
      'PUT /api/v2.0/users/2': { status: 200 },
    });
    renderPage(profilePage, { route: '/profile', path: '/profile' });
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(document.title).toBe('User profile – Wharf');
    expect(screen.getByLabelText('E-mail')).toHaveValue('alice@example.com');
    expect(screen.queryByText('CLI secret')).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Comment'), 'team platform');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/users/2')).toEqual({
      email: 'alice@example.com',
      realname: 'Alice A',
      comment: 'team platform',
    });
  });

  it("shows an OIDC user's CLI secret hidden, and generates a new one after confirmation", async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: OIDC_ALICE },
      'PUT /api/v2.0/users/2/cli_secret': { status: 200 },
    });
    renderPage(profilePage, { route: '/profile', path: '/profile' });
    const secret = await screen.findByLabelText('CLI secret');
    expect(secret).toHaveValue('Cl1SecretOfAlice');
    expect(secret).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Copy the CLI secret' })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Generate a new secret' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('The CLI secret has been changed')).toBeInTheDocument();
    const sent = lastJson(received, 'PUT', '/api/v2.0/users/2/cli_secret') as { secret: string };
    expect(sent.secret).toHaveLength(32);
    expect(meetsPasswordPolicy(sent.secret)).toBe(true);
    // The user is read again for the new secret.
    await waitFor(() => expect(countOf(received, 'GET', '/api/v2.0/users/current')).toBe(2));
  });

  it("sets a secret of the user's choice, checked against the rule first", async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: OIDC_ALICE },
      'PUT /api/v2.0/users/2/cli_secret': { status: 200 },
    });
    renderPage(profilePage, { route: '/profile', path: '/profile' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Set a secret' }));
    const dialog = await screen.findByRole('dialog', { name: 'Set a secret' });
    await user.type(within(dialog).getByLabelText('New secret'), 'weak{Enter}');
    // The rule as help, and as the error.
    await waitFor(() => expect(within(dialog).getAllByText(/8 to 128 characters/)).toHaveLength(2));
    expect(countOf(received, 'PUT', '/api/v2.0/users/2/cli_secret')).toBe(0);
    await user.clear(within(dialog).getByLabelText('New secret'));
    await user.type(within(dialog).getByLabelText('New secret'), 'MyOwnS3cret{Enter}');
    expect(await screen.findByText('The CLI secret has been changed')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/users/2/cli_secret')).toEqual({ secret: 'MyOwnS3cret' });
  });
});

describe('the user menu entries', () => {
  it('open the profile and the tokens; an OIDC user has no password to change', async () => {
    fakeApi({ 'GET /api/v2.0/users/current': { json: OIDC_ALICE } });
    renderPage(
      <RequireSession>
        <AppLayout />
      </RequireSession>,
      { route: '/projects', path: '/projects' },
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /user menu/i }));
    expect(await screen.findByText('Personal access tokens')).toBeInTheDocument();
    expect(screen.queryByText('Change password')).not.toBeInTheDocument();
    await user.click(screen.getByText('User profile'));
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
  });

  it('offer a password change to the local admin only, in the LDAP mode', async () => {
    for (const [who, offered] of [
      [{ ...ALICE, user_id: 1, username: 'admin' }, true],
      [ALICE, false],
    ] as const) {
      fakeApi({
        'GET /api/v2.0/users/current': { json: who },
        'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      });
      const { unmount } = renderPage(
        <RequireSession>
          <AppLayout />
        </RequireSession>,
        { route: '/projects', path: '/projects' },
      );
      const user = userEvent.setup();
      await user.click(await screen.findByRole('button', { name: /user menu/i }));
      await screen.findByText('Personal access tokens');
      await waitFor(() => expect(screen.queryByText('Change password') !== null).toBe(offered));
      unmount();
    }
  });
});
