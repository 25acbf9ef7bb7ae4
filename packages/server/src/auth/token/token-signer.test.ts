import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateTokenKeys, type TokenAlgorithm } from './token-keys.js';
import { TokenVerificationError, signToken, verifyToken, type TokenErrorReason } from './token-signer.js';

const now = new Date('2025-06-01T12:00:00Z');
const nowSeconds = now.getTime() / 1000;
const verifyOptions = { issuer: 'wharf-token-service', audience: 'wharf-registry', now, leewaySeconds: 0 };
const access = [{ type: 'repository', name: 'library/busybox', actions: ['pull', 'push'] }];

function decodePart(token: string, index: number): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function expectReason(run: () => unknown, reason: TokenErrorReason): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenVerificationError);
    expect((error as TokenVerificationError).reason).toBe(reason);
    return;
  }
  expect.fail(`expected TokenVerificationError ${reason}`);
}

describe.each<TokenAlgorithm>(['RS256', 'ES256'])('%s tokens', (algorithm) => {
  const keys = generateTokenKeys(algorithm);
  const token = signToken(keys, {
    issuer: 'wharf-token-service',
    audience: 'wharf-registry',
    subject: 'alice',
    access,
    expiresInSeconds: 300,
    now,
  });

  it('carries the header and claims of the registry token specification', () => {
    expect(decodePart(token, 0)).toEqual({ typ: 'JWT', alg: algorithm, kid: keys.kid });
    const claims = decodePart(token, 1);
    expect(claims).toMatchObject({
      iss: 'wharf-token-service',
      sub: 'alice',
      aud: 'wharf-registry',
      iat: nowSeconds,
      nbf: nowSeconds,
      exp: nowSeconds + 300,
      access,
    });
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('round-trips through verifyToken', () => {
    expect(verifyToken(token, keys, verifyOptions)).toMatchObject({ sub: 'alice', access });
  });

  it('rejects a tampered payload', () => {
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodePart(token, 1), sub: 'admin' })).toString('base64url');
    expectReason(() => verifyToken(`${header}.${forged}.${signature}`, keys, verifyOptions), 'bad-signature');
  });

  it('rejects a token signed by another key with the same kid', () => {
    const other = generateTokenKeys(algorithm);
    const foreign = signToken(
      { ...other, kid: keys.kid },
      { ...verifyOptions, subject: 'x', access: [], expiresInSeconds: 60 },
    );
    expectReason(() => verifyToken(foreign, keys, verifyOptions), 'bad-signature');
    const unknown = signToken(other, { ...verifyOptions, subject: 'x', access: [], expiresInSeconds: 60 });
    expectReason(() => verifyToken(unknown, keys, verifyOptions), 'unknown-key');
    expect(verifyToken(unknown, [keys, other], verifyOptions).sub).toBe('x');
  });

  it('honours expiry and not-before with an injected clock and leeway', () => {
    const at = (seconds: number) => new Date((nowSeconds + seconds) * 1000);
    expect(verifyToken(token, keys, { ...verifyOptions, now: at(299) }).sub).toBe('alice');
    expectReason(() => verifyToken(token, keys, { ...verifyOptions, now: at(300) }), 'expired');
    expectReason(() => verifyToken(token, keys, { ...verifyOptions, now: at(-1) }), 'not-yet-valid');
    expect(verifyToken(token, keys, { ...verifyOptions, now: at(330), leewaySeconds: 60 }).sub).toBe('alice');
    expect(verifyToken(token, keys, { ...verifyOptions, now: at(-30), leewaySeconds: 60 }).sub).toBe('alice');
  });

  it('checks issuer and audience', () => {
    expectReason(() => verifyToken(token, keys, { ...verifyOptions, issuer: 'someone-else' }), 'wrong-issuer');
    expectReason(() => verifyToken(token, keys, { ...verifyOptions, audience: 'other-registry' }), 'wrong-audience');
  });
});

describe('verifyToken input checks', () => {
  const keys = generateTokenKeys('ES256');
  const good = signToken(keys, { ...verifyOptions, subject: '', access: [], expiresInSeconds: 60 });
  const [header, claims] = good.split('.') as [string, string];
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each(['', 'a.b', 'a.b.c.d', '!!.e30.', `${encode([1])}.${claims}.`])('rejects %j as malformed', (token) => {
    expectReason(() => verifyToken(token, keys, verifyOptions), 'malformed');
  });

  it('refuses alg none and HMAC, whatever the signature', () => {
    for (const alg of ['none', 'HS256']) {
      const forged = `${encode({ typ: 'JWT', alg, kid: keys.kid })}.${claims}.`;
      expectReason(() => verifyToken(forged, keys, verifyOptions), 'unsupported-algorithm');
    }
    const mismatch = `${encode({ typ: 'JWT', alg: 'RS256', kid: keys.kid })}.${claims}.${good.split('.')[2]}`;
    expectReason(() => verifyToken(mismatch, keys, verifyOptions), 'unsupported-algorithm');
  });

  it('accepts an anonymous subject', () => {
    expect(verifyToken(good, keys, verifyOptions)).toMatchObject({ sub: '', access: [] });
  });

  it('accepts an audience list that names the registry', () => {
    const payload = encode({
      ...JSON.parse(Buffer.from(claims, 'base64url').toString()),
      aud: ['x', 'wharf-registry'],
    });
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
      key: keys.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const token = `${header}.${payload}.${signature.toString('base64url')}`;
    expect(verifyToken(token, keys, verifyOptions).aud).toEqual(['x', 'wharf-registry']);
    expectReason(() => verifyToken(token, keys, { ...verifyOptions, audience: 'y' }), 'wrong-audience');
  });

  it('rejects an invalid expiry when signing', () => {
    expect(() => signToken(keys, { ...verifyOptions, subject: 'a', access: [], expiresInSeconds: 0 })).toThrow(
      RangeError,
    );
  });
});
