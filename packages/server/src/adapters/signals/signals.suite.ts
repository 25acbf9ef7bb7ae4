import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIGNAL_MAX_BYTES, type Signals } from '../../ports/signals.js';

/** What an implementation's test runner hands the shared signals suite. */
export interface SignalsFixture {
  /** Signals on a fresh connection. */
  readonly signals: Signals;
  /**
   * Another process's signals on the same medium (its own connection), as a second node or worker opens them;
   * absent for implementations that live in one process.
   */
  readonly anotherNode?: () => Promise<Signals>;
  /**
   * Breaks `signals`' connection from outside (as a server restart or an administrator would); required of
   * implementations between processes, which must reconnect, call `onReconnect`, and deliver again.
   */
  readonly breakConnection?: () => Promise<void>;
  dispose(): Promise<void>;
}

/** Collects the messages of a channel and waits for them, in real time (messages cross a wire). */
class Inbox {
  readonly messages: string[] = [];
  readonly stop: () => void;

  constructor(signals: Signals, channel: string) {
    this.stop = signals.subscribe(channel, (message) => this.messages.push(message));
  }

  async waitFor(count: number, timeoutMs = 5000): Promise<string[]> {
    const until = Date.now() + timeoutMs;
    while (this.messages.length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return this.messages;
  }
}

/** Waits long enough for a message that should not come to have come over any adapter's wire. */
const quiet = () => new Promise((r) => setTimeout(r, 300));

/**
 * The contract every Signals implementation passes. `make` opens signals on a fresh connection; each test uses
 * channels of its own, so implementations sharing a server (Redis, PostgreSQL) need no cleaning between tests.
 */
export function describeSignals(
  label: string,
  make: () => Promise<SignalsFixture>,
  opts: {
    readonly betweenProcesses: boolean;
    /**
     * Whether the connection can break and come back (Redis, PostgreSQL). A cluster worker's IPC channel cannot: when
     * it breaks the worker ends, and its replacement starts with empty caches.
     */
    readonly reconnects?: boolean;
  },
): void {
  describe(label, () => {
    let fixture: SignalsFixture;
    let channel: string;
    const others: Signals[] = [];

    beforeEach(async () => {
      fixture = await make();
      channel = `suite.c${randomUUID().replaceAll('-', '')}`;
    });

    const another = (): Promise<Signals> => {
      if (!fixture.anotherNode) throw new Error(`${label}: the fixture opens no other node`);
      return fixture.anotherNode();
    };

    afterEach(async () => {
      for (const other of others.splice(0)) await other.close();
      await fixture.dispose();
    });

    it('delivers a message to the publisher’s own subscribers, in order', async () => {
      const inbox = new Inbox(fixture.signals, channel);
      for (let i = 0; i < 20; i++) await fixture.signals.publish(channel, `m${i}`);
      expect(await inbox.waitFor(20)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    });

    it('keeps channels apart and stops a subscriber that unsubscribed', async () => {
      const first = new Inbox(fixture.signals, channel);
      const second = new Inbox(fixture.signals, `${channel}.other`);
      await fixture.signals.publish(channel, 'one');
      expect(await first.waitFor(1)).toEqual(['one']);
      first.stop();
      await fixture.signals.publish(channel, 'two');
      await fixture.signals.publish(`${channel}.other`, 'three');
      expect(await second.waitFor(1)).toEqual(['three']);
      await quiet();
      expect(first.messages).toEqual(['one']);
    });

    it('carries text exactly, up to the largest message', async () => {
      const inbox = new Inbox(fixture.signals, channel);
      const texts = ['', 'ünïcødé ✓ "quoted" \\ back', 'x'.repeat(SIGNAL_MAX_BYTES)];
      for (const text of texts) await fixture.signals.publish(channel, text);
      expect(await inbox.waitFor(3)).toEqual(texts);
    });

    it('refuses invalid channel names and oversized messages', async () => {
      for (const bad of ['', 'Upper', 'a..b', 'has space', '.lead', 'trail.'])
        expect(() => fixture.signals.subscribe(bad, () => undefined)).toThrow(RangeError);
      await expect(async () => fixture.signals.publish('Bad Channel', 'x')).rejects.toThrow(RangeError);
      await expect(async () => fixture.signals.publish(channel, 'x'.repeat(SIGNAL_MAX_BYTES + 1))).rejects.toThrow(
        RangeError,
      );
    });

    it('goes on delivering when a handler throws', async () => {
      fixture.signals.subscribe(channel, () => {
        throw new Error('a broken handler');
      });
      const inbox = new Inbox(fixture.signals, channel);
      await fixture.signals.publish(channel, 'still');
      expect(await inbox.waitFor(1)).toEqual(['still']);
    });

    it('delivers nothing after close', async () => {
      const inbox = new Inbox(fixture.signals, channel);
      await fixture.signals.close();
      await fixture.signals.publish(channel, 'late').catch(() => undefined);
      await quiet();
      expect(inbox.messages).toEqual([]);
    });

    if (!opts.betweenProcesses) return;
    describe('between processes', () => {
      it('reaches every other node’s subscribers, and each once', async () => {
        const b = await another();
        const c = await another();
        others.push(b, c);
        const inboxes = [fixture.signals, b, c].map((s) => new Inbox(s, channel));
        await new Promise((r) => setTimeout(r, 100)); // subscriptions reach the server
        await b.publish(channel, 'from b');
        await fixture.signals.publish(channel, 'from a');
        for (const inbox of inboxes) expect((await inbox.waitFor(2)).sort()).toEqual(['from a', 'from b']);
        await quiet();
        for (const inbox of inboxes) expect(inbox.messages).toHaveLength(2);
      });

      it('keeps one node’s order for every receiver', async () => {
        const b = await another();
        others.push(b);
        const inbox = new Inbox(b, channel);
        await new Promise((r) => setTimeout(r, 100));
        for (let i = 0; i < 50; i++) await fixture.signals.publish(channel, String(i));
        expect(await inbox.waitFor(50)).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
      });

      if (opts.reconnects === false) return;
      it('reconnects after its connection broke, tells onReconnect, and delivers again', async () => {
        if (!fixture.breakConnection) throw new Error(`${label}: the fixture cannot break its connection`);
        const b = await another();
        others.push(b);
        let reconnects = 0;
        fixture.signals.onReconnect(() => reconnects++);
        const inbox = new Inbox(fixture.signals, channel);
        await new Promise((r) => setTimeout(r, 100));
        await b.publish(channel, 'before');
        expect(await inbox.waitFor(1)).toEqual(['before']);
        expect(reconnects).toBe(0);
        await fixture.breakConnection();
        const until = Date.now() + 10_000;
        while (reconnects === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        expect(reconnects).toBe(1);
        await new Promise((r) => setTimeout(r, 100));
        await b.publish(channel, 'after');
        expect(await inbox.waitFor(2)).toEqual(['before', 'after']);
      });
    });
  });
}
