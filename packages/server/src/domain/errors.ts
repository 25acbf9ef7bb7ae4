import type { DomainEventBody, Operator } from './events.js';

/**
 * Errors the registry core and services throw. They carry no HTTP knowledge: the HTTP edge
 * (http/error-handler.ts) maps them to wire codes.
 */
export type Entity =
  | 'blob'
  | 'manifest'
  | 'repository'
  | 'upload'
  | 'tag'
  | 'artifact'
  | 'project'
  | 'member'
  | 'robot'
  | 'user'
  | 'user-group'
  | 'session'
  | 'immutable-rule'
  | 'label'
  | 'job'
  | 'quota'
  | 'tag-history';

export abstract class DomainError extends Error {
  abstract readonly kind: string;
  /**
   * Events to record although the refused change rolls back (a push refused for quota records `quota.exceeded`):
   * the unit of work appends them to the outbox in a transaction of their own after the rollback.
   */
  recordAfterRollback?: readonly { readonly event: DomainEventBody; readonly by?: Operator | undefined }[];
}

export class NotFoundError extends DomainError {
  readonly kind = 'not-found';
  constructor(
    readonly entity: Entity,
    readonly id: string,
    message = `${entity} ${id} not found`,
  ) {
    super(message);
  }
}

/**
 * Content the metadata records but storage no longer holds (a file deleted or lost on disk). Answered like content
 * that does not exist (BLOB_UNKNOWN, MANIFEST_UNKNOWN), and logged as a warning with the digest and the path, since
 * it means the storage and the database disagree.
 */
export class ContentMissingError extends NotFoundError {
  constructor(
    entity: 'blob' | 'manifest',
    readonly digest: string,
    readonly path: string,
  ) {
    super(entity, digest, `${entity} ${digest} is recorded but its content is missing from storage`);
  }
}

/** The request is not acceptable; `code` names the precise OCI-level reason. */
export type InvalidReason =
  | 'name' // repository name grammar
  | 'reference' // tag or digest grammar in a manifest reference
  | 'digest' // digest malformed, unsupported or not matching content
  | 'size' // declared size does not match content
  | 'manifest' // manifest malformed or fails schema
  | 'manifest-blob-unknown' // manifest refers to a blob or child manifest the repository lacks
  | 'upload' // upload session misuse (bad body, bad parameters)
  | 'range' // Content-Range out of order or overlapping
  | 'too-large' // body exceeds a configured limit
  | 'field'; // a field or parameter of a management API request (missing, malformed, against a policy)

export class InvalidError extends DomainError {
  readonly kind = 'invalid';
  constructor(
    readonly reason: InvalidReason,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict';
}

export class UnauthenticatedError extends DomainError {
  readonly kind = 'unauthenticated';
}

export class PermissionDeniedError extends DomainError {
  readonly kind = 'permission-denied';
}

/** Harbor's display of a byte count (pkg/quota/types/format.go): `512 B`, `1.5 MiB`. */
export function formatBytes(value: number): string {
  if (value < 1024) return `${value} B`;
  let div = 1024;
  let exp = 0;
  for (let n = Math.floor(value / 1024); n >= 1024; n = Math.floor(n / 1024)) {
    div *= 1024;
    exp++;
  }
  return `${(value / div).toFixed(1)} ${'KMGTPE'[exp]}iB`;
}

/**
 * A write refused because it would take the project's storage past its quota. Harbor answers it as a DeniedError
 * (403 `DENIED` on /v2) with the message of its ResourceOverflow error.
 */
export class QuotaExceededError extends PermissionDeniedError {
  constructor(
    readonly projectId: number,
    /** Bytes the project used before the write. */
    readonly used: number,
    /** Bytes the write would add. */
    readonly requested: number,
    /** The hard limit in bytes. */
    readonly hard: number,
  ) {
    super(
      `Quota exceeded when processing the request of adding ${formatBytes(requested)} of storage resource, which ` +
        `when updated to current usage of ${formatBytes(used)} will exceed the configured upper limit of ` +
        `${formatBytes(hard)}.`,
    );
  }
}

/** The target is not in a state that allows the request (deleting a project that still holds repositories). */
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed';
}

/**
 * The request cannot be served now but may succeed when repeated: another node is working on the same upload
 * session, or took it over from this one. `retryAfterSeconds` says when trying again makes sense.
 */
export class UnavailableError extends DomainError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
