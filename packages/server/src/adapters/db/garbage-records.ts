import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { GarbageRecords, UntaggedManifest } from '../../ports/garbage.js';
import type { BlobRecord } from '../../ports/metadata-store.js';
import { batches } from './batches.js';
import type { Database } from './database.js';

/** Digests per marking UPDATE: far below SQLite's and PostgreSQL's bind limits, fewer statements per page. */
const MARK_BATCH = 2_000;

/** No manifest of any repository is this blob or references it. */
export function inNoManifest(eb: ExpressionBuilder<Database, 'blobs'>): Expression<SqlBool> {
  return eb.and([
    eb.not(
      eb.exists(
        eb
          .selectFrom('manifests')
          .select(sql`1`.as('one'))
          .whereRef('manifests.digest', '=', 'blobs.digest'),
      ),
    ),
    eb.not(
      eb.exists(
        eb
          .selectFrom('manifest_references')
          .select(sql`1`.as('one'))
          .whereRef('manifest_references.digest', '=', 'blobs.digest'),
      ),
    ),
  ]);
}

/**
 * In no manifest (`inNoManifest`), and no tag history entry expiring after `before` (the time window's start) holds
 * it for restore: a hold counts like a reference until its entry expires, and its expiry like a touch, so the window
 * applies after it too.
 */
function unreferenced(eb: ExpressionBuilder<Database, 'blobs'>, before: number): Expression<SqlBool> {
  return eb.and([
    inNoManifest(eb),
    eb.not(
      eb.exists(
        eb
          .selectFrom('tag_history_blobs')
          .select(sql`1`.as('one'))
          .whereRef('tag_history_blobs.digest', '=', 'blobs.digest')
          .where('tag_history_blobs.expires_at', '>', before),
      ),
    ),
  ]);
}

export class KyselyGarbageRecords implements GarbageRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async unreferencedBlobs(before: number, after: string | undefined, limit: number): Promise<BlobRecord[]> {
    let query = this.db
      .selectFrom('blobs')
      .select(['digest', 'size'])
      .where('status', '=', 'none')
      .where('updated_at', '<=', before)
      .where((eb) => unreferenced(eb, before));
    if (after !== undefined) query = query.where('digest', '>', after);
    return (await query.orderBy('digest').limit(limit).execute()).map(toBlob);
  }

  /**
   * Inside a transaction, the next page of the mark: the unreferenced live blobs untouched since `before` after
   * `after` in digest order, at most `limit`, read and marked in the same transaction. The UPDATE takes the digests
   * as a sorted list (so its row locks are taken in digest order, as a push takes them, on PostgreSQL) and checks
   * `unreferenced` again on the rows it locks; then the second statement of `markDeleting` puts back those a push
   * referenced meanwhile. `last` is the page's last candidate (where the next page starts), undefined when there
   * was none.
   */
  async markUnreferenced(
    before: number,
    after: string | undefined,
    limit: number,
  ): Promise<{ marked: BlobRecord[]; last: string | undefined }> {
    let page = this.db
      .selectFrom('blobs')
      .select('digest')
      .where('status', '=', 'none')
      .where('updated_at', '<=', before)
      .where((eb) => unreferenced(eb, before));
    if (after !== undefined) page = page.where('digest', '>', after);
    const digests = (await page.orderBy('digest').limit(limit).execute()).map((row) => row.digest);
    const marked: BlobRecord[] = [];
    for (const batch of batches(digests, MARK_BATCH)) {
      const rows = await this.db
        .updateTable('blobs')
        .set({ status: 'deleting' })
        .where('digest', 'in', batch)
        .where('status', '=', 'none')
        .where('updated_at', '<=', before)
        .where((eb) => unreferenced(eb, before))
        .returning(['digest', 'size'])
        .execute();
      if (rows.length > 0) marked.push(...(await this.putBackReferenced(rows, before)));
    }
    return { marked, last: digests.at(-1) };
  }

  /**
   * Two statements: the first marks the candidates (an UPDATE, which waits for and then holds their row locks); the
   * second, which on PostgreSQL reads a fresh snapshot (READ COMMITTED), finds those a push referenced meanwhile and
   * puts them back. A push touches the row before it commits its references, so it either committed before the
   * mark took the lock (the second statement sees its references) or waits for this transaction and then finds the
   * blob `deleting`. On SQLite the transaction runs alone.
   */
  async markDeleting(digests: readonly string[], before: number): Promise<BlobRecord[]> {
    const marked: BlobRecord[] = [];
    for (const batch of batches([...new Set(digests)].sort())) marked.push(...(await this.markBatch(batch, before)));
    return marked;
  }

  /** Marks those of `digests` (sorted) still live and untouched since `before`, then the re-check. */
  private async markBatch(digests: readonly string[], before: number): Promise<BlobRecord[]> {
    const rows = await this.db
      .updateTable('blobs')
      .set({ status: 'deleting' })
      .where('digest', 'in', digests)
      .where('status', '=', 'none')
      .where('updated_at', '<=', before)
      .returning(['digest', 'size'])
      .execute();
    return rows.length === 0 ? [] : this.putBackReferenced(rows, before);
  }

  /**
   * The second statement of a mark: on PostgreSQL a fresh snapshot (READ COMMITTED) finds the just-marked blobs a
   * push referenced meanwhile and puts them back; returns the others.
   */
  private async putBackReferenced(
    rows: ReadonlyArray<{ digest: string; size: number | string }>,
    before: number,
  ): Promise<BlobRecord[]> {
    const referenced = await this.db
      .selectFrom('blobs')
      .select('digest')
      .where(
        'digest',
        'in',
        rows.map((row) => row.digest),
      )
      .where((eb) => eb.not(unreferenced(eb, before)))
      .execute();
    const kept = new Set(referenced.map((row) => row.digest));
    if (kept.size > 0) {
      await this.db
        .updateTable('blobs')
        .set({ status: 'none' })
        .where('digest', 'in', [...kept])
        .execute();
    }
    return rows.filter((row) => !kept.has(row.digest)).map(toBlob);
  }

  async deletingBlobs(after: string | undefined, limit: number): Promise<BlobRecord[]> {
    let query = this.db.selectFrom('blobs').select(['digest', 'size']).where('status', '=', 'deleting');
    if (after !== undefined) query = query.where('digest', '>', after);
    return (await query.orderBy('digest').limit(limit).execute()).map(toBlob);
  }

  async removeDeleting(digests: readonly string[]): Promise<number> {
    let removed = 0;
    for (const batch of batches([...new Set(digests)])) {
      const doomed = this.db
        .selectFrom('blobs')
        .select('digest')
        .where('digest', 'in', batch)
        .where('status', '=', 'deleting');
      await this.db.deleteFrom('repository_blobs').where('digest', 'in', doomed).execute();
      const result = await this.db
        .deleteFrom('blobs')
        .where('digest', 'in', batch)
        .where('status', '=', 'deleting')
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  }

  async lockBlobs(digests: readonly string[]): Promise<void> {
    for (const batch of batches([...new Set(digests)].sort())) {
      await this.db
        .updateTable('blobs')
        .set((eb) => ({ status: eb.ref('status') }))
        .where('digest', 'in', batch)
        .execute();
    }
  }

  async recorded(digests: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const batch of batches([...new Set(digests)])) {
      const rows = await this.db.selectFrom('blobs').select('digest').where('digest', 'in', batch).execute();
      for (const row of rows) found.add(row.digest);
    }
    return found;
  }

  async claimOrphan(digest: string, size: number, now: number): Promise<boolean> {
    const row = await this.db
      .insertInto('blobs')
      .values({ digest, size, created_at: now, updated_at: now, status: 'deleting' })
      .onConflict((oc) => oc.column('digest').doNothing())
      .returning('digest')
      .executeTakeFirst();
    return row !== undefined;
  }

  async untaggedManifests(
    before: number,
    afterId: number,
    limit: number,
  ): Promise<Array<UntaggedManifest & { id: number }>> {
    const rows = await this.db
      .selectFrom('manifests as m')
      .innerJoin('repositories as r', 'r.id', 'm.repository_id')
      .select(['m.id', 'm.repository_id', 'r.name', 'm.digest'])
      .where('m.id', '>', afterId)
      .where('m.created_at', '<=', before)
      .where((eb) =>
        eb.and([
          eb.not(
            eb.exists(
              eb
                .selectFrom('tags as t')
                .select(sql`1`.as('one'))
                .whereRef('t.manifest_id', '=', 'm.id'),
            ),
          ),
          // A child of an index of its repository goes (or stays) with that index.
          eb.not(
            eb.exists(
              eb
                .selectFrom('manifest_references as ref')
                .innerJoin('manifests as parent', 'parent.id', 'ref.manifest_id')
                .select(sql`1`.as('one'))
                .whereRef('ref.digest', '=', 'm.digest')
                .whereRef('parent.repository_id', '=', 'm.repository_id'),
            ),
          ),
          // An accessory (a signature, an SBOM) goes with its subject, not on its own.
          eb.or([
            eb('m.subject', 'is', null),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('manifests as subject')
                  .select(sql`1`.as('one'))
                  .whereRef('subject.digest', '=', 'm.subject')
                  .whereRef('subject.repository_id', '=', 'm.repository_id'),
              ),
            ),
          ]),
        ]),
      )
      .orderBy('m.id')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      repositoryId: row.repository_id,
      repository: row.name,
      digest: row.digest,
    }));
  }
}

function toBlob(row: { digest: string; size: number | string }): BlobRecord {
  return { digest: row.digest, size: Number(row.size) };
}
