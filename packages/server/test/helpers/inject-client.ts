import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

export function sha256(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function sha512(content: Uint8Array | string): string {
  return `sha512:${createHash('sha512').update(content).digest('hex')}`;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  [key: string]: unknown;
}

/** Uploads content as a blob with one monolithic POST; returns its descriptor. */
export async function pushBlob(app: FastifyInstance, name: string, content: Buffer, mediaType = OCI_LAYER) {
  const digest = sha256(content);
  const res = await app.inject({
    method: 'POST',
    url: `/v2/${name}/blobs/uploads/?digest=${digest}`,
    payload: content,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { mediaType, digest, size: content.length } satisfies Descriptor;
}

export function randomBlob(size = 1024): Buffer {
  return randomBytes(size);
}

/** Pushes a config and `layers` random layers, then an OCI image manifest to `reference`. */
export async function pushImage(app: FastifyInstance, name: string, reference: string, opts: { layers?: number } = {}) {
  const config = await pushBlob(
    app,
    name,
    Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', n: Math.random() })),
    OCI_CONFIG,
  );
  const layers: Descriptor[] = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) layers.push(await pushBlob(app, name, randomBlob(512 + i)));
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  const body = Buffer.from(JSON.stringify(manifest));
  const res = await putManifest(app, name, reference, body, OCI_MANIFEST);
  expect(res.statusCode, res.body).toBe(201);
  return {
    manifest,
    body,
    digest: sha256(body),
    descriptor: { mediaType: OCI_MANIFEST, digest: sha256(body), size: body.length },
  };
}

export function putManifest(
  app: FastifyInstance,
  name: string,
  reference: string,
  body: Buffer | object,
  contentType: string,
) {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return app.inject({
    method: 'PUT',
    url: `/v2/${name}/manifests/${reference}`,
    payload,
    headers: { 'content-type': contentType },
  });
}

/** Asserts the OCI error envelope with the given status and code. */
export function expectOciError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<{ errors: { code: string; message: string }[] }>();
  expect(body.errors[0]?.code).toBe(code);
  expect(typeof body.errors[0]?.message).toBe('string');
}
