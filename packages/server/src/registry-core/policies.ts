import type { Operator } from '../domain/events.js';
import type { Emit } from '../events/unit-of-work.js';
import type { StoreRecords } from '../ports/store.js';

/**
 * A change of registry state the policy chain is asked about, at the fixed points where the core makes it. Each
 * names the repository (project first) and what is about to change.
 */
export type RegistryWrite =
  | { readonly kind: 'upload.start'; readonly repository: string }
  | { readonly kind: 'upload.chunk' | 'upload.cancel'; readonly repository: string; readonly uploadId: string }
  | {
      readonly kind: 'upload.complete';
      readonly repository: string;
      readonly digest: string;
      readonly size: number;
      /** False when the repository already holds this blob (it adds no bytes to it). */
      readonly newToRepository: boolean;
    }
  | { readonly kind: 'blob.mount'; readonly repository: string; readonly digest: string; readonly size: number }
  | { readonly kind: 'blob.delete'; readonly repository: string; readonly digest: string }
  | {
      readonly kind: 'manifest.put';
      readonly repository: string;
      readonly digest: string;
      readonly mediaType: string;
      readonly size: number;
      readonly tag?: string | undefined;
      readonly subject?: string | undefined;
      /** Digests of the blobs and child manifests it references. */
      readonly references: readonly string[];
    }
  | {
      readonly kind: 'tag.create' | 'tag.move' | 'tag.delete';
      readonly repository: string;
      readonly tag: string;
      /** The manifest the tag points at after the change (before it, for a delete). */
      readonly digest: string;
      /** For a move: the manifest it pointed at. */
      readonly previous?: string | undefined;
    }
  | {
      readonly kind: 'artifact.delete';
      readonly repository: string;
      readonly digest: string;
      readonly tags: readonly string[];
    }
  | { readonly kind: 'repository.delete'; readonly repository: string };

export type RegistryWriteKind = RegistryWrite['kind'];

/** A manifest about to be served by GET (HEAD is not a pull). */
export interface RegistryPull {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly tag?: string | undefined;
}

/** Who asks: the operator (from the request's security context, or the system for jobs). */
export interface PolicyContext {
  readonly by?: Operator | undefined;
  /** The open transaction of the change, when the point is inside one (every point but upload start and chunks). */
  readonly tx?: StoreRecords | undefined;
  /**
   * Records an event in the change's unit of work (committed with it), at the points that add content: upload
   * completion, blob mount and manifest put (a quota warning).
   */
  readonly emit?: Emit | undefined;
}

/**
 * One link of the policy chain (Harbor's per-endpoint middlewares: read-only, quota, immutability, content trust,
 * vulnerability blocking, proxy cache). A link refuses by throwing a domain error (PermissionDeniedError,
 * QuotaExceededError, …), which the HTTP edge serialises. When `ctx.tx` is set it reads and writes only through
 * it: the store's own records (or a cache that reads through them) would wait, on SQLite, for the one connection
 * the transaction holds.
 */
export interface RegistryPolicy {
  readonly name: string;
  beforeWrite?(write: RegistryWrite, ctx: PolicyContext): Promise<void>;
  beforePull?(pull: RegistryPull, ctx: PolicyContext): Promise<void>;
}

/**
 * The ordered chain of policies the core consults at each point. Links without a method for a point cost nothing
 * there: the chain keeps one array per point, so a pull with no pull policy is a length check.
 */
export class PolicyChain {
  private readonly writes: RegistryPolicy[];
  private readonly pulls: RegistryPolicy[];

  constructor(readonly policies: readonly RegistryPolicy[] = []) {
    this.writes = policies.filter((p) => p.beforeWrite !== undefined);
    this.pulls = policies.filter((p) => p.beforePull !== undefined);
  }

  /** A chain with `policy` appended (features add their links at start). */
  with(policy: RegistryPolicy): PolicyChain {
    return new PolicyChain([...this.policies, policy]);
  }

  async beforeWrite(write: RegistryWrite, ctx: PolicyContext = {}): Promise<void> {
    for (const policy of this.writes) await policy.beforeWrite!(write, ctx);
  }

  get checksPulls(): boolean {
    return this.pulls.length > 0;
  }

  async beforePull(pull: RegistryPull, ctx: PolicyContext = {}): Promise<void> {
    for (const policy of this.pulls) await policy.beforePull!(pull, ctx);
  }
}

/** What the read-only link asks: whether writes are refused now, and the refusal to throw. */
export interface WriteSwitch {
  /**
   * Throws (a PermissionDeniedError) while the registry is read-only. `within` is the open transaction's settings,
   * to read through when the answer is not cached.
   */
  assertWritable(within?: StoreRecords['settings']): Promise<void>;
}

/** The first link: read-only mode refuses every write (Harbor's and distribution's read-only middleware). */
export function readOnlyPolicy(state: WriteSwitch): RegistryPolicy {
  return {
    name: 'read-only',
    beforeWrite: (_write, ctx) => state.assertWritable(ctx.tx?.settings),
  };
}
