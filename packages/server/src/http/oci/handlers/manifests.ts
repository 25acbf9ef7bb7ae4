import type { FastifyRequest } from 'fastify';
import { InvalidError, NotFoundError } from '../../../domain/errors.js';
import { actorOf, location, namePath, type OciContext } from '../context.js';

/** GET and HEAD /v2/<name>/manifests/<reference>, honouring Accept. */
export async function getManifest(ctx: OciContext, name: string, reference: string, head: boolean) {
  const { reply, registry } = ctx;
  const record = await registry.manifests.resolve(name, reference);
  if (!accepts(ctx.req, record.mediaType)) {
    throw new NotFoundError(
      'manifest',
      reference,
      `manifest ${reference} is a ${record.mediaType}, which the Accept header does not allow`,
    );
  }
  // Read before answering, HEAD too: content lost from storage is MANIFEST_UNKNOWN for both (and then cached for the
  // GET that usually follows a HEAD). A GET is a pull: the core asks the pull policies and records it.
  const content = head
    ? (registry.manifests.cachedContent(record.digest) ?? (await registry.manifests.content(record.digest)))
    : await registry.manifests.pull(name, record, reference, actorOf(ctx));
  void reply
    .type(record.mediaType)
    .header('Docker-Content-Digest', record.digest)
    .header('ETag', `"${record.digest}"`)
    .header('Content-Length', record.size);
  if (head) return reply.send();
  return reply.send(content);
}

/** PUT /v2/<name>/manifests/<reference>. */
export async function putManifest(ctx: OciContext, name: string, reference: string) {
  const { req, reply, registry } = ctx;
  const body = await readBody(req, registry.manifests.maxManifestBytes);
  const result = await registry.manifests.put(name, reference, body, req.headers['content-type'], actorOf(ctx));
  if (result.subject) void reply.header('OCI-Subject', result.subject);
  return reply
    .code(201)
    .header('Location', location(ctx, `/v2/${namePath(name)}/manifests/${result.digest}`))
    .header('Docker-Content-Digest', result.digest)
    .header('Content-Length', 0)
    .send();
}

/** DELETE /v2/<name>/manifests/<reference>: a tag, or a manifest and its tags. */
export async function deleteManifest(ctx: OciContext, name: string, reference: string) {
  await ctx.registry.manifests.delete(name, reference, actorOf(ctx));
  return ctx.reply.code(202).header('Content-Length', 0).send();
}

/** An absent Accept, or one naming the type or a wildcard, allows the manifest. */
function accepts(req: FastifyRequest, mediaType: string): boolean {
  const header = req.headers.accept;
  if (!header) return true;
  const accepted = header.split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  return accepted.some((type) => type === '' || type === '*/*' || type === 'application/*' || type === mediaType);
}

async function readBody(req: FastifyRequest, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(declared, limit);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req.raw) {
    total += (chunk as Buffer).length;
    if (total > limit) throw tooLarge(total, limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(size: number, limit: number): InvalidError {
  return new InvalidError('too-large', `manifest is larger than the ${limit}-byte limit (${size} bytes sent)`);
}
