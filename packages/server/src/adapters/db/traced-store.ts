import type { SpanRunner } from '../../ports/spans.js';
import type { Store, StoreRecords } from '../../ports/store.js';
import { tracedPort } from '../traced-port.js';

/**
 * The store with a span per record call (`db <aggregate>.<method>`) and per transaction (`db transaction`), under
 * the request's span. Applied by main.ts only when tracing is enabled. Attributes name the database system and the
 * operation, never SQL parameters or values.
 */
export function tracedStore(store: Store, spans: SpanRunner, system: 'sqlite' | 'postgresql'): Store {
  const attributes = { 'db.system.name': system };
  const records = new Map<PropertyKey, unknown>();
  const wrapRecords = (target: StoreRecords, cache: Map<PropertyKey, unknown>) =>
    new Proxy(target, {
      get(object, prop) {
        const value: unknown = Reflect.get(object, prop, object);
        if (typeof prop === 'symbol' || typeof value !== 'object' || value === null) {
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
        }
        let traced = cache.get(prop);
        if (traced === undefined) {
          traced = tracedPort(value, `db ${prop}`, attributes, spans);
          cache.set(prop, traced);
        }
        return traced;
      },
    });
  const outer = wrapRecords(store, records) as Store;
  return new Proxy(outer, {
    get(object, prop) {
      if (prop === 'transaction') {
        return <T>(work: (tx: StoreRecords) => Promise<T>) =>
          spans.run('db transaction', attributes, () => store.transaction((tx) => work(wrapRecords(tx, new Map()))));
      }
      return Reflect.get(object, prop, object) as unknown;
    },
  });
}
