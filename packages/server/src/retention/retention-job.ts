import { artifactTypeOf } from '../domain/artifact-type.js';
import { NotFoundError } from '../domain/errors.js';
import { isImmutable } from '../domain/immutable-rules.js';
import type { JobEngine, JobType, TaskLogger } from '../jobs/engine.js';
import type { RepositoryRecord } from '../ports/metadata-store.js';
import type { RetentionDeletedArtifact } from '../ports/retention-records.js';
import type { Store } from '../ports/store.js';
import type { Registry } from '../registry-core/registry.js';
import { operatorOf } from '../services/authenticator.js';
import { countsOf, evaluate, type Candidate, type Decision } from './evaluator.js';
import {
  RETENTION_JOB,
  RETENTION_TRIGGER_JOB,
  type RetentionService,
  type RetentionTaskParams,
} from './retention-service.js';

const PAGE = 100;

/**
 * The repository's candidates (Harbor's ListAllArtifacts): the artifacts an artifact list shows (tagged ones, and
 * untagged ones in no index; no accessories), each with all its tags, its labels' names, the latest push (the
 * artifact's or a tag's) and the latest pull (0 when never).
 */
export async function candidatesOf(store: Store, repository: RepositoryRecord): Promise<Candidate[]> {
  const candidates: Candidate[] = [];
  const labelNames = new Map<number, string>();
  for (let page = 1; ; page++) {
    const { items } = await store.manifests.query(repository.id, { page, pageSize: PAGE });
    if (items.length === 0) break;
    const ids = items.map((m) => m.id);
    const tags = await store.tags.ofManifests(ids);
    const labelIds = await store.labels.idsOfManifests(ids);
    for (const id of new Set([...labelIds.values()].flat())) {
      if (labelNames.has(id)) continue;
      labelNames.set(id, (await store.labels.get(id))?.name ?? '');
    }
    for (const manifest of items) {
      const own = tags.filter((t) => t.manifestId === manifest.id);
      candidates.push({
        digest: manifest.digest,
        tags: own.map((t) => t.name),
        labels: (labelIds.get(manifest.id) ?? []).map((id) => labelNames.get(id) ?? '').filter((n) => n !== ''),
        pushedAt: Math.max(manifest.createdAt.getTime(), ...own.map((t) => t.updatedAt.getTime())),
        pulledAt: Math.max(0, manifest.pulledAt?.getTime() ?? 0, ...own.map((t) => t.pulledAt?.getTime() ?? 0)),
        type: artifactTypeOf(manifest.artifactMediaType ?? manifest.mediaType),
      });
    }
    if (items.length < PAGE) break;
  }
  return candidates;
}

function time(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : '-';
}

const OUTCOME_TEXT = { retain: 'RETAIN', delete: 'DEL', immutable: 'IMMUTABLE' } as const;

/** Harbor's result table in the task log: one row per candidate with what was decided. */
function logTable(log: TaskLogger, decisions: readonly Decision[], dryRun: boolean): void {
  const rows = decisions.map((d) => [
    d.candidate.digest,
    d.candidate.tags.join(',') || '<untagged>',
    d.candidate.labels.join(',') || '-',
    time(d.candidate.pushedAt),
    time(d.candidate.pulledAt),
    OUTCOME_TEXT[d.outcome] + (d.rules.length ? ` (rule ${d.rules.join(',')})` : ''),
  ]);
  const header = ['Digest', 'Tags', 'Labels', 'PushedTime', 'PulledTime', dryRun ? 'Retention (dry run)' : 'Retention'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  log.info(['', rule, line(header), rule, ...rows.map(line), rule].join('\n'));
}

/**
 * One repository of a retention run (Harbor's RETENTION job): evaluates the rules the launcher handed it over the
 * repository's candidates, logs the table, and, unless it is a dry run, deletes each artifact that is neither
 * retained nor protected by an immutable tag, through the core (its policies, events and quota release apply) as
 * the job's system actor. The signal is checked before each deletion, so a stop ends the run there. The counts
 * (total, retained; a failed deletion counts as retained) are kept for the task list.
 */
export function retentionJob(store: Store, registry: Registry): JobType<RetentionTaskParams> {
  return {
    name: RETENTION_JOB,
    concurrency: 2,
    run: async ({ params, task, log, signal, clock, security }) => {
      const repository = await store.repositories.get(params.repository);
      const candidates = repository ? await candidatesOf(store, repository) : [];
      const immutableRules = await store.immutableRules.ofProject(params.project_id);
      const decisions = evaluate(params.rules, candidates, clock.now(), (tag) =>
        isImmutable(immutableRules, params.repository, tag),
      );
      log.info(
        `${params.dry_run ? 'dry run of ' : ''}retention of ${params.repository}: ${candidates.length} artifacts, ` +
          `rules ${params.rules.map((r) => `${r.id} (${r.template})`).join(', ')}`,
      );
      logTable(log, decisions, params.dry_run);
      let { total, retained } = countsOf(decisions);
      let deleted = 0;
      const deletedArtifacts: RetentionDeletedArtifact[] = [];
      const recordDeleted = ({ tags, digest, type }: Candidate) => {
        const names =
          tags.length > 0 ? tags.map((tag) => `${params.repository}:${tag}`) : [`${params.repository}@${digest}`];
        for (const nameTag of names) deletedArtifacts.push({ type: type ?? 'UNKNOWN', nameTag });
      };
      for (const decision of decisions) {
        const name = `${params.repository}@${decision.candidate.digest}`;
        if (decision.outcome === 'immutable') {
          log.info(`skipped ${name} (${decision.candidate.tags.join(',')}): an immutable tag rule protects it`);
          continue;
        }
        if (decision.outcome !== 'delete') continue;
        if (params.dry_run) {
          log.info(`would delete ${name} (${decision.candidate.tags.join(',') || 'untagged'})`);
          deleted++;
          continue;
        }
        signal.throwIfAborted();
        try {
          await registry.artifacts.deleteDeep(repository!, decision.candidate.digest, { by: operatorOf(security) });
          log.info(`deleted ${name} (${decision.candidate.tags.join(',') || 'untagged'})`);
          recordDeleted(decision.candidate);
          deleted++;
        } catch (error) {
          if (error instanceof NotFoundError) {
            log.info(`${name} was deleted meanwhile`);
            deleted++;
            continue;
          }
          retained++;
          log.error(`deleting ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      total = decisions.length;
      await store.retention.saveTaskResult(task.id, {
        total,
        retained,
        ...(!params.dry_run && { deleted: deletedArtifacts }),
      });
      log.info(
        `${params.dry_run ? 'dry run: ' : ''}${total} artifacts, ${retained} retained, ${deleted} ` +
          `${params.dry_run ? 'would be ' : ''}deleted`,
      );
      return { total, retained, deleted, dry_run: params.dry_run };
    },
  };
}

/**
 * What a policy's schedule fires: a run of the policy with trigger SCHEDULE (Harbor's scheduler callback). A
 * policy deleted meanwhile (with its project) removes its schedule.
 */
export function retentionTriggerJob(
  store: Store,
  engine: JobEngine,
  retention: RetentionService,
): JobType<{ policy_id?: number }> {
  return {
    name: RETENTION_TRIGGER_JOB,
    concurrency: 1,
    run: async ({ params, log }) => {
      const id = Number(params?.policy_id);
      const policy = Number.isSafeInteger(id) ? await store.retention.get(id) : undefined;
      if (!policy) {
        await engine.schedules.delete(RETENTION_TRIGGER_JOB, id);
        log.warn(`retention policy ${id} is gone; its schedule was removed`);
        return { policy_id: id, execution_id: null };
      }
      const execution = await retention.launch(policy, 'SCHEDULE', false);
      log.info(`launched retention execution ${execution.id} of policy ${policy.id}`);
      return { policy_id: policy.id, execution_id: execution.id };
    },
  };
}
