/** The OCI Distribution calls the benchmark needs, on top of HttpClient, with Docker token auth where configured. */
import { CATALOG_SCOPE, repositoryScope, TokenAuth, type BasicCredentials } from './auth.js';
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

const pushScope = (repo: string): string => repositoryScope(repo, 'pull,push');
const pullScope = (repo: string): string => repositoryScope(repo, 'pull');

export interface ListingResult {
  readonly entries: number;
  readonly pages: number;
}

/** A request whose body can be produced again, so that a request refused for its token can be retried. */
interface AuthorizedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: () => Body;
}

export class RegistryClient {
  readonly http: HttpClient;
  /** Undefined for a registry without authentication (the reference): no Authorization header is ever sent. */
  private readonly auth: TokenAuth | undefined;

  constructor(baseUrl: string, credentials?: BasicCredentials, maxSockets = 64) {
    this.http = new HttpClient(baseUrl, maxSockets);
    this.auth = credentials === undefined ? undefined : new TokenAuth(this.http, credentials);
  }

  /** Tokens fetched from the registry's token service by this client. */
  get tokenRequests(): number {
    return this.auth?.tokenRequests ?? 0;
  }

  /** `{ authorization: 'Bearer …' }` for `scope`, or `{}` for a registry without authentication. */
  async authHeaders(scope: string): Promise<Record<string, string>> {
    return this.auth === undefined ? {} : { authorization: await this.auth.authorization(scope) };
  }

  /** Sends `req` with a token for `scope`; once more with a new token if the registry refused the cached one. */
  private async send(scope: string, req: AuthorizedRequest): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authHeaders(scope);
      const body = req.body?.();
      const res = await this.http.request({
        method: req.method,
        url: req.url,
        headers: { ...req.headers, ...auth },
        ...(body === undefined ? {} : { body }),
      });
      const retry =
        attempt === 0 &&
        this.auth?.refused(res.status, header(res, 'www-authenticate'), scope, auth['authorization']) === true;
      if (!retry) return res;
    }
  }

  /** `GET /v2/`, with a token without scope where authentication is configured (what `docker login` checks). */
  async ping(): Promise<void> {
    expectStatus('GET /v2/', await this.send('', { method: 'GET', url: '/v2/' }), 200);
  }

  /** POST an upload session; returns its Location. */
  async startUpload(repo: string): Promise<string> {
    const res = await this.send(pushScope(repo), {
      method: 'POST',
      url: `/v2/${repo}/blobs/uploads/`,
      headers: { 'content-length': 0 },
    });
    expectStatus(`POST /v2/${repo}/blobs/uploads/`, res, 202);
    const loc = header(res, 'location');
    if (loc === undefined) throw new Error(`POST /v2/${repo}/blobs/uploads/: 202 without Location`);
    return loc;
  }

  /** POST + PUT ?digest= with the whole body (`body` is called once per attempt). */
  async pushMonolithic(repo: string, digest: string, body: () => Body, length: number): Promise<void> {
    const loc = await this.startUpload(repo);
    const res = await this.send(pushScope(repo), {
      method: 'PUT',
      url: withQuery(loc, 'digest', digest),
      headers: { 'content-type': 'application/octet-stream', 'content-length': length },
      body,
    });
    expectStatus(`PUT ${repo} blob ${digest.slice(0, 19)}`, res, 201);
  }

  async pushSmallBlob(repo: string, blob: SmallBlob): Promise<void> {
    await this.pushMonolithic(repo, blob.digest, () => blob.data, blob.data.length);
  }

  /** POST, PATCH chunks with Content-Range, then PUT ?digest= with an empty body. */
  async pushChunked(repo: string, source: BlobSource, chunkBytes: number): Promise<number> {
    let loc = await this.startUpload(repo);
    let chunks = 0;
    for (let start = 0; start < source.size; start += chunkBytes) {
      const end = Math.min(start + chunkBytes, source.size);
      const res = await this.send(pushScope(repo), {
        method: 'PATCH',
        url: loc,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': end - start,
          'content-range': `${start}-${end - 1}`,
        },
        body: () => source.chunks(start, end),
      });
      expectStatus(`PATCH ${repo} chunk ${chunks}`, res, 202);
      loc = header(res, 'location') ?? loc;
      chunks++;
    }
    const res = await this.send(pushScope(repo), {
      method: 'PUT',
      url: withQuery(loc, 'digest', source.digest()),
      headers: { 'content-length': 0 },
    });
    expectStatus(`PUT ${repo} (chunked upload close)`, res, 201);
    return chunks;
  }

  async putManifest(repo: string, reference: string, manifest: Buffer, mediaType = OCI_MANIFEST): Promise<void> {
    const res = await this.send(pushScope(repo), {
      method: 'PUT',
      url: `/v2/${repo}/manifests/${reference}`,
      headers: { 'content-type': mediaType, 'content-length': manifest.length },
      body: () => manifest,
    });
    expectStatus(`PUT /v2/${repo}/manifests/${reference}`, res, 201);
  }

  async pushImage(repo: string, tag: string, image: SmallImage): Promise<void> {
    await this.pushSmallBlob(repo, image.config);
    for (const layer of image.layers) await this.pushSmallBlob(repo, layer);
    await this.putManifest(repo, tag, image.manifest);
  }

  /** DELETE /v2/<repo>/manifests/<digest>: the manifest and its tags (202). */
  async deleteManifest(repo: string, digest: string): Promise<void> {
    const res = await this.send(`repository:${repo}:delete`, {
      method: 'DELETE',
      url: `/v2/${repo}/manifests/${digest}`,
    });
    expectStatus(`DELETE /v2/${repo}/manifests/${digest.slice(0, 19)}`, res, 202);
  }

  async getManifest(repo: string, reference: string, method: 'GET' | 'HEAD'): Promise<HttpResponse> {
    const res = await this.send(pullScope(repo), {
      method,
      url: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: MANIFEST_ACCEPT },
    });
    return expectStatus(`${method} /v2/${repo}/manifests/${reference}`, res, 200);
  }

  /** GET a blob, discarding the body; returns the number of bytes received. */
  async pullBlob(repo: string, digest: string): Promise<number> {
    const scope = pullScope(repo);
    const url = this.http.resolve(`/v2/${repo}/blobs/${digest}`);
    for (let attempt = 0; ; attempt++) {
      const auth = await this.authHeaders(scope);
      const res = await rawGet(url, auth);
      if (res.status === 200) return res.bytes;
      if (attempt === 0 && this.auth?.refused(res.status, res.wwwAuthenticate, scope, auth['authorization'])) continue;
      throw new Error(
        `GET /v2/${repo}/blobs/${digest.slice(0, 19)}: expected HTTP 200, got ${res.status}: ${res.preview}`,
      );
    }
  }

  /**
   * Follows `Link: <...>; rel="next"` from `firstUrl` until the last page; counts the entries under `key`. The
   * token scope is the repository's pull for tags/list and `registry:catalog:*` for the catalog.
   */
  async listAll(firstUrl: string, key: 'tags' | 'repositories', repo?: string): Promise<ListingResult> {
    const scope = key === 'repositories' ? CATALOG_SCOPE : pullScope(repo ?? '');
    if (key === 'tags' && repo === undefined) throw new Error('listAll: tags/list needs the repository name');
    let url: string | undefined = firstUrl;
    let entries = 0;
    let pages = 0;
    while (url !== undefined) {
      const res = expectStatus(`GET ${url}`, await this.send(scope, { method: 'GET', url }), 200);
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
