import { serverUrl } from './base-path';
import { apiCall, request } from './http';
import type { OIDCCliSecretReq, OIDCPing } from './identity-models';

/** Where the browser goes to sign in through the OIDC provider (Harbor's /c endpoints). */
export const OIDC_LOGIN_PATH = '/c/oidc/login';
export const OIDC_ONBOARD_PATH = '/c/oidc/onboard';

/** The address of the OIDC sign-in, coming back to `redirect` (a path of the portal) after. */
export function oidcLoginUrl(redirect: string): string {
  return serverUrl(`${OIDC_LOGIN_PATH}?${new URLSearchParams({ redirect_url: redirect }).toString()}`);
}

/** Tests an OIDC provider's endpoint (its discovery document). */
export function pingOidc(ping: OIDCPing): Promise<void> {
  return apiCall('/system/oidc/ping', { method: 'POST', json: ping });
}

/** A first OIDC sign-in that needs a user name: creates the user with `username` and signs them in. */
export async function onboardOidcUser(username: string): Promise<void> {
  await (await request(OIDC_ONBOARD_PATH, { method: 'POST', json: { username } })).arrayBuffer();
}

/** Sets the CLI secret of an OIDC user (the old one stops working). */
export function setCliSecret(userId: number, secret: string): Promise<void> {
  const req: OIDCCliSecretReq = { secret };
  return apiCall(`/users/${userId}/cli_secret`, { method: 'PUT', json: req });
}
