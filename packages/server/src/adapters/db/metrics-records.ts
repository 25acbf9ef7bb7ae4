import { sql, type Kysely } from 'kysely';
import type { MetricsRecords, ProjectFigures } from '../../ports/metrics-records.js';
import type { Database } from './database.js';

/** The metrics' scrape-time figures: four grouped queries, one row per project each. */
export class KyselyMetricsRecords implements MetricsRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async projectFigures(): Promise<ProjectFigures[]> {
    const [projects, repositories, members, quotas] = await Promise.all([
      this.db.selectFrom('projects').select(['id', 'name', 'public']).execute(),
      this.db
        .selectFrom('repositories')
        .where('project_id', 'is not', null)
        .select((eb) => [
          'project_id',
          eb.fn.countAll<number | string>().as('count'),
          eb.fn.sum<number | string>('pull_count').as('pulls'),
        ])
        .groupBy('project_id')
        .execute(),
      this.db
        .selectFrom('project_members')
        .select((eb) => ['project_id', eb.fn.countAll<number | string>().as('count')])
        .groupBy('project_id')
        .execute(),
      this.db.selectFrom('project_quotas').select(['project_id', 'used', 'hard']).execute(),
    ]);
    const repos = new Map(repositories.map((r) => [r.project_id, r]));
    const memberCounts = new Map(members.map((m) => [m.project_id, Number(m.count)]));
    const quota = new Map(quotas.map((q) => [q.project_id, q]));
    return projects.map((p) => ({
      name: p.name,
      public: p.public === 1,
      repositories: Number(repos.get(p.id)?.count ?? 0),
      members: memberCounts.get(p.id) ?? 0,
      quotaUsed: quota.has(p.id) ? Number(quota.get(p.id)!.used) : null,
      quotaHard: quota.has(p.id) ? Number(quota.get(p.id)!.hard) : null,
      pulls: Number(repos.get(p.id)?.pulls ?? 0),
    }));
  }

  async openUploads(): Promise<number> {
    const row = await this.db
      .selectFrom('uploads')
      .select(sql<number | string>`count(*)`.as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
