import { defineConfig } from 'vitest/config';

/**
 * The comparison with Harbor's swagger, run by `npm run check:harbor` (scripts/check-harbor.mjs) rather than by
 * `npm test`: it needs Harbor's swagger beside the repository (or HARBOR_SWAGGER), which a fresh clone lacks.
 */
export const HARBOR_TESTS = ['packages/server/test/api/harbor-swagger.test.ts'];

export default defineConfig({
  test: {
    name: 'harbor',
    include: HARBOR_TESTS,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
