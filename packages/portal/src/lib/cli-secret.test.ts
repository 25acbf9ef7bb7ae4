import { describe, expect, it } from 'vitest';
import { generateCliSecret } from './cli-secret';
import { meetsPasswordPolicy } from './password-policy';

describe('a generated CLI secret', () => {
  it('meets the secret rule, has the asked length and differs each time', () => {
    const secrets = Array.from({ length: 50 }, () => generateCliSecret());
    for (const secret of secrets) {
      expect(secret).toHaveLength(32);
      expect(meetsPasswordPolicy(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(50);
    expect(generateCliSecret(12)).toHaveLength(12);
  });
});
