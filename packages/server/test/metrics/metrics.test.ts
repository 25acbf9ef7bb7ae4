import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/ports/clock.js';
import { UnitOfWork } from '../../src/events/unit-of-work.js';
import { ADMIN, api } from '../helpers/api-client.js';
import { pushImage, sha256 } from '../helpers/inject-client.js';
import { ADMIN_AUTH } from '../helpers/oci-client.js';
import { parsePrometheus, sampleOf, valueOf, type Family } from '../helpers/prometheus-text.js';
import { startTestRegistry, type TestRegistry } from '../helpers/test-registry.js';

/** What Prometheus sends: the portal must not answer it with its page. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
const adminAuth = ADMIN_AUTH.authorization!;

async function scrape(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url, { headers: { accept: PROMETHEUS_ACCEPT } });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The application, its /v2 requests sent as the administrator (pushImage's helpers only call inject). */
function asAdmin(app: FastifyInstance): FastifyInstance {
  const inject = (opts: InjectOptions) =>
    app.inject({ ...opts, headers: { ...opts.headers, authorization: adminAuth } });
  return { inject } as unknown as FastifyInstance;
}

/** Every label value of every sample. */
function labelValues(families: Map<string, Family>): string[] {
  return [...families.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
}

describe('Prometheus metrics on the main port', () => {
  let reg: TestRegistry;
  let base: string;
  let families: Map<string, Family>;
  let blobSize: number;
  let quotaUsed: number;

  beforeAll(async () => {
    reg = await startTestRegistry(
      { WHARF_METRICS_ENABLED: 'true', WHARF_HTTP_ADDR: '127.0.0.1:0', WHARF_TAGS_RESTOREWINDOW: '0' },
      { clock },
    );
    base = await reg.wharf.listen();
    const created = await api(reg.app, 'POST', '/projects', ADMIN, {
      project_name: 'metrics-p',
      metadata: { public: 'false' },
      storage_limit: 1_000_000_000,
    });
    expect(created.statusCode, created.body).toBe(201);
    const v2 = (method: string, url: string) =>
      reg.app.inject({ method: method as 'GET', url, headers: { authorization: adminAuth } });
    const image = await pushImage(asAdmin(reg.app), 'metrics-p/app', 'v1');
    expect((await v2('GET', '/v2/metrics-p/app/manifests/v1')).statusCode).toBe(200);
    expect((await v2('GET', `/v2/metrics-p/app/manifests/${image.digest}`)).statusCode).toBe(200);
    // A blob over a real socket, so that the bytes counters see it.
    const layer = image.manifest.layers[0]!;
    blobSize = layer.size;
    const blob = await fetch(`${base}/v2/metrics-p/app/blobs/${layer.digest}`, { headers: ADMIN_AUTH });
    expect(blob.status).toBe(200);
    expect(sha256(Buffer.from(await blob.arrayBuffer()))).toBe(layer.digest);
    expect((await api(reg.app, 'GET', '/projects/metrics-p', ADMIN)).statusCode).toBe(200);
    expect((await api(reg.app, 'GET', '/projects/no-such-project', ADMIN)).statusCode).toBe(404);
    const summary = await api(reg.app, 'GET', '/projects/metrics-p/summary', ADMIN);
    quotaUsed = summary.json<{ quota: { used: { storage: number } } }>().quota.used.storage;
    expect(quotaUsed).toBeGreaterThan(0);
    // A GC run through the job engine; its execution.finished (emitted by the engine once issue 11's engine part
    // lands) is recorded here through a unit of work, as the engine records it: in a transaction, then delivered.
    const gc = await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, {
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: true, dry_run: false, workers: 1, time_window: 0 },
    });
    expect(gc.statusCode, gc.body).toBe(201);
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    const work = new UnitOfWork(reg.wharf.store, clock);
    work.onCommit(reg.wharf.events.relay);
    await work.run(({ emit }) => {
      emit({
        type: 'execution.finished',
        executionId: Number((gc.headers.location as string).split('/').at(-1)),
        vendorType: 'GARBAGE_COLLECTION',
        trigger: 'MANUAL',
        // Stopped, not the run's real Success: once the engine emits its own event, the two stay apart here.
        status: 'Stopped',
        startTime: clock.now() - 2500,
        endTime: clock.now(),
      });
      // Blob events are emitted by the core once issue 11's notification part lands; recorded here the same way.
      emit({ type: 'blob.mounted', repository: 'metrics-p/app', digest: layer.digest, size: layer.size, from: 'x/y' });
      return Promise.resolve();
    });
    reg.wharf.events.bus.publish({
      type: 'blob.pulled',
      repository: 'metrics-p/app',
      digest: layer.digest,
      size: layer.size,
      at: clock.now(),
    });
    await reg.wharf.events.relay.drain();
    const scraped = await scrape(`${base}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
    families = parsePrometheus(scraped.text);
  });

  afterAll(async () => {
    await reg?.close();
  });

  it('counts requests by route template, method and status, with duration histograms', () => {
    const manifestGet = { route: '/v2/{name}/manifests/{reference}', method: 'GET', code: '200' };
    expect(valueOf(families, 'wharf_http_requests_total', manifestGet)).toBe(2);
    expect(
      valueOf(families, 'wharf_http_requests_total', {
        route: '/v2/{name}/manifests/{reference}',
        method: 'PUT',
        code: '201',
      }),
    ).toBe(1);
    expect(
      valueOf(families, 'wharf_http_requests_total', { route: '/v2/{name}/blobs/uploads/', method: 'POST' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      valueOf(families, 'wharf_http_requests_total', {
        route: '/api/v2.0/projects/{project_name_or_id}',
        method: 'GET',
        code: '200',
      }),
    ).toBe(1);
    expect(
      valueOf(families, 'wharf_http_requests_total', {
        route: '/api/v2.0/projects/{project_name_or_id}',
        method: 'GET',
        code: '404',
      }),
    ).toBe(1);
    expect(
      valueOf(families, 'wharf_http_requests_total', { route: '/api/v2.0/projects', method: 'POST', code: '201' }),
    ).toBe(1);
    expect(families.get('wharf_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(valueOf(families, 'wharf_http_request_duration_seconds_count', manifestGet)).toBe(2);
    expect(valueOf(families, 'wharf_http_request_duration_seconds_bucket', { ...manifestGet, le: '+Inf' })).toBe(2);
    expect(valueOf(families, 'wharf_http_request_duration_seconds_sum', manifestGet)).toBeGreaterThan(0);
  });

  it('counts the bytes of requests served over a socket', () => {
    const blobGet = { route: '/v2/{name}/blobs/{digest}', method: 'GET', code: '200' };
    expect(valueOf(families, 'wharf_http_response_bytes_total', blobGet)).toBeGreaterThan(blobSize);
  });

  it('counts blob and manifest operations from the domain events', () => {
    expect(valueOf(families, 'wharf_registry_operations_total', { object: 'manifest', operation: 'push' })).toBe(1);
    expect(valueOf(families, 'wharf_registry_operations_total', { object: 'manifest', operation: 'pull' })).toBe(2);
    expect(valueOf(families, 'wharf_registry_operations_total', { object: 'blob', operation: 'mount' })).toBe(1);
    expect(
      valueOf(families, 'wharf_registry_operations_total', { object: 'blob', operation: 'pull' }),
    ).toBeGreaterThanOrEqual(1);
    expect(valueOf(families, 'wharf_registry_operations_total', { object: 'blob', operation: 'delete' })).toBe(0);
  });

  it('counts finished job executions by type and status, with durations', () => {
    const labels = { type: 'GARBAGE_COLLECTION', status: 'Stopped' };
    expect(valueOf(families, 'wharf_job_executions_total', labels)).toBe(1);
    expect(valueOf(families, 'wharf_job_execution_duration_seconds_sum', labels)).toBeCloseTo(2.5);
    expect(valueOf(families, 'wharf_job_execution_duration_seconds_bucket', { ...labels, le: '5' })).toBe(1);
    expect(valueOf(families, 'wharf_job_execution_duration_seconds_bucket', { ...labels, le: '1' })).toBe(0);
  });

  it("exposes Harbor's exporter metrics with the database's figures", async () => {
    const projects = await api(reg.app, 'GET', '/projects?page_size=100', ADMIN);
    const list = projects.json<{ name: string; metadata: { public: string } }[]>();
    expect(valueOf(families, 'harbor_project_total', { public: 'false' })).toBe(
      list.filter((p) => p.metadata.public !== 'true').length,
    );
    expect(valueOf(families, 'harbor_project_total', { public: 'true' })).toBe(
      list.filter((p) => p.metadata.public === 'true').length,
    );
    expect(valueOf(families, 'harbor_project_repo_total', { project_name: 'metrics-p', public: 'false' })).toBe(1);
    expect(valueOf(families, 'harbor_project_member_total', { project_name: 'metrics-p' })).toBe(1);
    expect(valueOf(families, 'harbor_project_quota_usage_byte', { project_name: 'metrics-p' })).toBe(quotaUsed);
    expect(valueOf(families, 'harbor_project_quota_byte', { project_name: 'metrics-p' })).toBe(1_000_000_000);
    expect(sampleOf(families, 'harbor_system_info')?.labels).toMatchObject({ auth_mode: 'db_auth' });
    expect(valueOf(families, 'harbor_up', { component: 'database' })).toBe(1);
    expect(valueOf(families, 'harbor_up', { component: 'storage' })).toBe(1);
    expect(families.has('harbor_task_queue_size')).toBe(true);
    expect(families.has('harbor_artifact_pulled')).toBe(true);
  });

  it('exposes cache, upload, pool and process figures', () => {
    // The push stored the manifest in the cache: both GETs were hits (by tag and by digest).
    expect(valueOf(families, 'wharf_manifest_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(2);
    expect(families.get('wharf_uploads_active')?.metrics[0]?.value).toBe('0');
    expect(families.has('process_cpu_seconds_total')).toBe(true);
    expect(families.has('nodejs_eventloop_lag_seconds')).toBe(true);
    // A pool exists on PostgreSQL only; SQLite has one connection and no pool metric.
    expect(families.has('wharf_db_pool_connections')).toBe(isPostgres());
  });

  it('never carries digests, user names or addresses as label values', () => {
    const values = labelValues(families);
    expect(values.length).toBeGreaterThan(50);
    for (const value of values) {
      expect(value).not.toMatch(/sha256:|[0-9a-f]{64}/);
      expect(value).not.toBe('admin');
      expect(value).not.toMatch(/^127\.0\.0\.1/);
      expect(value).not.toBe('v1'); // the tag
    }
  });

  it('reads the database figures at most once per cache period', async () => {
    await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'metrics-later', metadata: { public: 'true' } });
    const before = parsePrometheus((await scrape(`${base}/metrics`)).text);
    expect(sampleOf(before, 'harbor_project_member_total', { project_name: 'metrics-later' })).toBeUndefined();
    clock.advance(16_000);
    const after = parsePrometheus((await scrape(`${base}/metrics`)).text);
    expect(valueOf(after, 'harbor_project_member_total', { project_name: 'metrics-later' })).toBe(1);
  });
});

function isPostgres(): boolean {
  return process.env.WHARF_TEST_DATABASE === 'postgres';
}

describe('Prometheus metrics on a listener of their own', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry({
      WHARF_METRICS_ENABLED: 'true',
      WHARF_METRICS_ADDR: '127.0.0.1:0',
      WHARF_METRICS_PATH: '/prom',
      WHARF_HTTP_ADDR: '127.0.0.1:0',
    });
    await reg.wharf.listen();
  });

  afterAll(async () => {
    await reg?.close();
  });

  it('serves the exposition there only', async () => {
    const url = reg.wharf.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const scraped = await scrape(`${url}/prom`);
    expect(scraped.status).toBe(200);
    expect(parsePrometheus(scraped.text).has('harbor_project_total')).toBe(true);
    expect((await scrape(`${url}/metrics`)).status).toBe(404);
    const main = await reg.app.inject({ method: 'GET', url: '/prom', headers: { accept: PROMETHEUS_ACCEPT } });
    expect(main.statusCode).toBe(404);
  });
});

describe('metrics disabled (the default)', () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startTestRegistry();
  });

  afterAll(async () => {
    await reg?.close();
  });

  it('answers /metrics with 404 and registers nothing', async () => {
    const res = await reg.app.inject({ method: 'GET', url: '/metrics', headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('wharf_http_requests_total');
    expect(reg.wharf.metricsUrl()).toBeUndefined();
    // No metrics subscriber exists: its name is free.
    expect(() =>
      reg.wharf.events.bus.subscribe('metrics-registry-operations', ['blob.pulled'], () => undefined),
    ).not.toThrow();
  });
});
