import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fromHarbor, isHarborConfig } from './harbor.js';
import { loadConfig } from './load.js';

const WHARF_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** A harbor.yml as Harbor's installer template lays it out (values of a small installation). */
const HARBOR_FS = `
hostname: registry.example.com
http:
  port: 80
https:
  port: 8443
  certificate: /etc/harbor/tls/server.crt
  private_key: /etc/harbor/tls/server.key
harbor_admin_password: Harbor12345-changed
database:
  password: root123
  max_idle_conns: 100
  max_open_conns: 900
  conn_max_lifetime: 5m
  conn_max_idle_time: 0
data_volume: /srv/harbor-data
storage_service:
  filesystem:
    rootdirectory: /srv/harbor-data/registry
trivy:
  ignore_unfixed: false
  skip_update: false
  insecure: false
jobservice:
  max_job_workers: 10
  job_loggers:
    - STD_OUTPUT
    - FILE
  logger_sweeper_duration: 1
notification:
  webhook_job_max_retry: 3
  webhook_job_http_client_timeout: 3
log:
  level: warning
  local:
    rotate_count: 50
    rotate_size: 200M
    location: /var/log/harbor
  external_endpoint:
    protocol: tcp
    host: syslog.example.com
    port: 5140
_version: 2.13.0
proxy:
  http_proxy:
  https_proxy:
  no_proxy:
  components:
    - core
    - jobservice
    - trivy
metric:
  enabled: true
  port: 9090
  path: /metrics
upload_purging:
  enabled: true
  age: 168h
  interval: 24h
  dryrun: false
cache:
  enabled: false
  expire_hours: 24
`;

const HARBOR_EXTERNAL = `
hostname: harbor.internal
http:
  port: 8080
harbor_admin_password: s3cret-admin
data_volume: /data
storage_service:
  ca_bundle: /etc/harbor/storage-ca.pem
  s3:
    accesskey: AKIAEXAMPLE
    secretkey: example/secret
    region: us-east-1
    regionendpoint: minio.internal:9000
    secure: false
    bucket: harbor-blobs
    rootdirectory: /registry
    storageclass: STANDARD
    v4auth: true
    chunksize: 5242880
    skipverify: true
  redirect:
    disable: true
external_database:
  harbor:
    host: pg.internal
    port: 5433
    db_name: registry
    username: harbor
    password: "p@ss word"
    ssl_mode: require
    max_idle_conns: 2
    max_open_conns: 50
external_redis:
  host: redis.internal:6380
  password: redispw
  registry_db_index: 1
  jobservice_db_index: 2
  trivy_db_index: 5
  core_db_index: 0
trace:
  enabled: true
  sample_rate: 0.5
  namespace: prod
  otel:
    endpoint: otel.internal:4318
    url_path: /v1/traces
    compression: false
    insecure: true
    timeout: 10
`;

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-harbor-'));
  const p = path.join(dir, 'harbor.yml');
  await writeFile(p, text);
  return p;
}

describe('harbor.yml', () => {
  it('is recognised by hostname and harbor_admin_password', () => {
    expect(isHarborConfig(parse(HARBOR_FS) as Record<string, unknown>)).toBe(true);
    expect(isHarborConfig({ http: { addr: '0.0.0.0:5000' } })).toBe(false);
  });

  it('runs Wharf with the filesystem installation it describes, reporting each ignored key', async () => {
    const notes: string[] = [];
    const config = loadConfig({ file: await file(HARBOR_FS), env: {}, onIgnoredHarborKey: (n) => notes.push(n) });
    expect(config.http).toMatchObject({
      addr: '0.0.0.0:8443',
      baseUrl: 'https://registry.example.com:8443',
      tls: { certificate: '/etc/harbor/tls/server.crt', key: '/etc/harbor/tls/server.key' },
    });
    expect(config.admin.password).toBe('Harbor12345-changed');
    expect(config.data.dir).toBe('/srv/harbor-data');
    expect(config.database).toMatchObject({ driver: 'sqlite', path: '/srv/harbor-data/wharf.db' });
    expect(config.storage).toMatchObject({ driver: 'filesystem', rootDirectory: '/srv/harbor-data/registry' });
    expect(config.jobs.workers).toBe(10);
    expect(config.webhooks).toMatchObject({ maxRetries: 3, timeout: 3 });
    expect(config.log.level).toBe('warn');
    expect(config.audit.forward.protocol).toBe('tcp');
    expect(config.metrics).toMatchObject({ enabled: true, addr: '0.0.0.0:9090', path: '/metrics' });
    expect(config.uploads).toMatchObject({ purgeAfter: 168 * 3600, purgeInterval: 24 * 3600 });
    const keys = notes.map((n) => n.slice(0, n.indexOf(':')));
    expect(keys.sort()).toEqual(
      [
        'http.port',
        'database',
        'trivy',
        'jobservice.job_loggers',
        'jobservice.logger_sweeper_duration',
        'log.local',
        'log.external_endpoint',
        '_version',
        'proxy',
        'upload_purging.dryrun',
        'cache',
      ].sort(),
    );
    expect(notes.find((n) => n.startsWith('database:'))).toContain('SQLite');
    expect(notes.find((n) => n.startsWith('log.external_endpoint:'))).toContain('syslog.example.com:5140');
  });

  it('maps external PostgreSQL, S3, Redis and tracing onto Wharf keys', () => {
    const { config, ignored, problems } = fromHarbor(parse(HARBOR_EXTERNAL) as Record<string, unknown>);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      http: { addr: '0.0.0.0:8080', baseUrl: 'http://harbor.internal:8080' },
      admin: { password: 's3cret-admin' },
      data: { dir: '/data' },
      database: {
        driver: 'postgres',
        url: 'postgres://harbor:p%40ss%20word@pg.internal:5433/registry?sslmode=require',
        poolSize: 50,
      },
      storage: {
        driver: 's3',
        redirect: false,
        s3: {
          accessKey: 'AKIAEXAMPLE',
          secretKey: 'example/secret',
          region: 'us-east-1',
          endpoint: 'http://minio.internal:9000',
          bucket: 'harbor-blobs',
          rootDirectory: '/registry',
          storageClass: 'STANDARD',
          chunkSize: 5242880,
          skipVerify: true,
        },
      },
      redis: { url: 'redis://:redispw@redis.internal:6380/0' },
      tracing: { enabled: true, samplingRatio: 0.5, endpoint: 'http://otel.internal:4318/v1/traces' },
    });
    const keys = ignored.map((n) => n.slice(0, n.indexOf(':')));
    expect(keys).toEqual(
      expect.arrayContaining([
        'storage_service.ca_bundle',
        'storage_service.s3.v4auth',
        'external_database.harbor.max_idle_conns',
        'external_redis.registry_db_index',
        'trace.namespace',
        'trace.otel.compression',
      ]),
    );
    expect(keys).not.toContain('storage_service.s3.secure');
  });

  it('refuses a storage driver Wharf lacks rather than storing elsewhere', () => {
    const { problems } = fromHarbor({ hostname: 'h', harbor_admin_password: 'x', storage_service: { azure: {} } });
    expect(problems).toEqual(['storage_service.azure: storage driver not supported by Wharf (filesystem or s3)']);
  });

  it('works with verify-config and print-config, which print the ignored keys', async () => {
    const p = await file(HARBOR_FS);
    const run = promisify(execFile);
    const verified = await run(process.execPath, [WHARF_MAIN, 'verify-config', p], { env: { PATH: process.env.PATH } });
    expect(verified.stdout).toContain('configuration is valid');
    expect(verified.stderr).toContain('ignored trivy: Wharf runs no vulnerability scanner');
    const printed = await run(process.execPath, [WHARF_MAIN, 'print-config', '--config', p], {
      env: { PATH: process.env.PATH },
    });
    expect(printed.stdout).toContain('addr: 0.0.0.0:8443');
    expect(printed.stdout).not.toContain('Harbor12345-changed');
  });
});
