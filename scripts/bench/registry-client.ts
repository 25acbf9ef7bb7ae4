/** The OCI Distribution calls the benchmark needs, on top of HttpClient. */
import type { BlobSource } from './blob-source.js';
import { expectStatus, header, HttpClient, type Body, type HttpResponse } from './http-client.js';
import { rawGet } from './raw-download.js';
import { MANIFEST_ACCEPT, OCI_MANIFEST, type SmallBlob, type SmallImage } from './oci.js';

function withQuery(location: string, key: string, value: string): string {
  const sep = location.includes('?') ? '&' : '?';
  return `${location}${sep}${key}=${encodeURIComponent(value)}`;
}

function nextLink(res: HttpResponse): string | undefined {
  const link = header(res, 'link');
  if (link === undefined) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  return m?.[1];
}

export interface ListingResult {
  readonly entries: number;
  readonly pages: number;
}

export class RegistryClient {
  readonly http: HttpClient;

  constructor(baseUrl: string, maxSockets = 64) {
    this.http = new HttpClient(baseUrl, maxSockets);
  }

  async ping(): Promise<void> {
    expectStatus('GET /v2/', await this.http.request({ method: 'GET', url: '/v2/' }), 200);
  }

  /** POST an upload session; returns its Location. */
  async startUpload(repo: string): Promise<string> {
    const res = await this.http.request({
      method: 'POST',
      url: `/v2/${repo}/blobs/uploads/`,
      headers: { 'content-length': 0 },
    });
    expectStatus(`POST /v2/${repo}/blobs/uploads/`, res, 202);
    const loc = header(res, 'location');
    if (loc === undefined) throw new Error(`POST /v2/${repo}/blobs/uploads/: 202 without Location`);
    return loc;
  }

  /** POST + PUT ?digest= with the whole body. */
  async pushMonolithic(repo: string, digest: string, body: Body, length: number): Promise<void> {
    const loc = await this.startUpload(repo);
    const res = await this.http.request({
      method: 'PUT',
      url: withQuery(loc, 'digest', digest),
      headers: { 'content-type': 'application/octet-stream', 'content-length': length },
      body,
    });
    expectStatus(`PUT ${repo} blob ${digest.slice(0, 19)}`, res, 201);
  }

  async pushSmallBlob(repo: string, blob: SmallBlob): Promise<void> {
    await this.pushMonolithic(repo, blob.digest, blob.data, blob.data.length);
  }

  /** POST, PATCH chunks with Content-Range, then PUT ?digest= with an empty body. */
  async pushChunked(repo: string, source: BlobSource, chunkBytes: number): Promise<number> {
    let loc = await this.startUpload(repo);
    let chunks = 0;
    for (let start = 0; start < source.size; start += chunkBytes) {
      const end = Math.min(start + chunkBytes, source.size);
      const res = await this.http.request({
        method: 'PATCH',
        url: loc,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': end - start,
          'content-range': `${start}-${end - 1}`,
        },
        body: source.chunks(start, end),
      });
      expectStatus(`PATCH ${repo} chunk ${chunks}`, res, 202);
      loc = header(res, 'location') ?? loc;
      chunks++;
    }
    const res = await this.http.request({
      method: 'PUT',
      url: withQuery(loc, 'digest', source.digest()),
      headers: { 'content-length': 0 },
    });
    expectStatus(`PUT ${repo} (chunked upload close)`, res, 201);
    return chunks;
  }

  async putManifest(repo: string, reference: string, manifest: Buffer, mediaType = OCI_MANIFEST): Promise<void> {
    const res = await this.http.request({
      method: 'PUT',
      url: `/v2/${repo}/manifests/${reference}`,
      headers: { 'content-type': mediaType, 'content-length': manifest.length },
      body: manifest,
    });
    expectStatus(`PUT /v2/${repo}/manifests/${reference}`, res, 201);
  }

  async pushImage(repo: string, tag: string, image: SmallImage): Promise<void> {
    await this.pushSmallBlob(repo, image.config);
    for (const layer of image.layers) await this.pushSmallBlob(repo, layer);
    await this.putManifest(repo, tag, image.manifest);
  }

  async getManifest(repo: string, reference: string, method: 'GET' | 'HEAD'): Promise<HttpResponse> {
    const res = await this.http.request({
      method,
      url: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    return expectStatus(`${method} /v2/${repo}/manifests/${reference}`, res, 200);
  }

  /** GET a blob, discarding the body; returns the number of bytes received. */
  async pullBlob(repo: string, digest: string): Promise<number> {
    const res = await rawGet(this.http.resolve(`/v2/${repo}/blobs/${digest}`));
    if (res.status !== 200) {
      throw new Error(
        `GET /v2/${repo}/blobs/${digest.slice(0, 19)}: expected HTTP 200, got ${res.status}: ${res.preview}`,
      );
    }
    return res.bytes;
  }

  /** Follows `Link: <...>; rel="next"` from `firstUrl` until the last page; counts the entries under `key`. */
  async listAll(firstUrl: string, key: 'tags' | 'repositories'): Promise<ListingResult> {
    let url: string | undefined = firstUrl;
    let entries = 0;
    let pages = 0;
    while (url !== undefined) {
      const res = expectStatus(`GET ${url}`, await this.http.request({ method: 'GET', url }), 200);
      const doc = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
      const list = doc[key];
      entries += Array.isArray(list) ? list.length : 0;
      pages++;
      if (pages > 100_000) throw new Error(`GET ${firstUrl}: pagination does not terminate`);
      url = nextLink(res);
    }
    return { entries, pages };
  }

  close(): void {
    this.http.close();
  }
}
