/** Where tests find Redis (`WHARF_TEST_REDIS_URL`, default the local server); tests use key prefixes of their own. */
export function testRedisUrl(): string {
  // eslint-disable-next-line no-process-env -- test-only helper, shared by test files across the package
  return process.env['WHARF_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}
