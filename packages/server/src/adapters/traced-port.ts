import type { SpanRunner } from '../ports/spans.js';

/**
 * `target` with every method call run in a span named `<prefix>.<method>` (the port decorators of tracing; applied
 * only when tracing is enabled). Methods listed in `skip` and non-function properties pass through; wrapped methods
 * are made once per property, not per call.
 */
export function tracedPort<T extends object>(
  target: T,
  prefix: string,
  attributes: Readonly<Record<string, string | number>>,
  spans: SpanRunner,
  skip: ReadonlySet<PropertyKey> = new Set(),
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, prop) {
      const value: unknown = Reflect.get(object, prop, object);
      if (typeof value !== 'function' || typeof prop === 'symbol' || skip.has(prop)) {
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(object) : value;
      }
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const method = value as (...a: unknown[]) => unknown;
        const name = `${prefix}.${prop}`;
        const attrs = { ...attributes, 'code.function.name': prop };
        fn = (...args: unknown[]) => spans.run(name, attrs, () => method.apply(object, args));
        wrapped.set(prop, fn);
      }
      return fn;
    },
  });
}
