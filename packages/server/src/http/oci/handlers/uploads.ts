import { ContentMissingError } from '../../../domain/errors.js';
import { parseContentRange } from '../../../lib/range-header.js';
import type { BlobRecord } from '../../../ports/metadata-store.js';
import type { UploadStatus } from '../../../registry-core/uploads.js';
import { logContentMissing } from '../../error-handler.js';
import { actorOf, hasBody, location, namePath, queryParam, type OciContext } from '../context.js';
import { RegistryError } from '../errcode.js';

/** POST /v2/<name>/blobs/uploads/: mount, monolithic upload, or a new session. */
export async function startUpload(ctx: OciContext, name: string) {
  const { req, registry } = ctx;
  const mount = queryParam(req, 'mount');
  const from = queryParam(req, 'from');
  if (mount && from && ctx.caller.mayMount) {
    const blob = await registry.blobs.mount(name, mount, from, actorOf(ctx)).catch((err: unknown) => {
      // The source's content has vanished: log it and fall back to an upload session, as distribution does.
      if (!(err instanceof ContentMissingError)) throw err;
      logContentMissing(req.log, err);
      return undefined;
    });
    if (blob) return blobCreated(ctx, name, blob);
  }
  const digest = queryParam(req, 'digest');
  if (digest !== undefined && !mount) {
    return blobCreated(ctx, name, await registry.uploads.monolithic(name, digest, req.raw, actorOf(ctx)));
  }
  return uploadAccepted(ctx, name, await registry.uploads.start(name, actorOf(ctx)));
}

/** GET /v2/<name>/blobs/uploads/<id>: progress of a session. */
export async function uploadStatus(ctx: OciContext, name: string, id: string) {
  const status = await ctx.registry.uploads.status(name, id);
  return uploadAccepted(ctx, name, status, 204);
}

/** PATCH /v2/<name>/blobs/uploads/<id>: append a chunk (streamed, or at an explicit Content-Range). */
export async function patchUpload(ctx: OciContext, name: string, id: string) {
  const position = chunkPosition(ctx);
  const status = await ctx.registry.uploads.append(name, id, ctx.req.raw, position, actorOf(ctx));
  return uploadAccepted(ctx, name, status);
}

/** PUT /v2/<name>/blobs/uploads/<id>?digest=: finish, with or without a last chunk. */
export async function finishUpload(ctx: OciContext, name: string, id: string) {
  const digest = queryParam(ctx.req, 'digest');
  if (!digest) throw new RegistryError('DIGEST_INVALID', 'the digest query parameter is required to finish an upload');
  const body = hasBody(ctx.req) ? ctx.req.raw : undefined;
  const blob = await ctx.registry.uploads.complete(name, id, digest, body, body && chunkPosition(ctx), actorOf(ctx));
  return blobCreated(ctx, name, blob);
}

/** DELETE /v2/<name>/blobs/uploads/<id>: cancel. */
export async function cancelUpload(ctx: OciContext, name: string, id: string) {
  await ctx.registry.uploads.cancel(name, id, actorOf(ctx));
  return ctx.reply.code(204).header('Content-Length', 0).send();
}

function chunkPosition(ctx: OciContext): { start: number } | undefined {
  const range = parseContentRange(ctx.req.headers['content-range']);
  if (range === undefined) return undefined;
  if (range === 'malformed') {
    throw new RegistryError('RANGE_INVALID', `malformed Content-Range "${ctx.req.headers['content-range']}"`);
  }
  const length = ctx.req.headers['content-length'];
  if (length !== undefined && Number(length) !== range.end - range.start + 1) {
    throw new RegistryError(
      'RANGE_INVALID',
      `Content-Range ${range.start}-${range.end} does not match Content-Length ${length}`,
    );
  }
  return { start: range.start };
}

function blobCreated(ctx: OciContext, name: string, blob: BlobRecord) {
  return ctx.reply
    .code(201)
    .header('Location', location(ctx, `/v2/${namePath(name)}/blobs/${blob.digest}`))
    .header('Docker-Content-Digest', blob.digest)
    .header('Content-Length', 0)
    .send();
}

function uploadAccepted(ctx: OciContext, name: string, status: UploadStatus, code = 202) {
  return ctx.reply
    .code(code)
    .header('Location', location(ctx, `/v2/${namePath(name)}/blobs/uploads/${status.id}`))
    .header('Range', `0-${Math.max(status.size - 1, 0)}`)
    .header('Docker-Upload-UUID', status.id)
    .header('Content-Length', 0)
    .send();
}
