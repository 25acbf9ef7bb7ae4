import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { SignInPage } from './SignInPage';

const ANONYMOUS = { status: 401, json: { errors: [{ code: 'UNAUTHORIZED', message: 'unauthorized' }] } };

describe('the sign-in page', () => {
  it('signs in with the form, by keyboard, and goes where the user was going', async () => {
    let signedIn = false;
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: { self_registration: false } },
      'GET /api/v2.0/users/current': () => (signedIn ? { json: { username: 'alice', user_id: 2 } } : ANONYMOUS),
      'POST /c/login': () => {
        signedIn = true;
        return { status: 200 };
      },
    });
    renderPage(<SignInPage />, { route: '/sign-in?redirect=%2Fprojects%2Fp', path: '/sign-in' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('User name or e-mail'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'Secret123{Enter}');
    await waitFor(() => expect(screen.getByTestId('elsewhere')).toBeInTheDocument());
    const login = received.find((r) => r.url.pathname === '/c/login');
    expect(new URLSearchParams(login?.body).get('principal')).toBe('alice');
    expect(screen.queryByRole('button', { name: 'Create an account' })).not.toBeInTheDocument();
  });

  it("shows the server's refusal, and validates empty fields before sending", async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: {} },
      'GET /api/v2.0/users/current': ANONYMOUS,
      'POST /c/login': { status: 401, text: 'invalid credentials' },
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter your user name or e-mail')).toBeInTheDocument();
    expect(received.some((r) => r.url.pathname === '/c/login')).toBe(false);
    await user.type(screen.getByLabelText('User name or e-mail'), 'alice');
    await user.type(screen.getByLabelText('Password'), 'wrong{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Not signed in, or the user name or password is wrong');
    expect(screen.getByRole('alert')).toHaveTextContent('invalid credentials');
  });

  it('offers sign-up when self-registration is on, checking the password rule before sending', async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: { self_registration: true } },
      'GET /api/v2.0/users/current': ANONYMOUS,
      'POST /api/v2.0/users': { status: 201 },
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create an account' }));
    await screen.findByRole('dialog');
    await user.type(screen.getByLabelText('User name'), 'bob');
    await user.type(screen.getByLabelText('E-mail'), 'bob@example.com');
    await user.type(screen.getByLabelText('New password'), 'password');
    await user.type(screen.getByLabelText('Confirm the password'), 'passw0rd{Enter}');
    expect(await screen.findByText('The two passwords differ')).toBeInTheDocument();
    expect(screen.getAllByText(/8 to 128 characters/)).toHaveLength(2); // the rule as help, and as the error
    expect(received.some((r) => r.method === 'POST')).toBe(false);
  });

  it('creates the account when the form is valid', async () => {
    const received = fakeApi({
      'GET /api/v2.0/systeminfo': { json: { self_registration: true } },
      'GET /api/v2.0/users/current': ANONYMOUS,
      'POST /api/v2.0/users': { status: 201 },
    });
    renderPage(<SignInPage />, { route: '/sign-in', path: '/sign-in' });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Create an account' }));
    await screen.findByRole('dialog');
    await user.type(screen.getByLabelText('User name'), 'bob');
    await user.type(screen.getByLabelText('E-mail'), 'bob@example.com');
    await user.type(screen.getByLabelText('New password'), 'Passw0rdBob');
    await user.type(screen.getByLabelText('Confirm the password'), 'Passw0rdBob{Enter}');
    await waitFor(() => expect(received.some((r) => r.method === 'POST')).toBe(true));
    const created = received.find((r) => r.method === 'POST');
    expect(JSON.parse(created?.body ?? '{}')).toMatchObject({ username: 'bob', password: 'Passw0rdBob' });
    expect(await screen.findByText('Your account is ready: sign in with it')).toBeInTheDocument();
  });
});
