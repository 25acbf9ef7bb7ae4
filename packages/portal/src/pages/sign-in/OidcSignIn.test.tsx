import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { OidcOnboardPage } from './OidcOnboardPage';
import { SignInPage } from './SignInPage';

const ANONYMOUS = { status: 401, json: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } };

describe('the sign-in page in oidc_auth mode', () => {
  it('signs in via the provider, coming back where the user was going', async () => {
    fakeApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'oidc_auth', oidc_provider_name: 'Keycloak' } },
      'GET /api/v2.0/users/current': ANONYMOUS,
    });
    renderPage(<SignInPage />, { route: '/sign-in?redirect=%2Fprojects%2Fp', path: '/sign-in' });
    const button = await screen.findByRole('link', { name: /Sign in via Keycloak/ });
    expect(button).toHaveAttribute('href', '/c/oidc/login?redirect_url=%2Fprojects%2Fp');
    // The password form is for local users (the admin), behind a toggle.
    expect(screen.queryByLabelText('User name or e-mail')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create an account' })).not.toBeInTheDocument();
  });

  it('keeps the local admin form behind "Sign in as a local user"', async () => {
    let signedIn = false;
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'oidc_auth' } },
      'GET /api/v2.0/users/current': () => (signedIn ? { json: { username: 'admin', user_id: 1 } } : ANONYMOUS),
      'POST /c/login': () => {
        signedIn = true;
        return { status: 200 };
      },
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    // Without a configured name, the provider is named generically.
    expect(await screen.findByRole('link', { name: /Sign in via OIDC provider/ })).toBeInTheDocument();
    const toggle = screen.getByRole('button', { name: 'Sign in as a local user' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    const user = userEvent.setup();
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await user.type(screen.getByLabelText('User name or e-mail'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'Harbor12345{Enter}');
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    expect(new URLSearchParams(received.find((r) => r.url.pathname === '/c/login')?.body).get('principal')).toBe(
      'admin',
    );
  });

  it('shows only the password form in the other modes', async () => {
    fakeApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'ldap_auth' } },
      'GET /api/v2.0/users/current': ANONYMOUS,
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    expect(await screen.findByLabelText('User name or e-mail')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Sign in via/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in as a local user' })).not.toBeInTheDocument();
  });
});

describe('the OIDC onboarding page', () => {
  it("offers the provider's name, lets the user change it, and enters the portal", async () => {
    let taken = true;
    const received = fakeApi({
      'POST /c/oidc/onboard': () =>
        taken
          ? { status: 409, json: { errors: [{ code: 'CONFLICT', message: 'user name alice is taken' }] } }
          : { status: 200 },
    });
    renderPage(<OidcOnboardPage />, {
      route: '/oidc-onboard?username=alice&redirect_url=%2Fprojects%2Flibrary',
      path: '/oidc-onboard',
    });
    const username = await screen.findByLabelText('User name');
    expect(username).toHaveValue('alice');
    expect(document.title).toBe('Choose your user name – Wharf');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('It already exists');
    expect(alert).toHaveTextContent('user name alice is taken');

    taken = false;
    await user.clear(username);
    await user.type(username, 'alice.w{Enter}');
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    expect(lastJson(received, 'POST', '/c/oidc/onboard')).toEqual({ username: 'alice.w' });
  });

  it('asks for a user name before sending', async () => {
    const received = fakeApi({});
    renderPage(<OidcOnboardPage />, { route: '/oidc-onboard', path: '/oidc-onboard' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Continue' }));
    expect(await screen.findByText('Enter a user name')).toBeInTheDocument();
    expect(received).toHaveLength(0);
  });
});
