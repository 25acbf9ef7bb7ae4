import { RequireSession } from '../app/RequireSession';
import { AdminPage } from '../pages/admin/AdminPage';
import { fakeApi, type FakeResponse, type Received } from './fake-api';

export const ADMIN_USER = { user_id: 1, username: 'admin', email: 'admin@example.com', sysadmin_flag: true };

/** The administration page as the app shows it: once the session is known. */
export const adminPage = (
  <RequireSession>
    <AdminPage />
  </RequireSession>
);
export const ADMIN_PATH = '/admin/:tab?';

/** Wharf answering as for a signed-in administrator, with `handlers` for the rest. */
export function fakeAdminApi(handlers: Record<string, FakeResponse | ((req: Received) => FakeResponse)>): Received[] {
  return fakeApi({ 'GET /api/v2.0/users/current': { json: ADMIN_USER }, ...handlers });
}

/** The JSON body of the last `method` request to `pathname`. */
export function lastJson(received: Received[], method: string, pathname: string): unknown {
  const req = received.filter((r) => r.method === method && r.url.pathname === pathname).at(-1);
  return req === undefined ? undefined : (JSON.parse(req.body || 'null') as unknown);
}

export function countOf(received: Received[], method: string, pathname: string): number {
  return received.filter((r) => r.method === method && r.url.pathname === pathname).length;
}
