// End-to-end: a real client (skopeo, containers/image) over a rate limit gets Wharf's 429 with Retry-After, waits
// that long and tries again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools, run } from '../helpers/oci-images.js';
import { startWharf, type RunningRegistry } from '../helpers/registry-process.js';
import { ADMIN_PASSWORD } from '../helpers/test-registry.js';

let registry: RunningRegistry | undefined;

function reg(): RunningRegistry {
  if (!registry) throw new Error('registry not started (see the beforeAll error)');
  return registry;
}

beforeAll(async () => {
  await requireTools('skopeo');
  registry = await startWharf({
    env: {
      WHARF_RATELIMITS_ENABLED: 'true',
      // The administrator may read twice every 2 s.
      WHARF_RATELIMITS_PULL_AUTHENTICATED_REQUESTS: '2',
      WHARF_RATELIMITS_PULL_AUTHENTICATED_WINDOW: '2s',
      // The access log shows the refusal.
      WHARF_LOG_LEVEL: 'info',
      WHARF_HTTP_ACCESSLOG: 'true',
    },
  });
});

afterAll(async () => {
  await registry?.stop();
});

/** `skopeo inspect` of a manifest that does not exist (each inspect reads it once): its error text and duration. */
async function inspect(): Promise<{ error: string; ms: number }> {
  const started = Date.now();
  const ref = `docker://${reg().host}/library/limited:v1`;
  const args = ['inspect', '--raw', '--tls-verify=false', `--creds=admin:${ADMIN_PASSWORD}`, ref];
  const error = await run('skopeo', args, { timeoutMs: 30_000 }).then(
    (out) => `unexpected success: ${out}`,
    (err: Error) => err.message,
  );
  return { error, ms: Date.now() - started };
}

describe('skopeo over a rate limit', () => {
  it('gets 429 with Retry-After, waits that long and succeeds on its retry', async () => {
    const first = await inspect();
    const second = await inspect();
    for (const { error } of [first, second]) expect(error).toContain('manifest unknown');
    // The third read is over the limit: refused, then retried by skopeo after Retry-After (at most 2 s).
    const third = await inspect();
    expect(third.error).toContain('manifest unknown');
    expect(third.ms).toBeGreaterThanOrEqual(500);
    const refused = reg()
      .output()
      .stdout.split('\n')
      .filter((line) => line.includes('"status":429'));
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]).toContain('/v2/library/limited/manifests/v1');
  });
});
