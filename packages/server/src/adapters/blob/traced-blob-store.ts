import type { BlobStore } from '../../ports/blob-store.js';
import type { SpanRunner } from '../../ports/spans.js';
import { tracedPort } from '../traced-port.js';

/** Streams and iterables: their span would end before their bytes move, so they pass through untraced. */
const UNTRACED = new Set<PropertyKey>(['walk']);

/**
 * The blob store with a span per call (`storage <method>`: getContent, reader, writer, stat, move, delete, …) under
 * the request's span; a reader's or writer's span covers opening it. Applied by main.ts only when tracing is enabled;
 * attributes name the driver, never paths (they contain digests).
 */
export function tracedBlobStore(storage: BlobStore, spans: SpanRunner, driver: string): BlobStore {
  return tracedPort(storage, 'storage', { 'wharf.storage.driver': driver }, spans, UNTRACED);
}
