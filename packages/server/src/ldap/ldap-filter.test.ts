import { describe, expect, it } from 'vitest';
import {
  and,
  checkFilter,
  equals,
  escapeFilterValue,
  isUnder,
  normalizeDn,
  normalizeFilter,
  or,
} from './ldap-filter.js';
import { checkValue } from './ldap-settings.js';

describe('LDAP filters', () => {
  it('escapes assertion values as RFC 4515 says', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
    expect(equals('uid', 'alice)(uid=*')).toBe('(uid=alice\\29\\28uid=\\2a)');
    expect(escapeFilterValue('Zoë')).toBe('Zoë');
  });

  it('combines configured filters, with or without their parentheses', () => {
    expect(normalizeFilter(' objectClass=person ')).toBe('(objectClass=person)');
    expect(and('', '(uid=a)')).toBe('(uid=a)');
    expect(and('objectClass=person', '(uid=a)')).toBe('(&(objectClass=person)(uid=a))');
    expect(and('', '')).toBe('(objectClass=*)');
    expect(or(['(a=1)'])).toBe('(a=1)');
    expect(or(['(a=1)', '(b=2)'])).toBe('(|(a=1)(b=2))');
  });

  it('finds unbalanced filters', () => {
    expect(checkFilter('(&(a=1)(b=2))')).toBeUndefined();
    expect(checkFilter('a=\\29')).toBeUndefined();
    expect(checkFilter('(a=1')).toBe('a parenthesis is not closed');
    expect(checkFilter('(a=1))')).toBe('text follows the filter');
    expect(checkFilter('(a=1)(b=2)')).toBe('text follows the filter');
  });

  it('compares DNs whatever their case and spacing', () => {
    expect(normalizeDn('CN=Devs, OU=Groups ,DC=Example')).toBe('cn=devs,ou=groups,dc=example');
    expect(normalizeDn('cn=a\\, b,dc=x')).toBe('cn=a\\, b,dc=x');
    expect(isUnder('cn=devs,ou=groups,dc=x', 'OU=Groups, DC=x')).toBe(true);
    expect(isUnder('cn=devs,ou=groups2,dc=x', 'ou=groups,dc=x')).toBe(false);
    expect(isUnder('cn=devs,xou=groups,dc=x', 'ou=groups,dc=x')).toBe(false);
  });
});

describe('LDAP setting values', () => {
  it('normalises URLs and refuses other schemes, paths and credentials', () => {
    expect(checkValue('ldap_url', 'url', 'ldap.example.com')).toBe('ldap://ldap.example.com');
    expect(checkValue('ldap_url', 'url', 'LDAPS://Ldap.Example.com:636/')).toBe('ldaps://ldap.example.com:636');
    expect(checkValue('ldap_url', 'url', ' ')).toBe('');
    expect(() => checkValue('ldap_url', 'url', 'https://x')).toThrow('ldap://');
    expect(() => checkValue('ldap_url', 'url', 'ldap://x/dc=example')).toThrow('host and a port only');
    expect(() => checkValue('ldap_url', 'url', 'ldap://u:p@x')).toThrow('host and a port only');
  });

  it('checks scopes, time-outs and attribute names', () => {
    expect(checkValue('ldap_scope', 'scope', 1)).toBe(1);
    expect(() => checkValue('ldap_scope', 'scope', '1')).toThrow('subtree');
    expect(() => checkValue('ldap_timeout', 'timeout', 1.5)).toThrow('seconds');
    expect(checkValue('ldap_uid', 'attribute', 'sAMAccountName')).toBe('sAMAccountName');
    expect(checkValue('ldap_uid', 'attribute', '0.9.2342.19200300.100.1.1')).toBe('0.9.2342.19200300.100.1.1');
    expect(() => checkValue('ldap_uid', 'attribute', '')).toThrow('attribute');
    expect(checkValue('ldap_group_membership_attribute', 'string', '')).toBe('');
  });
});
