import type { ImmutableRule, ImmutableRuleSpec } from '../domain/immutable-rules.js';

/**
 * A project's immutable tag rules (migration 0011-immutable-labels). Rules go with their project (foreign key). Two
 * rules of one project with the same selectors are a ConflictError, as in Harbor.
 */
export interface ImmutableRuleRecords {
  /** The project's rules in id order. */
  ofProject(projectId: number): Promise<ImmutableRule[]>;
  get(id: number): Promise<ImmutableRule | undefined>;
  count(projectId: number): Promise<number>;
  create(projectId: number, spec: ImmutableRuleSpec, at: Date): Promise<ImmutableRule>;
  /** False when no such rule exists. */
  update(id: number, spec: ImmutableRuleSpec, at: Date): Promise<boolean>;
  delete(id: number): Promise<boolean>;
}
