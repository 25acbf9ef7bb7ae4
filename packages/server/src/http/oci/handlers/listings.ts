import { MediaTypes } from '../../../lib/media-types.js';
import type { ListPage } from '../../../registry-core/listings.js';
import { namePath, queryParam, sendJson, type OciContext } from '../context.js';
import { RegistryError } from '../errcode.js';

/** Largest page a client may ask for. */
export const MAX_PAGE = 10_000;
const DEFAULT_CATALOG_PAGE = 1_000;

/** GET /v2/<name>/tags/list?n=&last= */
export async function listTags(ctx: OciContext, name: string) {
  const { limit, last } = pageParams(ctx, MAX_PAGE);
  const page = await ctx.registry.listings.tags(name, limit, last);
  setLink(ctx, `/v2/${namePath(name)}/tags/list`, limit, page);
  return sendJson(ctx.reply, { name, tags: page.items });
}

/** GET /v2/_catalog?n=&last= */
export async function listCatalog(ctx: OciContext) {
  const { limit, last } = pageParams(ctx, DEFAULT_CATALOG_PAGE);
  const page = await ctx.registry.listings.catalog(limit, last, ctx.caller.catalogProjects);
  setLink(ctx, '/v2/_catalog', limit, page);
  return sendJson(ctx.reply, { repositories: page.items });
}

/** GET /v2/<name>/referrers/<digest>?artifactType= */
export async function listReferrers(ctx: OciContext, name: string, digest: string) {
  const artifactType = queryParam(ctx.req, 'artifactType');
  const records = await ctx.registry.listings.referrers(name, digest, artifactType);
  if (artifactType !== undefined) void ctx.reply.header('OCI-Filters-Applied', 'artifactType');
  const manifests = records.map((r) => ({
    mediaType: r.mediaType,
    digest: r.digest,
    size: r.size,
    ...(r.artifactType ? { artifactType: r.artifactType } : {}),
    ...(r.annotations ? { annotations: r.annotations } : {}),
  }));
  return sendJson(ctx.reply, { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }, MediaTypes.ociIndex);
}

function pageParams(ctx: OciContext, defaultLimit: number): { limit: number; last?: string | undefined } {
  const n = queryParam(ctx.req, 'n');
  let limit = defaultLimit;
  if (n !== undefined && n !== '') {
    if (!/^\d+$/.test(n))
      throw new RegistryError('PAGINATION_NUMBER_INVALID', `n must be a non-negative integer, not "${n}"`);
    limit = Math.min(Number(n), MAX_PAGE);
  }
  return { limit, last: queryParam(ctx.req, 'last') || undefined };
}

function setLink(ctx: OciContext, path: string, limit: number, page: ListPage): void {
  if (page.next === undefined) return;
  const query = `n=${limit}&last=${encodeURIComponent(page.next)}`;
  void ctx.reply.header('Link', `<${ctx.baseUrl}${path}?${query}>; rel="next"`);
}
