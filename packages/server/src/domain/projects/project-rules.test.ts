import { describe, expect, it } from 'vitest';
import { METADATA_KEYS, normalizeMetadata, projectNameProblem } from './project-rules.js';

describe('project names', () => {
  it("accepts Harbor's names", () => {
    for (const name of ['a', 'library', 'team-a', 'a.b_c-d', '0', '123', 'x'.repeat(255)]) {
      expect(projectNameProblem(name), name).toBeUndefined();
    }
  });
  it('refuses upper case, separators at the ends or doubled, other characters and bad lengths', () => {
    for (const name of ['', 'A', 'a--b', 'a..b', '.a', 'a_', 'a/b', 'a b', 'ä', 'x'.repeat(256)]) {
      expect(projectNameProblem(name), name).toBeDefined();
    }
  });
});

describe('project metadata', () => {
  it('normalises booleans the way Go parses them and severities to lower case', () => {
    expect(normalizeMetadata('auto_scan', 'True')).toEqual({ ok: true, value: 'true' });
    expect(normalizeMetadata('public', '0')).toEqual({ ok: true, value: 'false' });
    expect(normalizeMetadata('severity', 'CRITICAL')).toEqual({ ok: true, value: 'critical' });
    expect(normalizeMetadata('severity', 'negligible')).toEqual({ ok: true, value: 'none' });
  });
  it('refuses unknown keys, non-strings and values outside the sets', () => {
    for (const [key, value] of [
      ['nope', 'true'],
      ['auto_scan', true],
      ['auto_scan', 'yes'],
      ['prevent_vul', ''],
      ['severity', 'unknown'],
      ['severity', 1],
      ['toString', 'true'],
    ] as [string, unknown][]) {
      expect(normalizeMetadata(key, value).ok, `${key}=${String(value)}`).toBe(false);
    }
    expect(normalizeMetadata('auto_scan', 'hasOwnProperty').ok).toBe(false);
  });
  it('knows every boolean key of ProjectMetadata that Wharf keeps, and severity', () => {
    expect([...METADATA_KEYS].sort()).toEqual(
      [
        'auto_sbom_generation',
        'auto_scan',
        'enable_content_trust',
        'enable_content_trust_cosign',
        'prevent_vul',
        'public',
        'reuse_sys_cve_allowlist',
        'severity',
      ].sort(),
    );
  });
});
