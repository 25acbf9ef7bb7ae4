import type { DomainEvent, Operator } from '../../domain/events.js';
import type { ExecutionRecord, FinalStatus } from '../../ports/jobs.js';
import type { SqlDialect } from './database.js';
import type { Db } from './job-rows.js';
import { KyselyOutboxRecords } from './outbox-records.js';

/** Records the job engine's events in the outbox of the transaction `tx` (see JobRecords). */
export async function recordJobEvents(tx: Db, dialect: SqlDialect, events: readonly DomainEvent[]): Promise<void> {
  await new KyselyOutboxRecords(tx, dialect).append(events);
}

/** `execution.finished` of an execution whose status just became final. */
export function executionFinished(execution: ExecutionRecord, by: Operator): DomainEvent {
  const end = execution.endTime ?? execution.updateTime;
  return {
    type: 'execution.finished',
    executionId: execution.id,
    vendorType: execution.vendorType,
    ...(execution.vendorId === -1 ? {} : { vendorId: execution.vendorId }),
    trigger: execution.trigger,
    status: execution.status as FinalStatus,
    startTime: execution.startTime,
    endTime: end,
    at: end,
    by,
  };
}
