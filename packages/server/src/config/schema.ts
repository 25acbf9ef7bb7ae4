import { isIP } from 'node:net';
import { z } from 'zod';
import { duration } from './duration.js';

/**
 * Wharf's configuration. Keys never contain '_', so that the environment rule is unambiguous:
 * `WHARF_HTTP_ADDR` sets `http.addr`, `WHARF_DATABASE_URL` sets `database.url` (case-insensitive).
 * docs/configuration.md documents every key; wharf.example.yml shows them in a file.
 */
const hostPort = z
  .string()
  .regex(/^(?:\[[0-9a-fA-F:.]+\]|[^:\s]*):\d{1,5}$/, 'expected HOST:PORT, e.g. 0.0.0.0:5000 or [::1]:5000');

/** A duration that must be more than zero (a timeout of 0 would mean none). */
function positiveDuration(key: string) {
  return duration.refine((seconds) => seconds > 0, { message: `${key} must be positive` });
}

/** Environment values of list keys are JSON text; YAML gives the list itself. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value; // reported by the schema as the wrong type
  }
}

const MiB = 1024 * 1024;

/** `storage.s3`: the bucket of the S3 driver (the names Harbor's harbor.yml maps onto). */
const s3Storage = z
  .object({
    /** Endpoint URL of an S3-compatible store (MinIO, Ceph radosgw, …); unset for AWS itself. */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    region: z.string().min(1).default('us-east-1'),
    /** Required with `driver: s3`. */
    bucket: z.string().min(1).optional(),
    /** Path-style URLs (`endpoint/bucket/key`), which most S3-compatible stores need. */
    forcePathStyle: z.boolean().default(false),
    /** Both or neither; without them the AWS SDK's default credential chain (AWS_ACCESS_KEY_ID, profile, …). */
    accessKey: z.string().min(1).optional(),
    secretKey: z.string().min(1).optional(),
    /** Prefix of every key in the bucket. */
    rootDirectory: z.string().default(''),
    storageClass: z.string().min(1).default('STANDARD'),
    /** Part size of multipart uploads, in bytes: the memory each upload in progress buffers at most. */
    chunkSize: z
      .number()
      .int()
      .min(5 * MiB)
      .max(5 * 1024 * MiB)
      .default(10 * MiB),
    /** Accepts any TLS certificate of the endpoint. */
    skipVerify: z.boolean().default(false),
  })
  .strict()
  .prefault({})
  .refine((s3) => (s3.accessKey === undefined) === (s3.secretKey === undefined), {
    message: 'storage.s3.accessKey and storage.s3.secretKey go together',
    path: ['secretKey'],
  });

/** One endpoint of distribution's `notifications.endpoints`. */
const notificationEndpoint = z
  .object({
    name: z.string().min(1),
    url: z.url({ protocol: /^https?$/ }),
    /** Static headers; each value a string or a list of strings (distribution: always a list). */
    headers: z.record(z.string().min(1), z.union([z.string(), z.array(z.string())])).default({}),
    /** How long one request may take. */
    timeout: positiveDuration('notifications.endpoints.timeout').default(1),
    /** Consecutive failures after which the endpoint backs off before each attempt. */
    threshold: z.number().int().min(1).default(10),
    /** How long to back off once `threshold` failures happened in a row. */
    backoff: positiveDuration('notifications.endpoints.backoff').default(1),
    /** Target media types not sent (distribution's older key; merged with `ignore.mediatypes`). */
    ignoredmediatypes: z.array(z.string().min(1)).default([]),
    ignore: z
      .object({
        mediatypes: z.array(z.string().min(1)).default([]),
        actions: z.array(z.enum(['push', 'pull', 'delete', 'mount'])).default([]),
      })
      .strict()
      .prefault({}),
    disabled: z.boolean().default(false),
  })
  .strict();

/** One rate limit: requests per window (0: no limit), the window in whole seconds. */
function rateRule(requests: number, window: number) {
  return z
    .object({
      requests: z.number().int().min(0).default(requests),
      window: duration
        .refine((seconds) => Number.isInteger(seconds) && seconds >= 1, 'must be whole seconds, at least 1s')
        .default(window),
    })
    .strict()
    .prefault({});
}

/** A route class's limits, per authenticated principal (user or robot) and per anonymous client address. */
function rateClass(authenticated: number, anonymous: number) {
  return z
    .object({ authenticated: rateRule(authenticated, 60), anonymous: rateRule(anonymous, 60) })
    .strict()
    .prefault({});
}

/** A comma-separated list (environment-friendly), or a YAML list (as print-config shows it), without blanks. */
const commaList = z
  .union([z.string(), z.array(z.string())])
  .default('')
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter((item) => item !== ''),
  );

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`. */
function isAddressOrCidr(text: string): boolean {
  const [address = '', bits, ...rest] = text.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export const configSchema = z
  .object({
    data: z
      .object({ dir: z.string().min(1).default('./data') })
      .strict()
      .prefault({}),
    http: z
      .object({
        addr: hostPort.default('0.0.0.0:5000'),
        /** Public base URL of the registry (for Location headers behind a proxy); derived from the request when unset. */
        baseUrl: z.url().optional(),
        accessLog: z.boolean().default(true),
        /** Seconds to let in-flight requests finish on SIGTERM/SIGINT. */
        shutdownTimeout: duration.default(30),
        /**
         * Reverse proxies whose X-Forwarded-For/-Proto/-Host headers are believed, as comma-separated addresses or
         * CIDR ranges; the client address (login throttling, auth events) and HTTPS (Secure cookies) come from them.
         */
        trustedProxies: z.string().min(1).optional(),
        /** A client must send the complete request line and headers within this long. */
        headersTimeout: positiveDuration('http.headersTimeout').default(30),
        /**
         * A connection on which nothing moves for this long is closed: a request body that stalls, a response the
         * client stops reading. An idle timeout between bytes, not a limit on the whole request: an upload that keeps
         * sending is never cut.
         */
        bodyIdleTimeout: positiveDuration('http.bodyIdleTimeout').default(60),
        /** An idle keep-alive connection is closed after this long (longer than a proxy's idle timeout). */
        keepAliveTimeout: positiveDuration('http.keepAliveTimeout').default(72),
        /** Open connections at most; further connections are closed at once. */
        maxConnections: z.number().int().min(1).default(1024),
        /**
         * Worker processes serving the port (node:cluster): `auto`, one per core (`os.availableParallelism()`), or a
         * number; 1 serves from the one process (no cluster). `maxConnections` applies to each worker.
         */
        workers: z
          .union([z.literal('auto'), z.number().int().min(1).max(256)], {
            error: 'expected auto or a number of worker processes from 1 to 256',
          })
          .default('auto'),
        tls: z
          .object({ certificate: z.string().min(1), key: z.string().min(1) })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** `json`: one JSON object per line; `pretty`: text for a person; `auto`: pretty on a terminal, else JSON. */
        format: z.enum(['auto', 'json', 'pretty']).default('auto'),
      })
      .strict()
      .prefault({}),
    database: z
      .object({
        driver: z.enum(['sqlite', 'postgres']).default('sqlite'),
        /** SQLite file; default `<data.dir>/wharf.db`. */
        path: z.string().min(1).optional(),
        /** SQLite durability: `normal` survives a killed process, `full` also a power loss. */
        synchronous: z.enum(['normal', 'full']).default('normal'),
        /** PostgreSQL connection URL, e.g. postgres://user:pass@host:5432/wharf. */
        url: z.string().min(1).optional(),
        poolSize: z.number().int().min(1).max(200).default(10),
      })
      .strict()
      .prefault({})
      .superRefine((db, ctx) => {
        if (db.driver === 'postgres' && !db.url) {
          ctx.addIssue({
            code: 'custom',
            path: ['url'],
            message: 'database.url is required when database.driver is postgres',
          });
        }
      }),
    storage: z
      .object({
        /** `filesystem` (below rootDirectory) or `s3` (a bucket of S3 or an S3-compatible store, `storage.s3`). */
        driver: z.enum(['filesystem', 's3']).default('filesystem'),
        /** Root of the filesystem store; default `<data.dir>/storage`. */
        rootDirectory: z.string().min(1).optional(),
        /** Blob downloads redirect (307) to the storage backend's URL where it offers one (object stores). */
        redirect: z.boolean().default(false),
        s3: s3Storage,
      })
      .strict()
      .prefault({})
      .superRefine((storage, ctx) => {
        if (storage.driver === 's3' && !storage.s3.bucket) {
          ctx.addIssue({
            code: 'custom',
            path: ['s3', 'bucket'],
            message: 'storage.s3.bucket is required when storage.driver is s3',
          });
        }
      }),
    redis: z
      .object({
        /**
         * Redis shared by the nodes (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS). Optional:
         * without it every node still works, and changes reach the other nodes through the database, more slowly.
         */
        url: z.string().min(1).optional(),
        /** Prefix of every key and channel Wharf uses, so that several deployments can share one Redis. */
        keyPrefix: z
          .string()
          .regex(/^[A-Za-z0-9:._-]{0,64}$/, 'letters, digits and : . _ - only, at most 64')
          .default('wharf:'),
      })
      .strict()
      .prefault({})
      .superRefine((redis, ctx) => {
        if (redis.url !== undefined && !/^rediss?:\/\//.test(redis.url)) {
          ctx.addIssue({ code: 'custom', path: ['url'], message: 'redis.url must start with redis:// or rediss://' });
        }
      }),
    uploads: z
      .object({
        /** Upload sessions untouched for this long are purged. */
        purgeAfter: duration.default(86400),
        /** How often the purge runs. */
        purgeInterval: duration.default(3600),
        /**
         * How long a request on an upload session waits for another node's request on the same session before
         * it is refused with 503 UNAVAILABLE and Retry-After (clients retry).
         */
        sessionLockWait: duration.default(5),
      })
      .strict()
      .prefault({}),
    gc: z
      .object({
        /**
         * Garbage collection keeps content written or referenced more recently than this (Harbor's `time_window`),
         * and orphaned files in storage younger than it; a GC request's `time_window` (hours) overrides it.
         */
        timeWindow: duration.default(7200),
      })
      .strict()
      .prefault({}),
    tags: z
      .object({
        /**
         * How long a deleted or moved tag, or a deleted artifact, can be restored from the repository's tag history
         * (garbage collection keeps its content until then); 0 turns tag history off (nothing is recorded).
         */
        restoreWindow: duration.default(7 * 86400),
        /** How often expired tag history entries are purged (0 disables the purge). */
        purgeInterval: duration.default(3600),
      })
      .strict()
      .prefault({}),
    quota: z
      .object({
        /**
         * The share of a project's storage limit (percent) at which `quota.warning` is recorded, once each time usage
         * crosses it upwards (Harbor has a fixed QUOTA_WARNING level; Wharf makes it configurable).
         */
        warningPercent: z.number().int().min(1).max(100).default(85),
      })
      .strict()
      .prefault({}),
    events: z
      .object({
        /** Delivered (or failed) domain events are kept in the outbox this long, then purged. */
        retention: duration.default(7 * 86400),
        /** How often the outbox purge runs (0 disables it). */
        purgeInterval: duration.default(3600),
      })
      .strict()
      .prefault({}),
    webhooks: z
      .object({
        /**
         * Addresses and CIDR ranges exempt from the SSRF guard of webhook deliveries (comma-separated), e.g.
         * `10.0.5.7,192.168.10.0/24`: by default loopback, link-local, private, CGNAT and other non-public addresses are
         * refused.
         */
        allowedTargets: z
          .string()
          .default('')
          .transform((value) =>
            value
              .split(',')
              .map((entry) => entry.trim())
              .filter((entry) => entry !== ''),
          ),
        /** A delivery that has not answered within this long fails (and is retried). */
        timeout: positiveDuration('webhooks.timeout').default(10),
        /** Failed deliveries are retried this many times (Harbor: 3). */
        maxRetries: z.number().int().min(0).max(20).default(3),
        /** The first retry's delay; each further retry waits twice as long, at most ten minutes. */
        retryDelay: positiveDuration('webhooks.retryDelay').default(10),
      })
      .strict()
      .prefault({}),
    notifications: z
      .object({
        /**
         * Distribution's registry notifications: endpoints that receive its envelopes (push, pull, delete, mount of
         * manifests and blobs). Distribution's fields; in the environment (`WHARF_NOTIFICATIONS_ENDPOINTS`) as a
         * JSON array of the same objects.
         */
        endpoints: z
          .preprocess(parseJsonText, z.array(notificationEndpoint))
          .default([])
          .superRefine((endpoints, ctx) => {
            const seen = new Set<string>();
            endpoints.forEach((endpoint, i) => {
              if (seen.has(endpoint.name)) {
                ctx.addIssue({
                  code: 'custom',
                  path: [i, 'name'],
                  message: `endpoint ${endpoint.name} is named twice`,
                });
              }
              seen.add(endpoint.name);
            });
          }),
        events: z
          .object({
            /** Manifest push and pull events list the manifest's references (distribution's `includereferences`). */
            includereferences: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
        /** Events an endpoint keeps waiting at most (in memory); past it the oldest are dropped and counted. */
        maxPending: z.number().int().min(1).default(10_000),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** Whether domain events are recorded in the audit log at all (off: nothing recorded, nothing forwarded). */
        enabled: z.boolean().default(true),
        /** Pull and sign-in records are buffered and written in batches of at most this many… */
        batchSize: z.number().int().min(1).max(10000).default(500),
        /** …or this long after the first buffered one. */
        flushInterval: positiveDuration('audit.flushInterval').default(1),
        /** The syslog transport of `audit_log_forward_endpoint` (a Harbor configuration set through the API). */
        forward: z
          .object({
            /** RFC 5424 over UDP (RFC 5426), TCP (octet counting, RFC 6587) or TLS (RFC 5425). */
            protocol: z.enum(['udp', 'tcp', 'tls']).default('udp'),
            /** PEM file of the CA that signed the syslog server's certificate (TLS); default the system's CAs. */
            ca: z.string().min(1).optional(),
            /** TLS: the name the server's certificate must carry; default the endpoint's host. */
            serverName: z.string().min(1).optional(),
            /** TLS: accept any certificate (labs only). */
            insecureSkipVerify: z.boolean().default(false),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        /** Prometheus metrics (off by default: nothing is registered or counted when off). */
        enabled: z.boolean().default(false),
        /**
         * A separate listener for the metrics only (HOST:PORT, like Harbor's metric port); unset: `path` on the main
         * listener, where anybody who reaches the port can read it.
         */
        addr: hostPort.optional(),
        /** Where the exposition is served. */
        path: z
          .string()
          .regex(/^\/[\w./-]*$/, 'expected an absolute path such as /metrics')
          .default('/metrics'),
        /** Figures read from the database (projects, quotas, queues, uploads) are reused for this long. */
        cacheTime: duration.default(15),
      })
      .strict()
      .prefault({}),
    tracing: z
      .object({
        /** OpenTelemetry traces over OTLP/HTTP (off by default; nothing is loaded when off). */
        enabled: z.boolean().default(false),
        /**
         * The OTLP/HTTP traces URL, e.g. http://collector:4318/v1/traces; unset: the exporter's own default from
         * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318/v1/traces.
         */
        endpoint: z.url().optional(),
        /** The `service.name` resource attribute. */
        serviceName: z.string().min(1).default('wharf'),
        /** The share of traces recorded (0 to 1), decided at the root span and followed by its children. */
        samplingRatio: z.number().min(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    jobs: z
      .object({
        /** Tasks this process runs at once (each node has its own workers). */
        workers: z.number().int().min(1).max(256).default(4),
        /** How long a task's claim lasts without renewal: a dead node's tasks are taken over after it. */
        claimTtl: duration.default(60),
        /** How often the engine claims work, renews its claims, notices stops and fires schedules. */
        pollInterval: duration.default(1),
        /** Bytes of each task's log kept (the newest). */
        logMaxBytes: z
          .number()
          .int()
          .min(1024)
          .max(16 * 1024 * 1024)
          .default(65536),
      })
      .strict()
      .prefault({})
      .superRefine((jobs, ctx) => {
        if (jobs.claimTtl < 3)
          ctx.addIssue({ code: 'custom', path: ['claimTtl'], message: 'jobs.claimTtl must be at least 3s' });
        if (jobs.pollInterval <= 0 || jobs.pollInterval * 3 > jobs.claimTtl) {
          ctx.addIssue({
            code: 'custom',
            path: ['pollInterval'],
            message: 'jobs.pollInterval must be positive and at most a third of jobs.claimTtl',
          });
        }
      }),
    sessions: z
      .object({
        /** A portal session unused for this long ends; every use moves its end (sliding). */
        idleTimeout: duration.default(1800),
        /** A portal session ends this long after login, however busy (0: only the idle timeout applies). */
        absoluteTimeout: duration.default(43200),
        /** Authentication events older than this are removed by the purge (0 keeps them for ever). */
        authEventRetention: duration.default(2592000),
        /** How often expired sessions, stale failed-login counters and old auth events are removed (0 disables it). */
        purgeInterval: duration.default(600),
      })
      .strict()
      .prefault({})
      .superRefine((sessions, ctx) => {
        if (sessions.idleTimeout <= 0) {
          ctx.addIssue({ code: 'custom', path: ['idleTimeout'], message: 'sessions.idleTimeout must be positive' });
        }
      }),
    login: z
      .object({
        /** Failed logins of one account from one client address that lock the account for that address. */
        pairLockAfter: z.number().int().min(1).default(5),
        /** Failed logins from one client address (any accounts) that lock the address. */
        addressLockAfter: z.number().int().min(1).default(20),
        /** Failed logins of one account from all addresses together that lock it everywhere (the backstop). */
        accountLockAfter: z.number().int().min(1).default(100),
        /** The first lock; every further failure doubles it, up to maxLockDuration (0 disables locking). */
        lockDuration: duration.default(1),
        maxLockDuration: duration.default(300),
        /** The longest account-wide lock (never longer than maxLockDuration). */
        accountMaxLockDuration: duration.default(60),
        /** A failure this long after the previous one of the same account or address counts from 1 again. */
        failureWindow: duration.default(900),
        /** Password checks (scrypt) running at once; each takes a libuv thread that file reads share. */
        maxConcurrentHashes: z.number().int().min(1).max(64).default(2),
        /** Password checks waiting for one of those; further logins are refused with 429 and Retry-After. */
        maxQueuedHashes: z.number().int().min(0).max(100_000).default(64),
      })
      .strict()
      .prefault({}),
    passwordReset: z
      .object({
        /** A password reset link sent by e-mail works once, for this long. */
        linkLifetime: duration.default(1800),
        /** Reset links one client address may ask for (any e-mail addresses) in `window`. */
        requestsPerAddress: z.number().int().min(1).default(10),
        /** Reset links that may be asked for one e-mail address (from any client) in `window`. */
        requestsPerEmail: z.number().int().min(1).default(3),
        /** Once a limit is reached, further requests are refused (429) for this long. */
        window: duration.default(900),
      })
      .strict()
      .prefault({})
      .superRefine((reset, ctx) => {
        if (reset.linkLifetime < 60) {
          ctx.addIssue({
            code: 'custom',
            path: ['linkLifetime'],
            message: 'passwordReset.linkLifetime must be at least 1m',
          });
        }
        if (reset.window <= 0) {
          ctx.addIssue({ code: 'custom', path: ['window'], message: 'passwordReset.window must be positive' });
        }
      }),
    admin: z
      .object({
        /**
         * Password of the `admin` user created at first start. Unset: a random one is generated, logged once and
         * written to `<data.dir>/admin-password`. Ignored once the user exists.
         */
        password: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    token: z
      .object({
        /** The registry's service name in token challenges and the audience of tokens. */
        service: z.string().min(1).default('wharf-registry'),
        /**
         * Further service names the token service answers for (comma-separated; Harbor's `harbor-registry` by
         * default, which scripts written for Harbor send). Tokens keep `service` as their audience.
         */
        acceptedServices: z
          .string()
          .default('harbor-registry')
          .transform((value) =>
            value
              .split(',')
              .map((name) => name.trim())
              .filter((name) => name !== ''),
          ),
        /** The issuer of tokens. */
        issuer: z.string().min(1).default('wharf-token-issuer'),
        /** Signing algorithm of keys Wharf generates (the first key, and each rotation's). */
        algorithm: z.enum(['RS256', 'ES256']).default('RS256'),
        /**
         * A PEM private key (RSA or EC P-256) that signs tokens, instead of the keys Wharf keeps in the database. Every
         * node must be given the same file; rotation is then the operator's (`previousKeyFiles`).
         */
        privateKeyFile: z.string().min(1).optional(),
        /** Comma-separated PEM private keys that still verify tokens (a former `privateKeyFile`); needs `privateKeyFile`. */
        previousKeyFiles: commaList,
      })
      .strict()
      .prefault({})
      .superRefine((token, ctx) => {
        if (token.previousKeyFiles.length > 0 && token.privateKeyFile === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['previousKeyFiles'],
            message: 'token.previousKeyFiles needs token.privateKeyFile',
          });
        }
      }),
    /**
     * The secret key that encrypts secrets stored in the database (webhook auth headers, token signing keys):
     * AES-256-GCM, 32 bytes in base64. Default: generated once into `<data.dir>/secret.key`. Nodes sharing a
     * PostgreSQL database must all have the same key (`key` or `keyFile`).
     */
    secrets: z
      .object({
        /** The current key, base64 (e.g. `openssl rand -base64 32`). */
        key: z.string().min(1).optional(),
        /** A file holding the current key on its first line, and previous keys on the following lines. */
        keyFile: z.string().min(1).optional(),
        /** Comma-separated base64 keys that still decrypt (during a rotation), never encrypt. */
        previousKeys: commaList,
      })
      .strict()
      .prefault({})
      .superRefine((secrets, ctx) => {
        if (secrets.key !== undefined && secrets.keyFile !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['keyFile'], message: 'set secrets.key or secrets.keyFile, not both' });
        }
      }),
    /**
     * System settings stored at first start (the database seeds Harbor's defaults; these override them). Afterwards
     * they live in the database and change through `PUT /api/v2.0/configurations`; this section no longer applies.
     */
    settings: z
      .object({
        selfRegistration: z.boolean().optional(),
        projectCreationRestriction: z.enum(['everyone', 'adminonly']).optional(),
        /** Minutes a registry token is valid. */
        tokenExpiration: z
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1)
          .optional(),
        readOnly: z.boolean().optional(),
        authMode: z.enum(['db_auth', 'ldap_auth', 'oidc_auth', 'http_auth']).optional(),
        /** Harbor's `storage_per_project`: the hard storage limit in bytes of new projects' quotas; -1 unlimited. */
        storagePerProject: z
          .number()
          .int()
          .min(-1)
          .max(Number.MAX_SAFE_INTEGER)
          .refine((v) => v !== 0, 'must be -1 (no limit) or a positive number of bytes')
          .optional(),
      })
      .strict()
      .prefault({}),
    portal: z
      .object({
        /** The built web portal; default: the portal package's dist/ next to the server package. */
        dir: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    /** Request rate limits per user, robot or anonymous client address and route class (docs/configuration.md). */
    rateLimits: z
      .object({
        enabled: z.boolean().default(false),
        /** /v2 reads: manifests, blobs, tags, catalog, referrers, the base endpoint. */
        pull: rateClass(3000, 600),
        /** /v2 writes: uploads (each chunk), manifest pushes, deletes. */
        push: rateClass(1200, 60),
        /** The management API under /api/v2.0. */
        api: rateClass(600, 120),
        /** The token service and the portal login, per client address (the login guard also counts failures). */
        auth: rateRule(300, 60),
        /** Client addresses or CIDR ranges never limited (comma-separated): internal CI, monitoring. */
        exempt: commaList.refine(
          (items) => items.every(isAddressOrCidr),
          'expected comma-separated addresses or CIDR ranges, e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8',
        ),
        /** User and robot names never limited (comma-separated, robots with their prefix: `robot$ci`). */
        exemptPrincipals: commaList,
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        /** Largest manifest accepted, in bytes. */
        manifestBytes: z
          .number()
          .int()
          .min(1024)
          .default(4 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type WharfConfig = z.infer<typeof configSchema>;

/** Names of configuration values that are secrets, masked by `wharf print-config`. */
export const SECRET_KEYS: readonly string[] = [
  'database.url',
  'admin.password',
  'storage.s3.accessKey',
  'storage.s3.secretKey',
  'secrets.key',
  'secrets.previousKeys',
];
