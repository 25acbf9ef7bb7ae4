import { PermissionDeniedError } from '../domain/errors.js';
import type { SettingRecords } from '../ports/identity-store.js';

/** Harbor's words for a refused modification while `read_only` is on (both on /api/v2.0 and on /v2). */
export const READ_ONLY_MESSAGE = 'The system is in read only mode. Any modification is prohibited.';

/** A modification refused because the registry is read-only; Harbor answers it with 403 DENIED. */
export class ReadOnlyModeError extends PermissionDeniedError {
  constructor() {
    super(READ_ONLY_MESSAGE);
  }
}

/** How long a read of the `read_only` setting is trusted. */
export const READ_ONLY_CACHE_MS = 1000;

/**
 * Answers whether the registry is read-only, from the `read_only` setting read at most once per
 * READ_ONLY_CACHE_MS (concurrent callers share one query), so that guarding every write costs no database round
 * trip. A change made through this process takes effect at once (`remember`); one made by another node within
 * READ_ONLY_CACHE_MS.
 */
export class ReadOnlyGuard {
  private cached: { readonly value: boolean; readonly at: number } | undefined;
  private pending: Promise<boolean> | undefined;
  /** Bumped by `remember`, so that a read started before a change cannot overwrite it when it completes. */
  private generation = 0;

  constructor(
    private readonly settings: Pick<SettingRecords, 'get'>,
    private readonly ttlMs = READ_ONLY_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `within`: the settings of an open transaction. A read then goes through it, never through the store nor a read
   * another caller started on it: on SQLite those wait for the one connection the transaction holds.
   */
  async isReadOnly(within?: Pick<SettingRecords, 'get'>): Promise<boolean> {
    const cached = this.cached;
    if (cached && this.now() - cached.at < this.ttlMs) return cached.value;
    if (within) {
      const generation = this.generation;
      const { readOnly } = await within.get();
      if (this.generation === generation) this.cached = { value: readOnly, at: this.now() };
      return readOnly;
    }
    if (this.pending) return this.pending;
    const generation = this.generation;
    const pending = this.settings.get().then(
      (settings) => {
        if (this.pending === pending) this.pending = undefined;
        if (this.generation !== generation) return this.cached?.value ?? settings.readOnly;
        this.cached = { value: settings.readOnly, at: this.now() };
        return settings.readOnly;
      },
      (error: unknown) => {
        if (this.pending === pending) this.pending = undefined;
        throw error;
      },
    );
    this.pending = pending;
    return pending;
  }

  /** Throws ReadOnlyModeError while the registry is read-only (`within`: see isReadOnly). */
  async assertWritable(within?: Pick<SettingRecords, 'get'>): Promise<void> {
    if (await this.isReadOnly(within)) throw new ReadOnlyModeError();
  }

  /** Forgets the cached value (another process changed the settings): the next check reads the database. */
  forget(): void {
    this.generation++;
    this.pending = undefined;
    this.cached = undefined;
  }

  /** Records a value just written, so this process does not wait for the cache to expire. */
  remember(readOnly: boolean): void {
    this.generation++;
    this.pending = undefined;
    this.cached = { value: readOnly, at: this.now() };
  }
}
