import type { RetentionPolicy, RetentionPolicyData } from '../domain/retention-policy.js';

/** What a retention task found in its repository (Harbor keeps these in the task's extra attributes). */
export interface RetentionTaskResult {
  /** Candidate artifacts. */
  readonly total: number;
  /** Candidates kept: retained by a rule, or protected by an immutable tag. */
  readonly retained: number;
  /** What the task deleted (not for dry runs), for Harbor's TAG_RETENTION webhook. */
  readonly deleted?: readonly RetentionDeletedArtifact[] | undefined;
}

/** A deleted artifact as Harbor's webhook names it: `repository:tag` (or `repository@digest` when untagged). */
export interface RetentionDeletedArtifact {
  /** Harbor's artifact type, e.g. IMAGE. */
  readonly type: string;
  readonly nameTag: string;
}

/**
 * Tag retention policies (migration 0014-retention): at most one per project, going with it (foreign key); the
 * policy's rules and trigger are kept as Harbor's JSON. Beside them, each retention task's counts, going with the
 * job engine's task (foreign key).
 */
export interface RetentionRecords {
  get(id: number): Promise<RetentionPolicy | undefined>;
  ofProject(projectId: number): Promise<RetentionPolicy | undefined>;
  /** ConflictError when the project has a policy already. */
  create(projectId: number, data: RetentionPolicyData, at: Date): Promise<RetentionPolicy>;
  /** False when no such policy exists. */
  update(id: number, data: RetentionPolicyData, at: Date): Promise<boolean>;
  delete(id: number): Promise<boolean>;
  /** Records (or replaces) a task's counts. */
  saveTaskResult(taskId: number, result: RetentionTaskResult): Promise<void>;
  /** The counts of these tasks; tasks without any are absent. */
  taskResults(taskIds: readonly number[]): Promise<Map<number, RetentionTaskResult>>;
}
