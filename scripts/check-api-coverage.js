/* global process, console */
// Reports every management API operation that Wharf registers but no test exercised: run after vitest, which
// records (packages/server/test/helpers/api-coverage.ts) the routes each test registry registered and the routes
// whose 2xx responses passed the check against each API description. Exit status 1 when one was never checked.
//
//   node scripts/check-api-coverage.js [DIR...] [--against wharf|harbor]
//
// `--against wharf` (the default): checked against Wharf's OpenAPI description (every `npm test` run);
// `--against harbor`: checked against Harbor's swagger (`npm run check:harbor`, over the records of `npm test`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DESCRIPTIONS = { wharf: "Wharf's OpenAPI description", harbor: "Harbor's swagger" };

const args = process.argv.slice(2);
let against = 'wharf';
const dirs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--against') against = args[++i];
  else dirs.push(args[i]);
}
if (!(against in DESCRIPTIONS)) {
  console.error(`api coverage: --against must be wharf or harbor, not ${against}`);
  process.exit(2);
}
if (dirs.length === 0) dirs.push('test-output/api-coverage');

const description = DESCRIPTIONS[against];
let failed = false;
for (const dir of dirs) {
  const registered = new Set();
  const validated = new Set();
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.jsonl')) : [];
  for (const file of files) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line);
      if (record.registered) registered.add(record.registered);
      if (record.validated && record.against === against) validated.add(record.validated);
    }
  }
  if (registered.size === 0) {
    console.error(`api coverage: no records in ${dir}; did the /api/v2.0 tests run?`);
    failed = true;
    continue;
  }
  const missing = [...registered].filter((route) => !validated.has(route)).sort();
  if (missing.length > 0) {
    const hint =
      against === 'harbor' && validated.size === 0
        ? `\n(no response at all was checked against it: was Harbor's swagger missing when the tests ran?)`
        : '';
    console.error(
      `api coverage (${dir}): ${missing.length} of ${registered.size} /api/v2.0 operations never answered a 2xx ` +
        `response that a test checked against ${description}:\n${missing.map((r) => `  ${r}`).join('\n')}${hint}`,
    );
    failed = true;
    continue;
  }
  console.log(`api coverage (${dir}): all ${registered.size} /api/v2.0 operations were checked against ${description}`);
}
process.exit(failed ? 1 : 0);
