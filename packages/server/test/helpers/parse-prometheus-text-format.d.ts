declare module 'parse-prometheus-text-format' {
  /** Parses Prometheus's text format into metric families (see test/helpers/prometheus-text.ts for the shape). */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
