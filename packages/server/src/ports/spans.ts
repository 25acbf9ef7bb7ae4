/**
 * Child spans for the decorators of the database and storage ports (tracing enabled only; without tracing the
 * decorators are not applied at all). tracing/ implements it over OpenTelemetry.
 */
export interface SpanRunner {
  /**
   * Runs `work` in a span named `name` under the active span, ending it when the work's promise settles. Without an
   * active recording span (background jobs, unsampled requests) it just runs `work`.
   */
  run<T>(name: string, attributes: Readonly<Record<string, string | number>>, work: () => T): T;
}
