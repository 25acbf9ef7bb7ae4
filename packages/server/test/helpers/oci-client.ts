// Minimal typed OCI Distribution client over fetch, for tests. Every helper throws an OciHttpError (method, URL,
// status, body) when the registry answers with an unexpected status.
import { createHash } from 'node:crypto';
import { ADMIN_PASSWORD } from './test-registry.js';

export class OciHttpError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
    expected: string,
  ) {
    super(`${method} ${url} answered ${status} (expected ${expected}): ${body.slice(0, 500)}`);
    this.name = 'OciHttpError';
  }
}

export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function expectStatus(res: Response, method: string, url: string, ...expected: number[]): Promise<Response> {
  if (!expected.includes(res.status)) {
    const body = await res.text().catch(() => '');
    throw new OciHttpError(method, url, res.status, body, expected.join(' or '));
  }
  return res;
}

/** `Authorization: Basic` for the test administrator, for raw fetches against a registry process. */
export const ADMIN_AUTH: Readonly<Record<string, string>> = {
  authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
};

/** Every request of this client acts as the test administrator (authorisation has its own tests). */
async function request(method: string, url: string, init: RequestInit, ...expected: number[]): Promise<Response> {
  const headers = { ...ADMIN_AUTH, ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(url, { ...init, headers, method, redirect: 'manual' });
  return expectStatus(res, method, url, ...expected);
}

function uploadLocation(res: Response, base: string, method: string, url: string): URL {
  const location = res.headers.get('location');
  if (location === null) throw new OciHttpError(method, url, res.status, '(no Location header)', 'a Location header');
  return new URL(location, base);
}

function withDigest(location: URL, digest: string): string {
  const next = new URL(location);
  next.searchParams.set('digest', digest);
  return next.toString();
}

export interface PushedBlob {
  digest: string;
  size: number;
  /** How the upload went: a single POST (201), POST (202) then PUT with the body, or POST, PATCHes and PUT. */
  mode: 'post' | 'post-put' | 'chunked';
}

/**
 * Monolithic upload: `POST /v2/<name>/blobs/uploads/?digest=<digest>` with the whole blob. A registry MAY answer 202
 * instead of 201; the spec then requires the client to finish with `PUT <location>?digest=<digest>` and the body.
 */
export async function pushBlobMonolithic(base: string, repo: string, data: Uint8Array): Promise<PushedBlob> {
  const digest = sha256Digest(data);
  const url = `${base}/v2/${repo}/blobs/uploads/?digest=${encodeURIComponent(digest)}`;
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) };
  const res = await request('POST', url, { body: data, headers }, 201, 202);
  await res.arrayBuffer();
  if (res.status === 201) {
    checkDigestHeader(res, 'POST', url, digest);
    return { digest, size: data.byteLength, mode: 'post' };
  }
  await putBlob(uploadLocation(res, base, 'POST', url), data, digest);
  return { digest, size: data.byteLength, mode: 'post-put' };
}

/** Monolithic PUT: `POST /v2/<name>/blobs/uploads/` (202), then `PUT <location>?digest=<digest>` with the whole blob. */
export async function pushBlobPostPut(base: string, repo: string, data: Uint8Array): Promise<PushedBlob> {
  const digest = sha256Digest(data);
  const url = `${base}/v2/${repo}/blobs/uploads/`;
  const res = await request('POST', url, { headers: { 'content-length': '0' } }, 202);
  await res.arrayBuffer();
  await putBlob(uploadLocation(res, base, 'POST', url), data, digest);
  return { digest, size: data.byteLength, mode: 'post-put' };
}

async function putBlob(location: URL, data: Uint8Array, digest: string): Promise<void> {
  const putUrl = withDigest(location, digest);
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) };
  const put = await request('PUT', putUrl, { body: data, headers }, 201);
  await put.arrayBuffer();
  checkDigestHeader(put, 'PUT', putUrl, digest);
}

/** Chunked upload: POST, then one PATCH per chunk with `Content-Range: <start>-<end>`, then `PUT ?digest=`. */
export async function pushBlobChunked(
  base: string,
  repo: string,
  data: Uint8Array,
  chunkSize: number,
): Promise<PushedBlob> {
  const digest = sha256Digest(data);
  const startUrl = `${base}/v2/${repo}/blobs/uploads/`;
  const start = await request('POST', startUrl, { headers: { 'content-length': '0' } }, 202);
  await start.arrayBuffer();
  let location = uploadLocation(start, base, 'POST', startUrl);
  for (let offset = 0; offset < data.byteLength; offset += chunkSize) {
    const chunk = data.subarray(offset, Math.min(offset + chunkSize, data.byteLength));
    const url = location.toString();
    const res = await request(
      'PATCH',
      url,
      {
        body: chunk,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(chunk.byteLength),
          'content-range': `${offset}-${offset + chunk.byteLength - 1}`,
        },
      },
      202,
    );
    await res.arrayBuffer();
    const range = res.headers.get('range');
    if (range !== `0-${offset + chunk.byteLength - 1}`) {
      throw new OciHttpError(
        'PATCH',
        url,
        res.status,
        `Range: ${String(range)}`,
        `Range 0-${offset + chunk.byteLength - 1}`,
      );
    }
    location = uploadLocation(res, base, 'PATCH', url);
  }
  const putUrl = withDigest(location, digest);
  const put = await request('PUT', putUrl, { headers: { 'content-length': '0' } }, 201);
  await put.arrayBuffer();
  checkDigestHeader(put, 'PUT', putUrl, digest);
  return { digest, size: data.byteLength, mode: 'chunked' };
}

function checkDigestHeader(res: Response, method: string, url: string, digest: string): void {
  const header = res.headers.get('docker-content-digest');
  if (header !== null && header !== digest) {
    throw new OciHttpError(method, url, res.status, `Docker-Content-Digest: ${header}`, `digest ${digest}`);
  }
}

/** `PUT /v2/<name>/manifests/<reference>`; expects 201 and returns the manifest's digest. */
export async function pushManifest(
  base: string,
  repo: string,
  reference: string,
  body: Uint8Array | string,
  mediaType: string,
): Promise<{ digest: string; headers: Headers }> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const digest = sha256Digest(bytes);
  const url = `${base}/v2/${repo}/manifests/${reference}`;
  const res = await request('PUT', url, { body: bytes, headers: { 'content-type': mediaType } }, 201);
  await res.arrayBuffer();
  checkDigestHeader(res, 'PUT', url, digest);
  return { digest, headers: res.headers };
}

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface FetchedManifest {
  body: Buffer;
  mediaType: string;
  /** sha256 of the body. */
  digest: string;
  /** The Docker-Content-Digest header, if any. */
  headerDigest: string | null;
}

/** `GET /v2/<name>/manifests/<reference>`; expects 200. */
export async function getManifest(base: string, repo: string, reference: string): Promise<FetchedManifest> {
  const url = `${base}/v2/${repo}/manifests/${reference}`;
  const res = await request('GET', url, { headers: { accept: MANIFEST_ACCEPT } }, 200);
  const body = Buffer.from(await res.arrayBuffer());
  return {
    body,
    mediaType: res.headers.get('content-type') ?? '',
    digest: sha256Digest(body),
    headerDigest: res.headers.get('docker-content-digest'),
  };
}

/** `HEAD /v2/<name>/blobs/<digest>`; expects 200 and returns Content-Length. */
export async function headBlob(base: string, repo: string, digest: string): Promise<number> {
  const url = `${base}/v2/${repo}/blobs/${digest}`;
  const res = await request('HEAD', url, {}, 200);
  return Number(res.headers.get('content-length'));
}

/** `GET /v2/<name>/blobs/<digest>` (following redirects); expects 200. */
export async function getBlob(base: string, repo: string, digest: string): Promise<Buffer> {
  const url = `${base}/v2/${repo}/blobs/${digest}`;
  const res = await expectStatus(await fetch(url, { headers: ADMIN_AUTH }), 'GET', url, 200);
  return Buffer.from(await res.arrayBuffer());
}
