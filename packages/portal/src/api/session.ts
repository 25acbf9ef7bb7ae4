import { ApiError } from './api-error';
import { apiJson, request } from './http';
import type { IdentityUserResp } from './identity-models';

/** Browser sessions (Harbor's /c endpoints, outside the OpenAPI document). */
export const LOGIN_PATH = '/c/login';
export const LOGOUT_PATH = '/c/logout';
export const SEND_RESET_PATH = '/c/sendEmail';
export const RESET_PATH = '/c/reset';

/** Signs in with a username (or e-mail) and password; the server sets the session cookie. */
export async function signIn(principal: string, password: string): Promise<void> {
  try {
    await (await request(LOGIN_PATH, { method: 'POST', form: { principal, password } })).arrayBuffer();
  } catch (error) {
    // Harbor answers a failed login with a bare 401; say what it means.
    if (error instanceof ApiError && error.status === 401) throw new ApiError(401, 'UNAUTHORIZED', error.message);
    throw error;
  }
}

export async function signOut(): Promise<void> {
  await (await request(LOGOUT_PATH, { method: 'POST' })).arrayBuffer();
}

/** The signed-in user, or null for an anonymous visitor. */
export async function currentUser(): Promise<IdentityUserResp | null> {
  try {
    return await apiJson<IdentityUserResp>('/users/current');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Asks for a password reset link by e-mail; the answer is the same whether an account has the address or not. */
export async function requestPasswordReset(email: string): Promise<void> {
  await (await request(SEND_RESET_PATH, { query: { email } })).arrayBuffer();
}

/** Sets a new password with the token of an e-mailed reset link (`reset_uuid`). */
export async function resetPassword(resetUuid: string, password: string): Promise<void> {
  await (await request(RESET_PATH, { method: 'POST', form: { reset_uuid: resetUuid, password } })).arrayBuffer();
}
