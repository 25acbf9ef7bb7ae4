import type { DomainEvent } from '../domain/events.js';
import type { EventBus } from '../events/event-bus.js';
import type { AuditRecords, NewAuditRecord } from '../ports/audit-records.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectRecords, SystemSettings } from '../ports/identity-store.js';
import { AUDITED_EVENT_TYPES, auditEntryOf, eventTypeOf, type AuditEntry } from './event-mapping.js';
import { formatSyslog, parseEndpoint, SyslogSender, type SyslogOptions } from './syslog.js';

export interface AuditLogOptions {
  /** Buffered (transient) records are written when this many gathered… */
  readonly batchSize?: number;
  /** …or this long after the first of them, whichever comes first. */
  readonly flushMs?: number;
  /** How long the audit settings are trusted before they are read again (a configuration change reloads them). */
  readonly settingsTtlMs?: number;
  /** The syslog transport for `audit_log_forward_endpoint`. */
  readonly forward?: Omit<SyslogOptions, 'onError'>;
  readonly onError?: (error: unknown, what: string) => void;
}

interface AuditSettings {
  readonly disabled: ReadonlySet<string>;
  readonly skipDatabase: boolean;
  readonly endpoint: string;
}

const DEFAULT_SETTINGS: AuditSettings = { disabled: new Set(), skipDatabase: false, endpoint: '' };

export interface AuditDeps {
  readonly records: AuditRecords;
  readonly projects: Pick<ProjectRecords, 'getByName'>;
  readonly settings: { get(): Promise<SystemSettings> };
  readonly clock: Clock;
}

/**
 * The audit log's subscriber: turns domain events into audit records (audit/event-mapping.ts). Outbox events are
 * written as they are delivered, keyed by their outbox id so that a repeated delivery adds nothing, and a failed write
 * fails the delivery (the relay retries it). Transient events (pulls, sign-ins) are buffered in memory and written in
 * batches, one statement per batch, so that a pull never waits for the audit log. Records whose event type is
 * disabled are dropped; every record is forwarded to the syslog endpoint when one is set, and not stored when the
 * database is skipped.
 */
export class AuditLog {
  private buffer: NewAuditRecord[] = [];
  /** The pulls in `buffer` (operator, address, resource): repeats within one flush interval are not buffered again. */
  private readonly pendingPulls = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private settings: AuditSettings = DEFAULT_SETTINGS;
  private settingsAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;
  private sender: SyslogSender | undefined;
  private closed = false;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly ttl: number;

  constructor(
    private readonly deps: AuditDeps,
    private readonly opts: AuditLogOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
    this.flushMs = opts.flushMs ?? 1000;
    this.ttl = opts.settingsTtlMs ?? 10_000;
  }

  subscribeTo(bus: EventBus): void {
    bus.subscribe('audit-log', [...AUDITED_EVENT_TYPES], (event) => this.handle(event));
  }

  /** Reads the audit settings now (at start, and after a configuration change). */
  async reloadSettings(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const s = await this.deps.settings.get();
        this.settings = {
          disabled: new Set(
            s.disabledAuditLogEventTypes
              .split(',')
              .map((t) => t.trim())
              .filter((t) => t !== ''),
          ),
          skipDatabase: s.skipAuditLogDatabase && s.auditLogForwardEndpoint !== '',
          endpoint: s.auditLogForwardEndpoint,
        };
        this.settingsAt = this.deps.clock.now();
        this.ensureSender();
      } catch (error) {
        this.opts.onError?.(error, 'reading the audit settings');
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Handles one event: outbox events are written before it resolves; transient ones are buffered. */
  async handle(event: DomainEvent): Promise<void> {
    if (this.closed) return;
    if (event.type === 'configuration.updated') await this.reloadSettings();
    else if (this.deps.clock.now() - this.settingsAt > this.ttl) {
      // Transient events never wait for the database: they use the settings known now.
      if (event.outboxId === undefined) void this.reloadSettings();
      else await this.reloadSettings();
    }
    const entry = auditEntryOf(event);
    if (!entry) return;
    const eventType = eventTypeOf(entry);
    if (this.settings.disabled.has(eventType)) return;
    const record = this.recordOf(entry, eventType, event.outboxId);
    this.forward(record);
    if (this.settings.skipDatabase) return;
    if (event.outboxId !== undefined) {
      await this.write([record]);
      return;
    }
    if (record.operation === 'pull') {
      // A pull repeated by the same operator from the same address within one flush interval is recorded once (with
      // its first time): the audit log says who pulled what, when and from where; the artifact's pull count counts.
      const key = `${record.username}\u0000${record.clientIp ?? ''}\u0000${record.resource}`;
      if (this.pendingPulls.has(key)) return;
      this.pendingPulls.add(key);
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.batchSize) void this.flush().catch(() => undefined);
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
  }

  /** Writes the buffered records (one transaction per batch); tests and shutdown call it, a timer otherwise. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.pendingPulls.clear();
    this.flushing = (async () => {
      try {
        await this.write(batch);
      } catch (error) {
        // Kept for the next flush, bounded: pulls must not grow memory without end while the database is away.
        this.buffer = [...batch, ...this.buffer].slice(-this.batchSize * 20);
        this.opts.onError?.(error, 'writing audit records');
        if (!this.closed) this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
        throw error;
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  /** Writes what is buffered and closes the syslog connection. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch {
      /* reported by flush */
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.sender?.close();
  }

  /** Records of one event as stored; the project's id of repository events is looked up at write time. */
  private recordOf(
    entry: AuditEntry,
    eventType: string,
    outboxId: number | undefined,
  ): NewAuditRecord & {
    projectName?: string;
  } {
    return {
      ...(outboxId !== undefined && { key: `outbox:${outboxId}` }),
      opTime: entry.opTime,
      username: entry.username,
      operatorKind: entry.operatorKind,
      clientIp: entry.clientIp,
      operation: entry.operation,
      eventType,
      description: entry.description,
      resource: entry.resource,
      resourceType: entry.resourceType,
      success: entry.success,
      projectId: entry.projectId ?? null,
      ...(entry.projectName !== undefined && entry.projectId === undefined && { projectName: entry.projectName }),
    };
  }

  private async write(records: readonly (NewAuditRecord & { projectName?: string })[]): Promise<void> {
    const ids = new Map<string, number | null>();
    for (const r of records) {
      if (r.projectName !== undefined && !ids.has(r.projectName)) {
        ids.set(r.projectName, (await this.deps.projects.getByName(r.projectName))?.id ?? null);
      }
    }
    await this.deps.records.append(
      records.map(({ projectName, ...r }) =>
        projectName === undefined ? r : { ...r, projectId: ids.get(projectName) ?? null },
      ),
    );
  }

  private forward(record: NewAuditRecord): void {
    if (!this.sender) return;
    try {
      this.sender.send(formatSyslog(record, record.eventType));
    } catch (error) {
      this.opts.onError?.(error, 'forwarding an audit record');
    }
  }

  /** Opens (or replaces) the syslog sender when the endpoint changed. */
  private ensureSender(): void {
    const endpoint = this.settings.endpoint;
    if (this.sender?.endpoint === endpoint) return;
    const previous = this.sender;
    this.sender = undefined;
    void previous?.close();
    if (endpoint === '' || this.closed) return;
    const target = parseEndpoint(endpoint);
    if (!target) {
      this.opts.onError?.(new Error(`invalid audit_log_forward_endpoint ${endpoint}`), 'forwarding audit records');
      return;
    }
    this.sender = new SyslogSender(endpoint, target, {
      protocol: 'udp',
      ...this.opts.forward,
      onError: (error) => this.opts.onError?.(error, 'forwarding audit records'),
    });
  }
}
