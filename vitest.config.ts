import { defineConfig } from 'vitest/config';
import { HARBOR_TESTS } from './vitest.harbor.config.js';

/**
 * One run for the whole repository, in three projects: the server (Node), the portal's component and unit tests
 * (jsdom), and the portal's end-to-end tests (Node driving Chromium against a real Wharf process). The comparison
 * with Harbor's swagger has its own configuration and command (vitest.harbor.config.ts, `npm run check:harbor`).
 */
function phaseExcludes(): string[] {
  // eslint-disable-next-line no-process-env -- scripts/test.sh chooses a phase's files through the environment
  return (process.env.WHARF_TEST_EXCLUDE ?? '')
    .split(',')
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '');
}

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          // A project's own exclude replaces the CLI's --exclude: scripts/test.sh leaves files out of a phase with
          // WHARF_TEST_EXCLUDE (comma-separated globs) instead.
          exclude: ['**/node_modules/**', '**/dist/**', ...HARBOR_TESTS, ...phaseExcludes()],
        },
      },
      {
        extends: true,
        test: {
          name: 'portal',
          include: ['packages/portal/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['packages/portal/src/test/setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'portal-e2e', include: ['packages/portal/e2e/**/*.e2e.test.ts'] },
      },
    ],
  },
});
