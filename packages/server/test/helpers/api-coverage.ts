import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from './harbor-swagger.js';

/**
 * Records, for the whole test suite, which Harbor operations Wharf registers and which of them had a 2xx response
 * checked against Harbor's swagger. Each test worker appends JSON lines to its own file under
 * test-output/api-coverage/; `scripts/check-api-coverage.js` (run by scripts/test.sh after vitest) reports every
 * registered operation that no test exercised.
 */
export const API_COVERAGE_DIR =
  process.env.WHARF_API_COVERAGE_DIR ?? path.join(REPOSITORY_ROOT, 'test-output', 'api-coverage');

const written = new Set<string>();

function record(kind: 'registered' | 'validated', operation: string): void {
  const line = JSON.stringify({ [kind]: operation });
  if (written.has(line)) return;
  written.add(line);
  mkdirSync(API_COVERAGE_DIR, { recursive: true });
  appendFileSync(path.join(API_COVERAGE_DIR, `worker-${process.pid}.jsonl`), `${line}\n`);
}

export function recordRegistered(operation: string): void {
  record('registered', operation);
}

export function recordValidated(operation: string): void {
  record('validated', operation);
}
