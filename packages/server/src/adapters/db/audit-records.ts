import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { ValueMatch } from '../../ports/metadata-queries.js';
import type { AuditQuery, AuditRecord, AuditRecords, AuditSortBy, NewAuditRecord } from '../../ports/audit-records.js';
import { batches } from './batches.js';
import type { AuditLogTable, Database } from './database.js';

type Row = Omit<AuditLogTable, 'id'> & { id: number };

const SORT_COLUMNS: Record<AuditSortBy, 'id' | 'op_time' | 'username' | 'operation' | 'resource' | 'resource_type'> = {
  id: 'id',
  opTime: 'op_time',
  username: 'username',
  operation: 'operation',
  resource: 'resource',
  resourceType: 'resource_type',
};

function toRecord(row: Row): AuditRecord {
  return {
    id: Number(row.id),
    opTime: Number(row.op_time),
    username: row.username,
    operatorKind: row.operator_kind as AuditRecord['operatorKind'],
    clientIp: row.client_ip,
    operation: row.operation,
    eventType: row.event_type,
    description: row.op_desc,
    resource: row.resource,
    resourceType: row.resource_type,
    success: Number(row.op_result) === 1,
    projectId: row.project_id === null ? null : Number(row.project_id),
  };
}

/** `%`, `_` and `\` of a LIKE pattern escaped (with `\` as the escape character). */
function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type Eb = ExpressionBuilder<Database, 'audit_log'>;

/** A condition no row meets (an empty `in` list). */
const NOTHING = sql<boolean>`1 = 0`;
type TextColumn = 'username' | 'operation' | 'event_type' | 'resource' | 'resource_type';

function matching(eb: Eb, column: TextColumn, match: ValueMatch) {
  if ('anyOf' in match) return match.anyOf.length === 0 ? NOTHING : eb(column, 'in', [...match.anyOf]);
  // Substring, ASCII case-insensitive on both databases (lower() and LIKE with an escape character).
  return eb(eb.fn('lower', [eb.ref(column)]), 'like', `%${likeEscape(match.contains.toLowerCase())}%`);
}

export class KyselyAuditRecords implements AuditRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async append(records: readonly NewAuditRecord[]): Promise<number> {
    let added = 0;
    for (const batch of batches(records, 200)) {
      const result = await this.db
        .insertInto('audit_log')
        .values(
          batch.map((r) => ({
            event_key: r.key ?? null,
            op_time: r.opTime,
            username: r.username,
            operator_kind: r.operatorKind,
            client_ip: r.clientIp,
            operation: r.operation,
            event_type: r.eventType,
            op_desc: r.description,
            resource: r.resource,
            resource_type: r.resourceType,
            op_result: r.success ? 1 : 0,
            project_id: r.projectId,
          })),
        )
        .onConflict((oc) => oc.column('event_key').doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return added;
  }

  async list(query: AuditQuery): Promise<{ items: AuditRecord[]; total: number }> {
    const filtered = this.db.selectFrom('audit_log').where((eb) => {
      const terms = [];
      if (query.projectIds !== undefined) {
        terms.push(query.projectIds.length === 0 ? NOTHING : eb('project_id', 'in', [...query.projectIds]));
      }
      if (query.resourceTypes !== undefined) {
        terms.push(query.resourceTypes.length === 0 ? NOTHING : eb('resource_type', 'in', [...query.resourceTypes]));
      }
      if (query.username) terms.push(matching(eb, 'username', query.username));
      if (query.operation) terms.push(matching(eb, 'operation', query.operation));
      if (query.eventType) terms.push(matching(eb, 'event_type', query.eventType));
      if (query.resource) terms.push(matching(eb, 'resource', query.resource));
      if (query.resourceType) terms.push(matching(eb, 'resource_type', query.resourceType));
      if (query.from !== undefined) terms.push(eb('op_time', '>=', query.from));
      if (query.to !== undefined) terms.push(eb('op_time', '<=', query.to));
      return eb.and(terms);
    });
    const count = await filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    let rows = filtered.selectAll();
    const sort = query.sort?.length ? query.sort : [{ by: 'opTime' as const, direction: 'desc' as const }];
    for (const key of sort) rows = rows.orderBy(SORT_COLUMNS[key.by], key.direction);
    if (!sort.some((key) => key.by === 'id')) rows = rows.orderBy('id', sort[0]!.direction);
    const items = await rows
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute();
    return { items: items.map(toRecord), total: Number(count.n) };
  }

  async purge(before: number, eventTypes: readonly string[], dryRun: boolean): Promise<number> {
    if (eventTypes.length === 0) return 0;
    if (dryRun) {
      const row = await this.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('op_time', '<', before)
        .where('event_type', 'in', [...eventTypes])
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }
    const result = await this.db
      .deleteFrom('audit_log')
      .where('op_time', '<', before)
      .where('event_type', 'in', [...eventTypes])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
