import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushImage } from '../helpers/inject-client.js';
import { ADMIN_AUTH } from '../helpers/oci-client.js';
import { api, ADMIN } from '../helpers/api-client.js';
import { startTestRegistry } from '../helpers/test-registry.js';

/** A span as OTLP/HTTP's JSON encoding carries it (ids in hex). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: OtlpSpan['attributes'] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

/** A real OTLP/HTTP receiver: records every JSON export request posted to /v1/traces. */
async function startReceiver(): Promise<{ url: string; requests: OtlpRequest[]; close(): Promise<void> }> {
  const requests: OtlpRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type']?.startsWith('application/json')) {
        requests.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(415).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function asAdmin(app: FastifyInstance): FastifyInstance {
  const inject = (opts: InjectOptions) =>
    app.inject({ ...opts, headers: { ...opts.headers, authorization: ADMIN_AUTH.authorization } });
  return { inject } as unknown as FastifyInstance;
}

function attribute(span: OtlpSpan, key: string): string | number | undefined {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
}

describe('OpenTelemetry tracing', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let spans: OtlpSpan[];
  let serviceName: string | undefined;

  beforeAll(async () => {
    receiver = await startReceiver();
    const reg = await startTestRegistry({
      WHARF_TRACING_ENABLED: 'true',
      WHARF_TRACING_ENDPOINT: receiver.url,
      WHARF_TRACING_SERVICENAME: 'wharf-under-test',
    });
    try {
      expect((await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'traced' })).statusCode).toBe(201);
      const image = await pushImage(asAdmin(reg.app), 'traced/app', 'v1', { layers: 1 });
      const pull = await asAdmin(reg.app).inject({ method: 'GET', url: '/v2/traced/app/manifests/v1' });
      expect(pull.statusCode).toBe(200);
      const layer = image.manifest.layers[0]!;
      const blob = await asAdmin(reg.app).inject({ method: 'GET', url: `/v2/traced/app/blobs/${layer.digest}` });
      expect(blob.statusCode).toBe(200);
      await reg.wharf.tracing!.flush();
    } finally {
      await reg.close();
    }
    spans = receiver.requests.flatMap((r) => r.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));
    serviceName = receiver.requests[0]?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')
      ?.value.stringValue;
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('exports one server span per request, named by its route template, with Harbor-like attributes', () => {
    expect(serviceName).toBe('wharf-under-test');
    const put = spans.find((s) => s.name === 'PUT /v2/{name}/manifests/{reference}');
    expect(put).toBeDefined();
    expect(put!.kind).toBe(2); // SERVER
    expect(put!.parentSpanId ?? '').toBe('');
    expect(attribute(put!, 'http.request.method')).toBe('PUT');
    expect(attribute(put!, 'http.route')).toBe('/v2/{name}/manifests/{reference}');
    expect(attribute(put!, 'http.response.status_code')).toBe(201);
    const create = spans.find((s) => s.name === 'POST /api/v2.0/projects');
    expect(attribute(create!, 'http.response.status_code')).toBe(201);
    // No span carries a digest, a tag or a credential.
    for (const span of spans) {
      expect(JSON.stringify(span)).not.toMatch(/sha256:|Basic |Harbor12345/);
    }
  });

  it('nests database spans under the request span (a manifest pull reads the store)', () => {
    const pull = spans.find((s) => s.name === 'GET /v2/{name}/manifests/{reference}')!;
    expect(pull).toBeDefined();
    const children = spans.filter((s) => s.traceId === pull.traceId && s.parentSpanId === pull.spanId);
    const db = children.filter((s) => s.name.startsWith('db '));
    expect(db.length).toBeGreaterThan(0);
    expect(attribute(db[0]!, 'db.system.name')).toMatch(/^(sqlite|postgresql)$/);
    expect(db.every((s) => s.kind === 3)).toBe(true); // CLIENT
  });

  it('nests storage spans under the request span (a blob pull and a push open the storage)', () => {
    const blob = spans.find((s) => s.name === 'GET /v2/{name}/blobs/{digest}')!;
    const storage = spans.filter(
      (s) => s.traceId === blob.traceId && s.parentSpanId === blob.spanId && s.name.startsWith('storage.'),
    );
    expect(storage.map((s) => s.name)).toContain('storage.reader');
    const put = spans.find((s) => s.name === 'POST /v2/{name}/blobs/uploads/');
    expect(put).toBeDefined();
    const under = spans.filter((s) => s.traceId === put!.traceId && s.spanId !== put!.spanId);
    expect(under.some((s) => s.name.startsWith('storage.'))).toBe(true);
    expect(under.some((s) => s.name === 'db transaction')).toBe(true);
    // Every span of the trace descends from the request's span.
    const ids = new Set(spans.filter((s) => s.traceId === put!.traceId).map((s) => s.spanId));
    for (const span of under) expect(ids.has(span.parentSpanId!)).toBe(true);
  });
});

describe('tracing disabled (the default)', () => {
  it('loads no tracer and sends nothing', async () => {
    const receiver = await startReceiver();
    const reg = await startTestRegistry({ OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
    try {
      expect(reg.wharf.tracing).toBeUndefined();
      expect((await api(reg.app, 'POST', '/projects', ADMIN, { project_name: 'untraced' })).statusCode).toBe(201);
      await pushImage(asAdmin(reg.app), 'untraced/app', 'v1', { layers: 1 });
      // The store and the blob store are the adapters themselves, not decorated proxies.
      expect(reg.wharf.store.constructor.name).toBe('KyselyStore');
      expect(reg.app.hasRequestDecorator('traceSpan')).toBe(false);
    } finally {
      await reg.close();
    }
    expect(receiver.requests).toHaveLength(0);
    await receiver.close();
  });
});
