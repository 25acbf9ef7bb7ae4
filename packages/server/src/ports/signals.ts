/**
 * The signals port: small broadcast messages between the processes of one deployment (the workers of one machine,
 * the nodes of several), so that what one process changed reaches the others' caches within a second. A message is
 * a hint, never the truth: the receiver drops or reloads what it cached and reads the database again. Delivery is
 * at most once and may be lost (a node restarting, a broken connection); every cache that listens still bounds
 * its staleness with its own time-to-live, and a process that reconnects calls the `onReconnect` handlers so its
 * caches start afresh.
 *
 * A publisher receives its own messages too: a cache reacts in one place, whoever changed the data.
 *
 * Every implementation passes the shared suite in adapters/signals/signals.suite.ts.
 */
export interface Signals {
  /** In-process, cluster IPC, PostgreSQL, Redis…: for logs and diagnostics. */
  readonly kind: string;
  /** Sends `message` (plain text, at most 8000 bytes) on `channel` to every process, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /** Calls `handler` with each message on `channel`; returns the function that stops it. */
  subscribe(channel: string, handler: (message: string) => void): () => void;
  /** Calls `handler` whenever messages may have been lost (a reconnection): caches should forget everything. */
  onReconnect(handler: () => void): () => void;
  /** Stops delivering and frees connections. */
  close(): Promise<void>;
}

/** Channel names: lower-case words and dots, e.g. `settings.changed`. */
export const SIGNAL_CHANNEL = /^[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)*$/;

/** The largest message any adapter carries (PostgreSQL's NOTIFY payload is below 8000 bytes). */
export const SIGNAL_MAX_BYTES = 7999;
