/* global process, console */
// Reports every management API operation that Wharf registers but no test exercised: run after vitest, which
// records (packages/server/test/helpers/api-coverage.ts) the routes each test registry registered and the routes
// whose 2xx responses were checked against Harbor's swagger. Exit status 1 when one was never checked.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2] ?? 'test-output/api-coverage';
const registered = new Set();
const validated = new Set();
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
for (const file of files) {
  for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line);
    if (record.registered) registered.add(record.registered);
    if (record.validated) validated.add(record.validated);
  }
}
if (registered.size === 0) {
  console.error(`api coverage: no records in ${dir}; did the /api/v2.0 tests run?`);
  process.exit(1);
}
const missing = [...registered].filter((route) => !validated.has(route)).sort();
if (missing.length > 0) {
  console.error(
    `api coverage: ${missing.length} of ${registered.size} /api/v2.0 operations never answered a 2xx response ` +
      `that a test checked against Harbor's swagger:\n${missing.map((r) => `  ${r}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(`api coverage: all ${registered.size} /api/v2.0 operations were checked against Harbor's swagger`);
