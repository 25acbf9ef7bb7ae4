import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from './harbor-swagger.js';

/**
 * Records, for the whole test suite, which Harbor operations Wharf registers and which of them had a 2xx response
 * that passed the check against each API description (`against`: `wharf` for Wharf's OpenAPI description, `harbor`
 * for Harbor's swagger when it is present). Each test worker appends JSON lines to its own file under
 * test-output/api-coverage/; `scripts/check-api-coverage.js` (run by scripts/test.sh after vitest, and with
 * `--against harbor` by `npm run check:harbor`) reports every registered operation that no test exercised.
 */
export const API_COVERAGE_DIR =
  process.env.WHARF_API_COVERAGE_DIR ?? path.join(REPOSITORY_ROOT, 'test-output', 'api-coverage');

const written = new Set<string>();

function record(entry: { registered: string } | { validated: string; against: ApiDescriptionId }): void {
  const line = JSON.stringify(entry);
  if (written.has(line)) return;
  written.add(line);
  mkdirSync(API_COVERAGE_DIR, { recursive: true });
  appendFileSync(path.join(API_COVERAGE_DIR, `worker-${process.pid}.jsonl`), `${line}\n`);
}

/** The API descriptions responses are checked against. */
export type ApiDescriptionId = 'wharf' | 'harbor';

export function recordRegistered(operation: string): void {
  record({ registered: operation });
}

export function recordValidated(operation: string, against: ApiDescriptionId): void {
  record({ validated: operation, against });
}
