import { describe, expect, it } from 'vitest';
import { PermissionDeniedError } from '../domain/errors.js';
import type { SystemSettings } from '../ports/identity-store.js';
import { READ_ONLY_MESSAGE, ReadOnlyGuard, ReadOnlyModeError } from './read-only.js';

const defaults: SystemSettings = {
  selfRegistration: false,
  projectCreationRestriction: 'everyone',
  tokenExpiration: 30,
  readOnly: false,
  authMode: 'db_auth',
  storagePerProject: -1,
  auditLogForwardEndpoint: '',
  skipAuditLogDatabase: false,
  disabledAuditLogEventTypes: '',
};

/** Settings whose `get` is counted and can be held back until released. */
function fakeSettings() {
  let readOnly = false;
  let calls = 0;
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  return {
    get calls() {
      return calls;
    },
    set(value: boolean) {
      readOnly = value;
    },
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    release() {
      release?.();
      gate = undefined;
    },
    fail: false,
    async get(): Promise<SystemSettings> {
      calls++;
      const value = readOnly;
      const failing = this.fail;
      await gate;
      if (failing) throw new Error('database down');
      return { ...defaults, readOnly: value };
    },
  };
}

describe('ReadOnlyGuard', () => {
  it('reads the setting at most once per interval, sharing one query among concurrent callers', async () => {
    const settings = fakeSettings();
    let now = 1000;
    const guard = new ReadOnlyGuard(settings, 1000, () => now);
    expect(await Promise.all([guard.isReadOnly(), guard.isReadOnly(), guard.isReadOnly()])).toEqual([
      false,
      false,
      false,
    ]);
    expect(settings.calls).toBe(1);
    settings.set(true);
    now += 999;
    expect(await guard.isReadOnly()).toBe(false);
    expect(settings.calls).toBe(1);
    now += 1;
    expect(await guard.isReadOnly()).toBe(true);
    expect(settings.calls).toBe(2);
  });

  it('takes a remembered value at once, and a read started before it cannot overwrite it', async () => {
    const settings = fakeSettings();
    let now = 0;
    const guard = new ReadOnlyGuard(settings, 1000, () => now);
    settings.hold();
    const stale = guard.isReadOnly();
    guard.remember(true);
    settings.release();
    expect(await stale).toBe(true);
    expect(await guard.isReadOnly()).toBe(true);
    expect(settings.calls).toBe(1);
    now += 1000;
    expect(await guard.isReadOnly()).toBe(false);
  });

  it('passes a failed read on without caching it', async () => {
    const settings = fakeSettings();
    const guard = new ReadOnlyGuard(settings, 1000, () => 0);
    settings.fail = true;
    await expect(guard.isReadOnly()).rejects.toThrow('database down');
    settings.fail = false;
    expect(await guard.isReadOnly()).toBe(false);
    expect(settings.calls).toBe(2);
  });

  it('assertWritable throws a permission error with Harbor message while read-only', async () => {
    const settings = fakeSettings();
    const guard = new ReadOnlyGuard(settings);
    await expect(guard.assertWritable()).resolves.toBeUndefined();
    guard.remember(true);
    const error = await guard.assertWritable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadOnlyModeError);
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect((error as Error).message).toBe(READ_ONLY_MESSAGE);
  });
});
