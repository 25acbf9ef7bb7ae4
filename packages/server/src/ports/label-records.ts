import type { LabelScope } from '../domain/labels.js';
import type { PagedResult, PageQuery } from './identity/paging.js';

export interface LabelRecord {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly color: string;
  /** `g` global (system administrators manage it), `p` one project's. */
  readonly scope: LabelScope;
  /** The project of a `p` label; undefined for a global one. */
  readonly projectId: number | undefined;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewLabel {
  readonly name: string;
  readonly description: string;
  readonly color: string;
  readonly scope: LabelScope;
  readonly projectId?: number | undefined;
}

export type LabelChange = Pick<NewLabel, 'name' | 'description' | 'color'>;

export type LabelSortBy = 'id' | 'name' | 'creationTime' | 'updateTime';

export interface LabelQuery extends PageQuery {
  readonly scope: LabelScope;
  /** Only with scope `p`. */
  readonly projectId?: number | undefined;
  /** Substring of the name (Harbor's fuzzy `name`). */
  readonly nameContains?: string | undefined;
  /** Exact name (`q=name=…`). */
  readonly name?: string | undefined;
  readonly sort?: readonly { readonly by: LabelSortBy; readonly direction: 'asc' | 'desc' }[] | undefined;
}

/** A label attached to an artifact (manifest). */
export interface LabelAttachment {
  readonly manifestId: number;
  readonly label: LabelRecord;
}

/**
 * Labels and their attachment to artifacts (migration 0011-immutable-labels). Names are unique among the global
 * labels and within each project's (ConflictError). Deleting a label detaches it from every artifact; deleting a
 * project deletes its labels; deleting a manifest drops its attachments (foreign keys).
 */
export interface LabelRecords {
  create(label: NewLabel, at: Date): Promise<LabelRecord>;
  get(id: number): Promise<LabelRecord | undefined>;
  query(query: LabelQuery): Promise<PagedResult<LabelRecord>>;
  /** False when no such label exists. */
  update(id: number, change: LabelChange, at: Date): Promise<boolean>;
  delete(id: number): Promise<boolean>;
  /** False (changing nothing) when the label is attached already. */
  attach(labelId: number, manifestId: number, at: Date): Promise<boolean>;
  /** False when the label was not attached. */
  detach(labelId: number, manifestId: number): Promise<boolean>;
  /** The labels of these manifests, in label id then manifest id order (artifact views). */
  ofManifests(manifestIds: readonly number[]): Promise<LabelAttachment[]>;
  /** The label ids of each of these manifests (retention's label selectors); manifests without labels are absent. */
  idsOfManifests(manifestIds: readonly number[]): Promise<Map<number, number[]>>;
}
