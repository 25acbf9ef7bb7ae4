import type { Readable } from 'node:stream';
import { parseRangeHeader } from '../../../lib/range-header.js';
import { actorOf, type OciContext } from '../context.js';
import { RegistryError } from '../errcode.js';

/** GET and HEAD /v2/<name>/blobs/<digest>, with single byte ranges. */
export async function getBlob(ctx: OciContext, name: string, digest: string, head: boolean) {
  const { reply, registry } = ctx;
  // Content lost from storage is 404 for both methods. HEAD, and a GET that a backend's URL may serve, ask storage; a
  // GET that streams learns it by opening the content, which it does before setting any header.
  const streams = !head && !registry.blobs.redirects;
  const blob = streams ? await registry.blobs.find(name, digest) : await registry.blobs.stat(name, digest);
  // A backend with its own URLs (an object store) serves the bytes, ranges included; HEAD is answered here.
  const redirect = head ? undefined : await registry.blobs.redirectUrl(blob);
  if (redirect) {
    if (registry.blobs.reportsPulls) registry.blobs.pulled(name, blob, actorOf(ctx));
    return reply.code(307).header('Location', redirect).header('Docker-Content-Digest', blob.digest).send();
  }
  const range = parseRangeHeader(ctx.req.headers.range, blob.size);
  let content: Readable | undefined;
  if (range !== 'unsatisfiable') {
    if (!head) content = await registry.blobs.open(blob, range);
  } else if (streams) {
    await registry.blobs.assertContent(blob); // lost content is 404 before a range is judged, as with the stat
  }
  void reply
    .header('Docker-Content-Digest', blob.digest)
    .header('ETag', `"${blob.digest}"`)
    .header('Accept-Ranges', 'bytes')
    .header('Cache-Control', 'max-age=31536000')
    .type('application/octet-stream');
  if (range === 'unsatisfiable') {
    void reply.header('Content-Range', `bytes */${blob.size}`);
    throw new RegistryError('RANGE_INVALID', `range ${ctx.req.headers.range} cannot be satisfied`, undefined, 416);
  }
  if (range) {
    void reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${blob.size}`);
  }
  // A GET that serves content is a pull (distribution notifies ranged GETs too); built only for a listener.
  if (!head && registry.blobs.reportsPulls) registry.blobs.pulled(name, blob, actorOf(ctx));
  const length = range ? range.end - range.start + 1 : blob.size;
  void reply.header('Content-Length', length);
  return content === undefined ? reply.send() : reply.send(content);
}

/** DELETE /v2/<name>/blobs/<digest>: unlinks the blob from the repository. */
export async function deleteBlob(ctx: OciContext, name: string, digest: string) {
  await ctx.registry.blobs.delete(name, digest, actorOf(ctx));
  return ctx.reply.code(202).header('Content-Length', 0).send();
}
