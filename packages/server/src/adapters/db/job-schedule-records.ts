import type { Kysely } from 'kysely';
import type { Operator } from '../../domain/events.js';
import type { Page, ScheduleRecord } from '../../ports/jobs.js';
import type { Database, SqlDialect } from './database.js';
import { recordJobEvents } from './job-events.js';
import { scheduleOf, type Db } from './job-rows.js';

/** The job engine's schedules (JobRecords' schedule methods); a change by an operator records `schedule.updated`. */
export class KyselyJobSchedules {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}

  async upsert(
    input: { vendorType: string; vendorId: number; cron: string; params: unknown; nextRun: number },
    now: number,
    by?: Operator,
  ): Promise<ScheduleRecord> {
    const params = JSON.stringify(input.params ?? null);
    if (!by) {
      await this.putSchedule(this.db, input, params, now);
      return (await this.get(input.vendorType, input.vendorId))!;
    }
    return this.db.transaction().execute(async (tx) => {
      await this.putSchedule(tx, input, params, now);
      await recordJobEvents(tx, this.dialect, [
        {
          type: 'schedule.updated',
          vendorType: input.vendorType,
          ...(input.vendorId === -1 ? {} : { vendorId: input.vendorId }),
          cron: input.cron,
          at: now,
          by,
        },
      ]);
      const row = await tx
        .selectFrom('job_schedules')
        .selectAll()
        .where('vendor_type', '=', input.vendorType)
        .where('vendor_id', '=', input.vendorId)
        .executeTakeFirstOrThrow();
      return scheduleOf(row);
    });
  }

  private async putSchedule(
    db: Db,
    input: { vendorType: string; vendorId: number; cron: string; nextRun: number },
    params: string,
    now: number,
  ): Promise<void> {
    await db
      .insertInto('job_schedules')
      .values({
        vendor_type: input.vendorType,
        vendor_id: input.vendorId,
        cron: input.cron,
        params,
        next_run: input.nextRun,
        creation_time: now,
        update_time: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['vendor_type', 'vendor_id'])
          .doUpdateSet({ cron: input.cron, params, next_run: input.nextRun, update_time: now })
          .where((eb) => eb.or([eb('job_schedules.cron', '!=', input.cron), eb('job_schedules.params', '!=', params)])),
      )
      .execute();
  }

  async get(vendorType: string, vendorId: number): Promise<ScheduleRecord | undefined> {
    const row = await this.db
      .selectFrom('job_schedules')
      .selectAll()
      .where('vendor_type', '=', vendorType)
      .where('vendor_id', '=', vendorId)
      .executeTakeFirst();
    return row && scheduleOf(row);
  }

  async delete(
    vendorType: string,
    vendorId: number,
    change?: { readonly by: Operator; readonly now: number },
  ): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .deleteFrom('job_schedules')
        .where('vendor_type', '=', vendorType)
        .where('vendor_id', '=', vendorId)
        .executeTakeFirst();
      const deleted = result.numDeletedRows > 0n;
      if (deleted && change) {
        await recordJobEvents(tx, this.dialect, [
          {
            type: 'schedule.updated',
            vendorType,
            ...(vendorId === -1 ? {} : { vendorId }),
            cron: null,
            at: change.now,
            by: change.by,
          },
        ]);
      }
      return deleted;
    });
  }

  async list(page: number, pageSize: number): Promise<Page<ScheduleRecord>> {
    const total = await this.db
      .selectFrom('job_schedules')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const rows = await this.db
      .selectFrom('job_schedules')
      .selectAll()
      .orderBy('id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    return { items: rows.map(scheduleOf), total: Number(total?.n ?? 0) };
  }

  async due(now: number): Promise<ScheduleRecord[]> {
    const rows = await this.db
      .selectFrom('job_schedules')
      .selectAll()
      .where('next_run', '<=', now)
      .orderBy('next_run')
      .execute();
    return rows.map(scheduleOf);
  }
}
