import { defineConfig } from 'vitest/config';

/**
 * One run for the whole repository, in three projects: the server (Node), the portal's component and unit tests
 * (jsdom), and the portal's end-to-end tests (Node driving Chromium against a real Wharf process).
 */
export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'] },
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
