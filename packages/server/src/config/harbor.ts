/**
 * Reads a Harbor installer configuration (`harbor.yml`) as Wharf's: `wharf serve --config harbor.yml`. Each Harbor key
 * either maps onto Wharf's keys (docs/operations.md has the table) or is reported, with why it is ignored; a Harbor
 * setting Wharf cannot honour without losing data (another storage driver) is a problem, not a note.
 */
type Tree = Record<string, unknown>;

export interface HarborMapping {
  /** Wharf's configuration tree (before validation). */
  readonly config: Tree;
  /** `key: why it is ignored` for every Harbor key not carried over. */
  readonly ignored: string[];
  /** Settings that cannot be carried over safely. */
  readonly problems: string[];
}

/** A Harbor file names its host and its admin password at the top level; Wharf's has neither key. */
export function isHarborConfig(tree: Tree): boolean {
  return 'hostname' in tree && 'harbor_admin_password' in tree;
}

function obj(value: unknown): Tree {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Tree) : {};
}

/** A scalar YAML value as text (`fallback` for a missing or structured one). */
function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : fallback;
}

function set(tree: Tree, key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  const parts = key.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Tree;
  node[parts[parts.length - 1]!] = value;
}

const IGNORED_TOP: Record<string, string> = {
  _version: "the installer's file version; nothing to configure",
  internal_tls: 'Wharf is one process: there are no internal components to secure',
  trivy: 'Wharf runs no vulnerability scanner',
  uaa: 'UAA authentication is not supported (db_auth only)',
  cache: 'Wharf keeps no Redis response cache (it caches prepared statements and hot lookups itself)',
  core: "Harbor core's quota update provider: Wharf updates quotas in the database transaction of each push",
  ip_family: 'Wharf listens on the address of http.addr (IPv4, IPv6 or both with ::)',
  component_log: 'no separate components',
};

const LOG_LEVELS: Record<string, string> = {
  debug: 'debug',
  info: 'info',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Harbor's `upload_purging` durations (`168h`); Go's duration text with one unit maps onto Wharf's. */
function goDuration(value: unknown): unknown {
  return typeof value === 'string' ? value.trim() : value;
}

function mapStorage(harbor: Tree, out: Tree, ignored: string[], problems: string[]): void {
  const storage = obj(harbor.storage_service);
  for (const [name, value] of Object.entries(storage)) {
    const conf = obj(value);
    switch (name) {
      case 'filesystem':
        set(out, 'storage.driver', 'filesystem');
        set(out, 'storage.rootDirectory', conf.rootdirectory);
        if (conf.maxthreads !== undefined)
          ignored.push('storage_service.filesystem.maxthreads: Node.js sizes its own I/O pool');
        break;
      case 's3': {
        set(out, 'storage.driver', 's3');
        const keys: Record<string, string> = {
          accesskey: 'accessKey',
          secretkey: 'secretKey',
          region: 'region',
          regionendpoint: 'endpoint',
          bucket: 'bucket',
          rootdirectory: 'rootDirectory',
          storageclass: 'storageClass',
          chunksize: 'chunkSize',
          forcepathstyle: 'forcePathStyle',
          skipverify: 'skipVerify',
        };
        for (const [key, v] of Object.entries(conf)) {
          const target = keys[key];
          if (target) set(out, `storage.s3.${target}`, v);
          else if (key === 'secure') {
            if (v === false && typeof conf.regionendpoint === 'string' && !/^https?:/.test(conf.regionendpoint)) {
              set(out, 'storage.s3.endpoint', `http://${conf.regionendpoint}`);
            } else if (v === false)
              ignored.push('storage_service.s3.secure: false is expressed by an http:// regionendpoint');
          } else if (key === 'v4auth')
            ignored.push('storage_service.s3.v4auth: Wharf always signs with AWS Signature V4');
          else ignored.push(`storage_service.s3.${key}: not supported by Wharf's S3 driver`);
        }
        if (typeof conf.regionendpoint === 'string' && !/^https?:/.test(conf.regionendpoint) && conf.secure !== false) {
          set(out, 'storage.s3.endpoint', `https://${conf.regionendpoint}`);
        }
        break;
      }
      case 'redirect':
        set(out, 'storage.redirect', conf.disable !== true && conf.disabled !== true);
        break;
      case 'ca_bundle':
        ignored.push('storage_service.ca_bundle: give the storage CA through NODE_EXTRA_CA_CERTS');
        break;
      default:
        problems.push(`storage_service.${name}: storage driver not supported by Wharf (filesystem or s3)`);
    }
  }
}

function mapDatabase(harbor: Tree, out: Tree, ignored: string[]): void {
  const internal = obj(harbor.database);
  const external = obj(obj(harbor.external_database).harbor);
  if (Object.keys(external).length > 0) {
    const url = new URL('postgres://localhost');
    url.hostname = text(external.host, 'localhost');
    url.port = text(external.port, '5432');
    url.pathname = `/${text(external.db_name, 'registry')}`;
    url.username = text(external.username, 'postgres');
    if (external.password !== undefined) url.password = text(external.password);
    if (external.ssl_mode !== undefined) url.searchParams.set('sslmode', text(external.ssl_mode));
    set(out, 'database.driver', 'postgres');
    set(out, 'database.url', url.toString());
    const open = Number(external.max_open_conns);
    if (open > 0) set(out, 'database.poolSize', Math.min(open, 200));
    if (external.max_idle_conns !== undefined)
      ignored.push('external_database.harbor.max_idle_conns: the pool closes idle connections itself');
    if (Object.keys(internal).length > 0) {
      ignored.push('database: the bundled PostgreSQL is not used; external_database.harbor is');
    }
  } else if (Object.keys(internal).length > 0) {
    ignored.push(
      "database: Harbor's bundled PostgreSQL is not started by Wharf; Wharf keeps its metadata in SQLite under data_volume (wharf.db). Harbor's data is not imported",
    );
  }
  for (const name of Object.keys(obj(harbor.external_database))) {
    if (name !== 'harbor') ignored.push(`external_database.${name}: no such Harbor component in Wharf`);
  }
}

function mapRedis(harbor: Tree, out: Tree, ignored: string[]): void {
  const redis = obj(harbor.external_redis);
  if (Object.keys(redis).length === 0) return;
  const tls = obj(redis.tlsOptions).enable === true;
  const hosts = text(redis.host, 'localhost:6379').split(',');
  const url = new URL(`${tls ? 'rediss' : 'redis'}://${hosts[0]!.trim()}`);
  if (redis.username !== undefined) url.username = text(redis.username);
  if (redis.password !== undefined) url.password = text(redis.password);
  url.pathname = `/${Number(redis.core_db_index ?? 0)}`;
  set(out, 'redis.url', url.toString());
  if (hosts.length > 1 || redis.sentinel_master_set) {
    ignored.push('external_redis.sentinel_master_set: Redis Sentinel is not supported; the first host is used');
  }
  for (const key of Object.keys(redis)) {
    if (key.endsWith('_db_index') && key !== 'core_db_index') {
      ignored.push(`external_redis.${key}: Wharf uses one database (core_db_index) with key prefixes`);
    }
  }
  if (redis.idle_timeout_seconds !== undefined)
    ignored.push('external_redis.idle_timeout_seconds: connections stay open');
}

function mapTrace(harbor: Tree, out: Tree, ignored: string[]): void {
  const trace = obj(harbor.trace);
  if (Object.keys(trace).length === 0) return;
  set(out, 'tracing.enabled', trace.enabled === true);
  if (trace.sample_rate !== undefined) set(out, 'tracing.samplingRatio', Number(trace.sample_rate));
  const otel = obj(trace.otel);
  if (typeof otel.endpoint === 'string') {
    const scheme = otel.insecure === true ? 'http' : 'https';
    const base = /^https?:/.test(otel.endpoint) ? otel.endpoint : `${scheme}://${otel.endpoint}`;
    set(out, 'tracing.endpoint', `${base}${typeof otel.url_path === 'string' ? otel.url_path : '/v1/traces'}`);
  }
  for (const key of ['compression', 'timeout']) {
    if (otel[key] !== undefined) ignored.push(`trace.otel.${key}: the exporter's defaults apply`);
  }
  if (trace.jaeger !== undefined) ignored.push('trace.jaeger: Wharf exports OTLP only (use trace.otel or a collector)');
  if (trace.namespace !== undefined) ignored.push('trace.namespace: the service name is tracing.serviceName');
  if (trace.attributes !== undefined) ignored.push('trace.attributes: set OTEL_RESOURCE_ATTRIBUTES instead');
}

/** Maps a parsed harbor.yml onto Wharf's configuration tree. */
export function fromHarbor(harbor: Tree): HarborMapping {
  const out: Tree = {};
  const ignored: string[] = [];
  const problems: string[] = [];
  const https = obj(harbor.https);
  const http = obj(harbor.http);
  const hostname = String(harbor.hostname);
  if (Object.keys(https).length > 0) {
    const port = Number(https.port ?? 443);
    set(out, 'http.addr', `0.0.0.0:${port}`);
    set(out, 'http.tls.certificate', https.certificate);
    set(out, 'http.tls.key', https.private_key);
    set(out, 'http.baseUrl', `https://${hostname}${port === 443 ? '' : `:${port}`}`);
    if (Object.keys(http).length > 0) {
      ignored.push('http.port: Wharf serves one listener, HTTPS here; it does not redirect plain HTTP');
    }
    if (https.strong_ssl_ciphers !== undefined)
      ignored.push("https.strong_ssl_ciphers: Node.js's TLS defaults apply (TLS 1.2+)");
  } else {
    const port = Number(http.port ?? 80);
    set(out, 'http.addr', `0.0.0.0:${port}`);
    set(out, 'http.baseUrl', `http://${hostname}${port === 80 ? '' : `:${port}`}`);
  }
  set(out, 'admin.password', harbor.harbor_admin_password);
  set(out, 'data.dir', harbor.data_volume);
  mapDatabase(harbor, out, ignored);
  mapStorage(harbor, out, ignored, problems);
  mapRedis(harbor, out, ignored);
  mapTrace(harbor, out, ignored);

  const log = obj(harbor.log);
  if (typeof log.level === 'string') set(out, 'log.level', LOG_LEVELS[log.level] ?? log.level);
  if (log.local !== undefined)
    ignored.push('log.local: Wharf logs to stdout; rotation belongs to journald or the container runtime');
  const syslog = obj(log.external_endpoint);
  if (Object.keys(syslog).length > 0) {
    if (syslog.protocol === 'tcp' || syslog.protocol === 'udp') set(out, 'audit.forward.protocol', syslog.protocol);
    ignored.push(
      `log.external_endpoint: Wharf sends its process log to stdout only; audit records go to syslog once the administrator sets audit_log_forward_endpoint to ${String(syslog.host)}:${String(syslog.port)} (PUT /api/v2.0/configurations), over audit.forward.protocol`,
    );
  }
  const jobs = obj(harbor.jobservice);
  if (jobs.max_job_workers !== undefined)
    set(out, 'jobs.workers', Math.min(Math.max(1, Number(jobs.max_job_workers)), 256));
  for (const key of Object.keys(jobs)) {
    if (key !== 'max_job_workers')
      ignored.push(`jobservice.${key}: task logs are kept in the database (jobs.logMaxBytes)`);
  }
  const notification = obj(harbor.notification);
  if (notification.webhook_job_max_retry !== undefined) {
    set(out, 'webhooks.maxRetries', Math.min(Math.max(0, Number(notification.webhook_job_max_retry)), 20));
  }
  if (notification.webhook_job_http_client_timeout !== undefined) {
    set(out, 'webhooks.timeout', Number(notification.webhook_job_http_client_timeout));
  }
  const metric = obj(harbor.metric);
  if (Object.keys(metric).length > 0) {
    set(out, 'metrics.enabled', metric.enabled === true);
    if (metric.port !== undefined) set(out, 'metrics.addr', `0.0.0.0:${Number(metric.port)}`);
    set(out, 'metrics.path', metric.path);
  }
  const purging = obj(harbor.upload_purging);
  if (Object.keys(purging).length > 0) {
    set(out, 'uploads.purgeAfter', goDuration(purging.age));
    set(out, 'uploads.purgeInterval', purging.enabled === false ? 0 : goDuration(purging.interval));
    if (purging.dryrun !== undefined) ignored.push('upload_purging.dryrun: the purge always removes');
  }
  if (harbor.proxy !== undefined) {
    ignored.push(
      'proxy: Wharf replicates and scans nothing, so nothing goes through an HTTP proxy; webhooks, notifications and OTLP connect directly',
    );
  }
  const handled = new Set([
    'hostname',
    'http',
    'https',
    'harbor_admin_password',
    'data_volume',
    'database',
    'external_database',
    'storage_service',
    'external_redis',
    'trace',
    'log',
    'jobservice',
    'notification',
    'metric',
    'upload_purging',
    'proxy',
  ]);
  for (const key of Object.keys(harbor)) {
    if (handled.has(key)) continue;
    ignored.push(`${key}: ${IGNORED_TOP[key] ?? 'not a Harbor setting Wharf knows'}`);
  }
  return { config: out, ignored, problems };
}
