import { describe, expect, it } from 'vitest';
import { TargetGuard, TargetRefusedError, allowedTargetsOf, type Resolver } from './target-guard.js';

const names: Record<string, string[]> = {
  'hooks.example.com': ['93.184.215.14'],
  'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
  'v6.example.com': ['2606:4700::6810:84e5'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
};
const resolver: Resolver = (host) =>
  Promise.resolve((names[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));

describe('the SSRF guard of webhook targets', () => {
  const guard = new TargetGuard([], resolver);

  it('refuses every non-public address, IPv4-mapped IPv6 forms included', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '0.0.0.0',
      '::',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '169.254.1.1',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '100.64.0.1',
      '100.127.255.254',
      '224.0.0.1',
      'ff02::1',
      '255.255.255.255',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1',
      '2002:a00:1::1',
      '192.0.2.1',
      '240.0.0.1',
    ]) {
      expect(guard.refusalOf(address), address).toBeDefined();
    }
  });

  it('allows public unicast addresses', () => {
    for (const address of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::6810:84e5']) {
      expect(guard.refusalOf(address), address).toBeUndefined();
    }
  });

  it('exempts the administrator’s addresses and CIDR ranges, in either IPv6 form', () => {
    const allowing = new TargetGuard(allowedTargetsOf(' 10.0.0.0/8 , 127.0.0.1, fd00::/8 '), resolver);
    expect(allowing.refusalOf('10.200.3.4')).toBeUndefined();
    expect(allowing.refusalOf('::ffff:10.200.3.4')).toBeUndefined();
    expect(allowing.refusalOf('127.0.0.1')).toBeUndefined();
    expect(allowing.refusalOf('127.0.0.2')).toBeDefined();
    expect(allowing.refusalOf('fd00::5')).toBeUndefined();
    expect(allowing.refusalOf('192.168.0.1')).toBeDefined();
    expect(() => new TargetGuard(['not-an-address'])).toThrow(/allowedTargets/);
  });

  it('resolves names and refuses one with any internal address, or a metadata service’s name', async () => {
    await expect(guard.resolve('hooks.example.com')).resolves.toEqual({ address: '93.184.215.14', family: 4 });
    await expect(guard.resolve('v6.example.com')).resolves.toEqual({ address: '2606:4700::6810:84e5', family: 6 });
    await expect(guard.resolve('mixed.example.com')).rejects.toThrow(/mixed\.example\.com resolves to 10\.0\.0\.7/);
    await expect(guard.resolve('mapped.example.com')).rejects.toBeInstanceOf(TargetRefusedError);
    await expect(guard.resolve('metadata.google.internal')).rejects.toThrow(/metadata service/);
    await expect(guard.resolve('[::1]')).rejects.toThrow(/loopback/);
    await expect(guard.resolve('169.254.169.254')).rejects.toThrow(/linkLocal/);
  });

  it('finds plainly internal addresses as written, for the API', () => {
    expect(guard.literalRefusal(new URL('http://10.0.0.1/'))).toBeDefined();
    expect(guard.literalRefusal(new URL('http://localhost:8080/'))).toMatch(/loopback/);
    expect(guard.literalRefusal(new URL('http://app.localhost/'))).toMatch(/loopback/);
    expect(guard.literalRefusal(new URL('http://[::ffff:7f00:1]/'))).toBeDefined();
    expect(guard.literalRefusal(new URL('http://metadata.google.internal./'))).toMatch(/metadata/);
    expect(guard.literalRefusal(new URL('https://hooks.example.com/'))).toBeUndefined();
    expect(guard.literalRefusal(new URL('https://8.8.8.8/'))).toBeUndefined();
  });
});
