// The Dockerfile and deploy/compose.yml cannot be built or started on the test machine (its Docker engine has no
// internet for base images): what can be checked without them is checked here.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Keys the S3 storage work adds to the schema (merged separately); until then the schema refuses them. */
const S3_KEYS = [
  'STORAGE_DRIVER',
  'STORAGE_S3_ENDPOINT',
  'STORAGE_S3_REGION',
  'STORAGE_S3_BUCKET',
  'STORAGE_S3_FORCEPATHSTYLE',
  'STORAGE_S3_ACCESSKEY',
  'STORAGE_S3_SECRETKEY',
];

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

  it('sets only valid configuration keys on the nodes', () => {
    for (const [, node] of nodes) {
      const env = node.environment ?? {};
      const schemaKnows = Object.fromEntries(
        Object.entries(env).filter(([k]) => !S3_KEYS.includes(k.slice('WHARF_'.length))),
      );
      expect(Object.keys(env).filter((k) => !k.startsWith('WHARF_'))).toEqual([]);
      const config = loadConfig({ env: schemaKnows, cwd: '/data' });
      expect(config.database.driver).toBe('postgres');
      expect(config.redis.url).toBe('redis://redis:6379/0');
      // The S3 keys are the ones the storage work names (storage.s3.*), each refused today only as unknown.
      for (const key of Object.keys(env).filter((k) => S3_KEYS.includes(k.slice('WHARF_'.length)))) {
        try {
          loadConfig({ env: { ...schemaKnows, [key]: env[key] }, cwd: '/data' });
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          expect((err as ConfigError).problems.join('\n')).toMatch(/no such configuration key|storage\.driver/);
        }
      }
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
