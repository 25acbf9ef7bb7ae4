/**
 * A real OpenID provider for the OIDC tests: `oidc-provider` (v9) in this process on a random 127.0.0.1 port, over
 * plain http (Wharf's `oidc_verify_cert` false), with one confidential client registered for Wharf's callback, an
 * account store the tests change (names, e-mails, groups), an in-memory token store the tests can revoke from, and
 * login/consent interactions answered without pages: the account a browser signs in as is the one `signInAs` named.
 * With `{ loginForm: true }` the login is a page instead, for a real browser: an HTML form asking for the account and
 * its password (`TestAccount.password`); consent is still given without a page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  name: string;
  email: string;
  groups: string[];
  /** What the login form (`loginForm`) accepts for this account. */
  password?: string;
}

export interface ProviderOptions {
  /** Show an HTML login form (account and password) instead of signing in the `signInAs` account. */
  readonly loginForm?: boolean;
}

export const CLIENT_ID = 'wharf';
export const CLIENT_SECRET = 'wharf-client-secret';

/** The provider's records (sessions, grants, codes, tokens) by model name and id. */
class Records {
  readonly byKey = new Map<string, AdapterPayload>();

  /** Destroys every refresh and access token of `accountId` (the provider's session revoked). */
  revokeTokensOf(accountId: string): number {
    let revoked = 0;
    for (const [key, payload] of this.byKey) {
      if (/^(RefreshToken|AccessToken):/.test(key) && payload.accountId === accountId) {
        this.byKey.delete(key);
        revoked += 1;
      }
    }
    return revoked;
  }
}

function adapterOver(records: Records) {
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string): string {
      return `${this.model}:${id}`;
    }
    upsert(id: string, payload: AdapterPayload): Promise<void> {
      records.byKey.set(this.key(id), payload);
      return Promise.resolve();
    }
    find(id: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve(records.byKey.get(this.key(id)));
    }
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return Promise.resolve([...records.byKey.values()].find((p) => p.userCode === userCode));
    }
    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      for (const [key, payload] of records.byKey) {
        if (key.startsWith(`${this.model}:`) && payload.uid === uid) return Promise.resolve(payload);
      }
      return Promise.resolve(undefined);
    }
    consume(id: string): Promise<void> {
      const payload = records.byKey.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      return Promise.resolve();
    }
    destroy(id: string): Promise<void> {
      records.byKey.delete(this.key(id));
      return Promise.resolve();
    }
    revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, payload] of records.byKey) if (payload.grantId === grantId) records.byKey.delete(key);
      return Promise.resolve();
    }
  };
}

export interface TestOpenIdProvider {
  /** The issuer, e.g. http://127.0.0.1:41234 */
  readonly issuer: string;
  readonly accounts: Map<string, TestAccount>;
  /** The account the next login interaction signs in. */
  signInAs(accountId: string): void;
  /** Revokes every token the provider gave `accountId`. */
  revokeTokensOf(accountId: string): number;
  close(): Promise<void>;
}

/** Starts the provider; `redirectUri` is Wharf's callback (`<base URL>/c/oidc/callback`). */
export async function startTestOpenIdProvider(
  redirectUri: string,
  options: ProviderOptions = {},
): Promise<TestOpenIdProvider> {
  const accounts = new Map<string, TestAccount>();
  const records = new Records();
  let nextLogin: string | undefined;
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    adapter: adapterOver(records),
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    // The claims of the granted scopes in the ID token too (not only at userinfo), as most providers do.
    conformIdTokenClaims: false,
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, name: account.name, email: account.email, groups: [...account.groups] }),
      };
    },
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    issueRefreshToken: (
      _ctx: KoaContextWithOIDC,
      client: { grantTypeAllowed(t: string): boolean },
      code: { scopes: Set<string> },
    ) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    pkce: { required: () => true },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      RefreshToken: 14 * 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  });
  const callback = provider.callback();

  server.on('request', (req, res) => {
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '');
    if (!match) {
      void callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login' && options.loginForm) {
          await loginPage(req, res, details.uid, accounts, (accountId) =>
            provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false }),
          );
          return;
        }
        if (details.prompt.name === 'login') {
          if (nextLogin === undefined || !accounts.has(nextLogin)) throw new Error('no test account to sign in');
          await provider.interactionFinished(
            req,
            res,
            { login: { accountId: nextLogin } },
            { mergeWithLastSubmission: false },
          );
          return;
        }
        // Consent: everything the client asked for.
        const accountId = details.session!.accountId;
        const grant = details.grantId
          ? (await provider.Grant.find(details.grantId))!
          : new provider.Grant({ accountId, clientId: details.params.client_id as string });
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
    })();
  });

  return {
    issuer,
    accounts,
    signInAs: (id) => (nextLogin = id),
    revokeTokensOf: (id) => records.revokeTokensOf(id),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.once('end', () => resolve(new URLSearchParams(body)));
    req.once('error', reject);
  });
}

/**
 * The provider's login page: GET shows the form, POST checks the account and password and finishes the login
 * (`finish`), or shows the form again with an error.
 */
async function loginPage(
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  accounts: Map<string, TestAccount>,
  finish: (accountId: string) => Promise<unknown>,
): Promise<void> {
  let error = '';
  if (req.method === 'POST') {
    const form = await readForm(req);
    const accountId = form.get('account') ?? '';
    const account = accounts.get(accountId);
    if (account && account.password !== undefined && account.password === form.get('password')) {
      await finish(accountId);
      return;
    }
    error = '<p role="alert">Unknown account or wrong password</p>';
  }
  res.statusCode = error ? 401 : 200;
  res.setHeader('content-type', 'text/html; charset=utf-8');
  res.end(
    `<!doctype html><html lang="en"><head><title>Test IdP sign-in</title></head><body><h1>Test IdP</h1>${error}` +
      `<form method="post" action="/interaction/${escapeHtml(uid)}">` +
      '<label>Account <input name="account" autocomplete="username"></label>' +
      '<label>Password <input name="password" type="password" autocomplete="current-password"></label>' +
      '<button type="submit">Sign in to the provider</button></form></body></html>',
  );
}
