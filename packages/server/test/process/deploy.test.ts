// The Dockerfile and deploy/compose.yml cannot be built or started on the test machine (its Docker engine has no
// internet for base images): what can be checked without them is checked here.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** A compose variable that must come from the environment: `${NAME:?message}`. */
const REQUIRED = /^\$\{(\w+):\?[^}]*\}$/;

describe('deploy/compose.yml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'deploy/compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, { environment?: Record<string, string>; image?: string; build?: string }>;
  };
  const nodes = Object.entries(compose.services).filter(([, s]) => s.image === 'wharf:latest');

  it('runs two Wharf nodes behind a round-robin load balancer', () => {
    expect(nodes.map(([name]) => name)).toEqual(['wharf-1', 'wharf-2']);
    const haproxy = readFileSync(path.join(ROOT, 'deploy/haproxy.cfg'), 'utf8');
    expect(haproxy).toContain('balance roundrobin');
    for (const [name] of nodes) expect(haproxy).toContain(`server ${name} ${name}:5000`);
  });

  it('sets only valid configuration keys on the nodes, the secrets required from the environment', () => {
    for (const [, node] of nodes) {
      const env = node.environment ?? {};
      expect(Object.keys(env).filter((k) => !k.startsWith('WHARF_'))).toEqual([]);
      const required = Object.entries(env).filter(([, value]) => REQUIRED.test(value));
      expect(required.map(([key, value]) => [key, REQUIRED.exec(value)?.[1]])).toEqual([
        ['WHARF_ADMIN_PASSWORD', 'WHARF_ADMIN_PASSWORD'],
        ['WHARF_SECRETS_KEY', 'WHARF_SECRETS_KEY'],
      ]);
      const given = { WHARF_ADMIN_PASSWORD: 'Harbor12345', WHARF_SECRETS_KEY: randomBytes(32).toString('base64') };
      const config = loadConfig({ env: { ...env, ...given }, cwd: '/data' });
      expect(config.database.driver).toBe('postgres');
      expect(config.redis.url).toBe('redis://redis:6379/0');
      expect(config.storage).toMatchObject({
        driver: 's3',
        s3: { endpoint: 'http://s3:9000', bucket: 'wharf', forcePathStyle: true },
      });
      expect(config.secrets.key).toBe(given.WHARF_SECRETS_KEY);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  it('is multi-stage on node:20-bookworm-slim, non-root, with /data, WHARF_DATA_DIR and a /livez healthcheck', () => {
    expect(dockerfile.match(/^FROM node:20-bookworm-slim/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER wharf$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toContain('WHARF_DATA_DIR=/data');
    expect(dockerfile).toMatch(/^HEALTHCHECK[\s\S]*\/livez/m);
  });

  it('copies files that the build produces (the steps reproduced against this checkout)', () => {
    for (const match of dockerfile.matchAll(/^COPY --from=build \/src\/(\S+)/gm)) {
      expect(existsSync(path.join(ROOT, match[1]!)), match[1]).toBe(true);
    }
    expect(existsSync(path.join(ROOT, 'packages/server/dist/cli/main.js'))).toBe(true);
  });
});
