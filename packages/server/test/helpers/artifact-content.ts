// Content for the management API's artifact tests, pushed in-process over /v2 with the administrator's credentials
// (so the pushes keep working once /v2 requires authentication): images with a real config, multi-platform indexes,
// and artifacts with a subject.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ADMIN, basic, type Credentials } from './api-client.js';
import { OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, sha256, type Descriptor } from './inject-client.js';

const AUTH = { authorization: basic(ADMIN) };

export async function pushBlobAs(app: FastifyInstance, repository: string, content: Buffer, mediaType: string) {
  const digest = sha256(content);
  const res = await app.inject({
    method: 'POST',
    url: `/v2/${repository}/blobs/uploads/?digest=${digest}`,
    payload: content,
    headers: { ...AUTH, 'content-type': 'application/octet-stream' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { mediaType, digest, size: content.length } satisfies Descriptor;
}

export async function putManifestAs(
  app: FastifyInstance,
  repository: string,
  reference: string,
  manifest: object,
  mediaType: string,
) {
  const body = Buffer.from(JSON.stringify(manifest));
  const res = await app.inject({
    method: 'PUT',
    url: `/v2/${repository}/manifests/${reference}`,
    payload: body,
    headers: { ...AUTH, 'content-type': mediaType },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { mediaType, digest: sha256(body), size: body.length } satisfies Descriptor;
}

export interface PushedImage {
  readonly digest: string;
  readonly descriptor: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  /** Manifest, config and layers: what Harbor reports as the artifact's size. */
  readonly totalSize: number;
}

export interface ImageOptions {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly author?: string;
  readonly labels?: Record<string, string>;
  readonly layers?: number;
  readonly annotations?: Record<string, string>;
}

/** An OCI image (config with platform, author, created, runtime config) pushed to `reference` (tag or digest). */
export async function pushImage(
  app: FastifyInstance,
  repository: string,
  reference: string | undefined,
  opts: ImageOptions = {},
): Promise<PushedImage> {
  const configJson = {
    created: '2024-05-01T10:00:00Z',
    ...(opts.author !== undefined ? { author: opts.author } : {}),
    architecture: opts.architecture ?? 'amd64',
    os: opts.os ?? 'linux',
    ...(opts.variant ? { variant: opts.variant } : {}),
    config: { Env: ['PATH=/usr/bin'], Cmd: ['/bin/sh'], Labels: opts.labels ?? {} },
    rootfs: { type: 'layers', diff_ids: [] },
    nonce: randomBytes(8).toString('hex'),
  };
  const config = await pushBlobAs(app, repository, Buffer.from(JSON.stringify(configJson)), OCI_CONFIG);
  const layers: Descriptor[] = [];
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    layers.push(await pushBlobAs(app, repository, randomBytes(300 + i * 100), OCI_LAYER));
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config,
    layers,
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const descriptor = await putManifestAs(app, repository, reference ?? sha256(body), manifest, OCI_MANIFEST);
  const totalSize = descriptor.size + config.size + layers.reduce((sum, l) => sum + l.size, 0);
  return { digest: descriptor.digest, descriptor, config, layers, totalSize };
}

export interface PushedIndex {
  readonly digest: string;
  readonly size: number;
  readonly children: readonly PushedImage[];
  readonly totalSize: number;
}

/** An image index over a linux/amd64 and a linux/arm64/v8 image (children pushed by digest only). */
export async function pushIndex(app: FastifyInstance, repository: string, tag: string): Promise<PushedIndex> {
  const amd64 = await pushImage(app, repository, undefined, { architecture: 'amd64' });
  const arm64 = await pushImage(app, repository, undefined, { architecture: 'arm64', variant: 'v8' });
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      { ...amd64.descriptor, platform: { architecture: 'amd64', os: 'linux' } },
      { ...arm64.descriptor, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    ],
    annotations: { 'org.opencontainers.image.title': 'multi' },
  };
  const descriptor = await putManifestAs(app, repository, tag, index, OCI_INDEX);
  return {
    digest: descriptor.digest,
    size: descriptor.size,
    children: [amd64, arm64],
    totalSize: descriptor.size + amd64.totalSize + arm64.totalSize,
  };
}

export const SBOM_TYPE = 'application/vnd.example.sbom.v1';

/** An artifact (artifactType SBOM_TYPE, empty config, one layer) whose subject is `subject`, pushed by digest. */
export async function pushReferrer(
  app: FastifyInstance,
  repository: string,
  subject: Descriptor,
  artifactType = SBOM_TYPE,
) {
  const config = await pushBlobAs(app, repository, Buffer.from('{}'), OCI_EMPTY);
  const layer = await pushBlobAs(
    app,
    repository,
    Buffer.from(`{"sbom":"${randomBytes(6).toString('hex')}"}`),
    'application/spdx+json',
  );
  const manifest = { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config, layers: [layer], subject };
  const digest = sha256(Buffer.from(JSON.stringify(manifest)));
  const descriptor = await putManifestAs(app, repository, digest, manifest, OCI_MANIFEST);
  return { digest, descriptor, totalSize: descriptor.size + config.size + layer.size };
}

/** GET /v2/<repository>/manifests/<reference> (a pull), as `as` (the administrator by default). */
export function pullManifest(
  app: FastifyInstance,
  repository: string,
  reference: string,
  as: Credentials = ADMIN,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: `/v2/${repository}/manifests/${reference}`,
    headers: { authorization: basic(as), accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
  });
}

/** `a/b` as Harbor's clients put it in a path: encoded twice. */
export function twice(name: string): string {
  return encodeURIComponent(encodeURIComponent(name));
}
