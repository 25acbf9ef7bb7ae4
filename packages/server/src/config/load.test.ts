import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, maskSecrets } from './load.js';

async function file(text: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wharf-config-'));
  const p = path.join(dir, 'wharf.yml');
  await writeFile(p, text);
  return p;
}

describe('loadConfig', () => {
  it('needs no file: the embedded defaults', () => {
    const config = loadConfig({ env: {}, cwd: '/srv' });
    expect(config.http.addr).toBe('0.0.0.0:5000');
    expect(config.data.dir).toBe('/srv/data');
    expect(config.database).toMatchObject({ driver: 'sqlite', path: '/srv/data/wharf.db', synchronous: 'normal' });
    expect(config.storage).toMatchObject({ driver: 'filesystem', rootDirectory: '/srv/data/storage' });
    expect(config.uploads.purgeAfter).toBe(86400);
    expect(config.portal.dir).toBe(path.resolve(import.meta.dirname, '../../../portal/dist'));
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('takes http.workers as auto (the default) or a number, from the file or the environment', async () => {
    expect(loadConfig({ env: {} }).http.workers).toBe('auto');
    expect(loadConfig({ env: { WHARF_HTTP_WORKERS: '3' } }).http.workers).toBe(3);
    expect(loadConfig({ env: { WHARF_HTTP_WORKERS: 'auto' } }).http.workers).toBe('auto');
    expect(loadConfig({ file: await file('http:\n  workers: 1\n'), env: {} }).http.workers).toBe(1);
    for (const bad of ['0', 'many', '1.5', '257'])
      expect(() => loadConfig({ env: { WHARF_HTTP_WORKERS: bad } })).toThrow(ConfigError);
  });

  it('applies WHARF_ environment variables over the file, case-insensitively and typed', async () => {
    const f = await file('http:\n  addr: 127.0.0.1:6000\n  accessLog: true\nuploads:\n  purgeAfter: 2h\n');
    const config = loadConfig({
      file: f,
      cwd: '/x',
      env: {
        WHARF_HTTP_ADDR: '127.0.0.1:7000',
        WHARF_DATA_DIR: '/var/lib/wharf',
        WHARF_HTTP_ACCESSLOG: 'false',
        WHARF_LIMITS_MANIFESTBYTES: '2048',
        PATH: '/bin',
      },
    });
    expect(config.http.addr).toBe('127.0.0.1:7000');
    expect(config.http.accessLog).toBe(false);
    expect(config.data.dir).toBe('/var/lib/wharf');
    expect(config.limits.manifestBytes).toBe(2048);
    expect(config.uploads.purgeAfter).toBe(7200);
  });

  it('reads token.acceptedServices as a comma-separated list, harbor-registry by default', () => {
    expect(loadConfig({ env: {} }).token.acceptedServices).toEqual(['harbor-registry']);
    const listed = loadConfig({ env: { WHARF_TOKEN_ACCEPTEDSERVICES: 'harbor-registry, legacy ,' } });
    expect(listed.token.acceptedServices).toEqual(['harbor-registry', 'legacy']);
    expect(loadConfig({ env: { WHARF_TOKEN_ACCEPTEDSERVICES: '' } }).token.acceptedServices).toEqual([]);
  });

  it('reports every problem precisely', async () => {
    const f = await file(
      'http:\n  addr: nope\n  bogus: 1\ndatabase:\n  driver: postgres\nuploads:\n  purgeAfter: soon\n',
    );
    let error: ConfigError | undefined;
    try {
      loadConfig({ file: f, env: { WHARF_HTTP_ADRR: 'typo' } });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    expect(text).toContain('WHARF_HTTP_ADRR: no such configuration key');
    expect(text).toContain('http.addr: expected HOST:PORT');
    expect(text).toMatch(/http: Unrecognized key.*bogus/);
    expect(text).toContain('database.url: database.url is required when database.driver is postgres');
    expect(text).toContain('uploads.purgeAfter: invalid duration "soon"');
  });

  it('rejects invalid YAML and a missing file', async () => {
    await expect(async () => loadConfig({ file: await file('a: [1, 2'), env: {} })).rejects.toThrow(/invalid YAML/);
    expect(() => loadConfig({ file: '/nonexistent/wharf.yml', env: {} })).toThrow(/cannot read configuration file/);
  });

  it('masks secrets when printing', () => {
    const config = loadConfig({
      env: {
        WHARF_DATABASE_DRIVER: 'postgres',
        WHARF_DATABASE_URL: 'postgres://u:pw-secret@db:5432/wharf',
        WHARF_SECRETS_KEY: 'a2V5LXNlY3JldC1rZXktc2VjcmV0LWtleS1zZWNyZXQ=',
        WHARF_SECRETS_PREVIOUSKEYS: 'b2xkLXNlY3JldC1rZXktc2VjcmV0LWtleS1zZWNyZXQ=',
      },
    });
    const printed = JSON.stringify(maskSecrets(config));
    expect(printed).not.toContain('pw-secret');
    expect(printed).not.toContain('a2V5');
    expect(printed).not.toContain('b2xk');
    expect(printed).toContain('"secrets":{"key":"********","previousKeys":["********"]}');
    expect(printed).toContain('postgres://u:********@db:5432/wharf');
  });

  it('configures the S3 driver from the environment, requires its bucket, and masks its keys when printing', () => {
    const config = loadConfig({
      env: {
        WHARF_STORAGE_DRIVER: 's3',
        WHARF_STORAGE_S3_BUCKET: 'wharf',
        WHARF_STORAGE_S3_ENDPOINT: 'http://127.0.0.1:9000',
        WHARF_STORAGE_S3_FORCEPATHSTYLE: 'true',
        WHARF_STORAGE_S3_ACCESSKEY: 'AKIDEXAMPLEKEY',
        WHARF_STORAGE_S3_SECRETKEY: 'wJalrXUtnFEMIsecretKEY',
      },
    });
    expect(config.storage.s3).toMatchObject({
      bucket: 'wharf',
      forcePathStyle: true,
      region: 'us-east-1',
      storageClass: 'STANDARD',
      chunkSize: 10 * 1024 * 1024,
      rootDirectory: '',
      skipVerify: false,
    });
    const printed = JSON.stringify(maskSecrets(config));
    expect(printed).not.toContain('AKIDEXAMPLEKEY');
    expect(printed).not.toContain('wJalrXUtnFEMIsecretKEY');
    expect(() => loadConfig({ env: { WHARF_STORAGE_DRIVER: 's3' } })).toThrow(/storage\.s3\.bucket is required/);
    expect(() =>
      loadConfig({ env: { WHARF_STORAGE_S3_BUCKET: 'b', WHARF_STORAGE_S3_CHUNKSIZE: String(1024 * 1024) } }),
    ).toThrow(/chunkSize/);
    expect(() => loadConfig({ env: { WHARF_STORAGE_S3_ACCESSKEY: 'only-one' } })).toThrow(/go together/);
  });

  it('reads the admin password from WHARF_ADMIN_PASSWORD and masks it when printing', () => {
    const config = loadConfig({ env: { WHARF_ADMIN_PASSWORD: 'Sup3rSecretPw' } });
    expect(config.admin.password).toBe('Sup3rSecretPw');
    const printed = JSON.stringify(maskSecrets(config));
    expect(printed).not.toContain('Sup3rSecretPw');
    expect(printed).toContain('"admin":{"password":"********"}');
    expect(loadConfig({ env: {} }).admin.password).toBeUndefined();
  });
});
