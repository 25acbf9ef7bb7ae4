import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ForgotPasswordPage } from './ForgotPasswordPage';
import { ResetPasswordPage } from './ResetPasswordPage';
import { SignInPage } from './SignInPage';

const ANONYMOUS = { status: 401, json: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } };
const TOKEN = 'A'.repeat(43);

describe('forgot password', () => {
  it('is linked from the sign-in page while Wharf checks passwords itself, not with LDAP or OIDC', async () => {
    fakeApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'db_auth' } },
      'GET /api/v2.0/users/current': ANONYMOUS,
    });
    const { unmount } = renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    expect(await screen.findByRole('link', { name: 'Forgot password?' })).toHaveAttribute('href', '/forgot-password');
    unmount();
    fakeApi({
      'GET /api/v2.0/systeminfo': { json: { auth_mode: 'oidc_auth' } },
      'GET /api/v2.0/users/current': ANONYMOUS,
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    await screen.findByRole('button', { name: 'Sign in' });
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Forgot password?' })).not.toBeInTheDocument());
  });

  it('asks for the e-mail address, checks it, sends it and confirms', async () => {
    const received = fakeApi({ 'GET /c/sendEmail': { status: 200 } });
    renderPage(<ForgotPasswordPage />, { route: '/forgot-password', path: '/forgot-password' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('E-mail'), 'not-an-address{Enter}');
    expect(await screen.findByText('This is not an e-mail address')).toBeInTheDocument();
    expect(received.some((r) => r.url.pathname === '/c/sendEmail')).toBe(false);
    await user.clear(screen.getByLabelText('E-mail'));
    await user.type(screen.getByLabelText('E-mail'), 'alice@example.com{Enter}');
    expect(await screen.findByText('Check your mailbox')).toBeInTheDocument();
    const sent = received.find((r) => r.url.pathname === '/c/sendEmail');
    expect(sent?.url.searchParams.get('email')).toBe('alice@example.com');
    expect(screen.getByRole('link', { name: 'Back to sign in' })).toHaveAttribute('href', '/sign-in');
  });

  it('shows a refusal such as throttling', async () => {
    fakeApi({
      'GET /c/sendEmail': {
        status: 429,
        json: { errors: [{ code: 'TOO_MANY_REQUESTS', message: 'too many password reset requests' }] },
      },
    });
    renderPage(<ForgotPasswordPage />, { route: '/forgot-password', path: '/forgot-password' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('E-mail'), 'alice@example.com{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('too many password reset requests');
  });
});

describe('the reset page', () => {
  it('sets the new password with the link token, checking the rule first', async () => {
    const received = fakeApi({ 'POST /c/reset': { status: 200 } });
    renderPage(<ResetPasswordPage />, { route: `/reset-password?reset_uuid=${TOKEN}`, path: '/reset-password' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'weak');
    await user.type(screen.getByLabelText('Confirm the password'), 'weak{Enter}');
    expect(await screen.findAllByText(/8 to 128 characters/)).toHaveLength(2);
    expect(received.some((r) => r.method === 'POST')).toBe(false);
    await user.clear(screen.getByLabelText('New password'));
    await user.clear(screen.getByLabelText('Confirm the password'));
    await user.type(screen.getByLabelText('New password'), 'N3wPassword');
    await user.type(screen.getByLabelText('Confirm the password'), 'N3wPassword{Enter}');
    expect(await screen.findByText('Your password has been changed: sign in with it')).toBeInTheDocument();
    const sent = new URLSearchParams(received.find((r) => r.url.pathname === '/c/reset')?.body);
    expect(sent.get('reset_uuid')).toBe(TOKEN);
    expect(sent.get('password')).toBe('N3wPassword');
  });

  it('shows why a used or expired link is refused, and offers a new one', async () => {
    fakeApi({
      'POST /c/reset': {
        status: 400,
        json: { errors: [{ code: 'BAD_REQUEST', message: 'the reset link is invalid, used or expired' }] },
      },
    });
    renderPage(<ResetPasswordPage />, { route: `/reset-password?reset_uuid=${TOKEN}`, path: '/reset-password' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('New password'), 'N3wPassword');
    await user.type(screen.getByLabelText('Confirm the password'), 'N3wPassword{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('the reset link is invalid, used or expired');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });

  it('says so when opened without a link token', async () => {
    fakeApi({});
    renderPage(<ResetPasswordPage />, { route: '/reset-password', path: '/reset-password' });
    expect(await screen.findByText('This page needs the link from the password reset e-mail.')).toBeInTheDocument();
  });
});
