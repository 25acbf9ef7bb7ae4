// `npm run check:harbor`: compares Wharf's management API with Harbor's, using Harbor's swagger
// (harbor-v2.15.2-swagger.yaml) from the shared reference beside the repository (../shared/reference/) or the file
// named by HARBOR_SWAGGER. It is not part of `npm test`, which needs nothing beside the repository; .ci/run runs it
// after `npm test`. It fails, saying where it looked, when the swagger is missing. Otherwise it
//   1. runs the comparison tests (packages/server/test/api/harbor-swagger.test.ts, vitest.harbor.config.ts):
//      every route under /api/v2.0 is a Harbor operation or a listed Wharf extension, and the checker itself;
//   2. checks that the last `npm test` checked a 2xx response of every /api/v2.0 operation against Harbor's swagger
//      (its records in test-output/api-coverage-sqlite/ and -postgres/, written by scripts/test.sh; with the
//      swagger present, `npm test` checks every response against it and fails on a violation).
// `node scripts/check-harbor.mjs --locate` only says whether and where the swagger is (exit status 0).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const file =
  process.env.HARBOR_SWAGGER ?? path.resolve(root, '..', 'shared', 'reference', 'harbor-v2.15.2-swagger.yaml');
const present = existsSync(file);

if (process.argv.includes('--locate')) {
  console.log(
    present
      ? `Harbor's swagger: ${file}; every /api/v2.0 response is also checked against it`
      : `Harbor's swagger: not found at ${file}; responses are checked against Wharf's OpenAPI description only ` +
          '(npm run check:harbor needs it)',
  );
  process.exit(0);
}

if (!present) {
  console.error(
    `check:harbor: Harbor's swagger (harbor-v2.15.2-swagger.yaml) is not at ${file}.\n` +
      "This check compares Wharf's management API with Harbor's and cannot run without it. Put the shared reference " +
      'beside the repository (../shared/reference/harbor-v2.15.2-swagger.yaml) or name the file with ' +
      'HARBOR_SWAGGER=/path/to/harbor-v2.15.2-swagger.yaml.',
  );
  process.exit(1);
}

console.log(`check:harbor: Harbor's swagger is ${file}`);
const run = (command, args) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, HARBOR_SWAGGER: file } }).status;

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
if (run(npx, ['vitest', 'run', '--config', 'vitest.harbor.config.ts']) !== 0) {
  console.error('check:harbor: the comparison tests failed');
  process.exit(1);
}

const records = ['sqlite', 'postgres']
  .map((run) => path.join('test-output', `api-coverage-${run}`))
  .filter((dir) => existsSync(path.join(root, dir)));
if (records.length === 0) {
  console.error(
    'check:harbor: no records of an `npm test` run in test-output/api-coverage-sqlite/ or -postgres/: run ' +
      "`npm test` first (with Harbor's swagger present it checks every /api/v2.0 response against it), then this.",
  );
  process.exit(1);
}
if (run(process.execPath, ['scripts/check-api-coverage.js', ...records, '--against', 'harbor']) !== 0) process.exit(1);
console.log("check:harbor: Wharf's management API agrees with Harbor's swagger");
