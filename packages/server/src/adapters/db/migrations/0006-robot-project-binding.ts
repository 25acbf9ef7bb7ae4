import { sql, type Kysely } from 'kysely';
import type { DialectMigration } from './dialect-migration.js';

interface Block {
  readonly kind?: unknown;
  readonly namespace?: unknown;
  readonly projectId?: unknown;
  readonly [key: string]: unknown;
}

/**
 * Robots' permission blocks name projects by name; from now on each block naming one project also carries that
 * project's id (`projectId`, 0 when no project of that name exists), and applies to that project only. This
 * backfills the ids from the names as they stand, so that deleting a project and creating another of the same name
 * no longer hands the old project's robots (system robots with a block for it) to the new one. Project robots were
 * already deleted with their project (robots.project_id cascades).
 */
async function up(db: Kysely<unknown>): Promise<void> {
  const work = async (tx: Kysely<unknown>) => {
    const projects = await sql<{ id: number; name: string }>`select id, name from projects`.execute(tx);
    const ids = new Map(projects.rows.map((row) => [row.name, Number(row.id)]));
    const robots = await sql<{ id: number; permissions: string }>`select id, permissions from robots`.execute(tx);
    for (const robot of robots.rows) {
      const blocks = JSON.parse(robot.permissions) as Block[];
      if (!Array.isArray(blocks)) continue;
      const bound = blocks.map((block) =>
        block.kind === 'project' && typeof block.namespace === 'string' && block.namespace !== '*'
          ? { ...block, projectId: ids.get(block.namespace) ?? 0 }
          : block,
      );
      await sql`update robots set permissions = ${JSON.stringify(bound)} where id = ${robot.id}`.execute(tx);
    }
  };
  // As in 0002-identity: PostgreSQL runs each migration in a transaction; SQLite's DDL is transactional too.
  if (db.isTransaction) await work(db);
  else await db.transaction().execute(work);
}

async function down(db: Kysely<unknown>): Promise<void> {
  const robots = await sql<{ id: number; permissions: string }>`select id, permissions from robots`.execute(db);
  for (const robot of robots.rows) {
    const blocks = JSON.parse(robot.permissions) as Block[];
    if (!Array.isArray(blocks)) continue;
    const unbound = blocks.map(({ projectId: _ignored, ...block }) => block);
    await sql`update robots set permissions = ${JSON.stringify(unbound)} where id = ${robot.id}`.execute(db);
  }
}

export const robotProjectBinding: DialectMigration = { up, down };
