import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_COVERAGE_DIR } from '../helpers/api-coverage.js';
import { collectRoutes } from '../helpers/api-routes.js';
import { ADMIN, api, createUser } from '../helpers/api-client.js';
import { harborSwaggerPresent, REPOSITORY_ROOT } from '../helpers/harbor-swagger.js';
import {
  checkApiResponses,
  HARBOR_CHECK,
  responseChecks,
  ResponseConformanceError,
  WHARF_CHECK,
} from '../helpers/response-validation.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * How `npm test` checks /api/v2.0 responses, with or without Harbor's swagger beside the repository: always against
 * Wharf's own OpenAPI description, also against Harbor's swagger when it is present; and the coverage records and
 * scripts that the suite-wide checks read. The comparison with Harbor's swagger itself is harbor-swagger.test.ts
 * (`npm run check:harbor`).
 */

const reg = useTestRegistry();
const exec = promisify(execFile);

interface Run {
  code: number;
  out: string;
  err: string;
}

async function node(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return exec(process.execPath, args, { cwd: REPOSITORY_ROOT, env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
  );
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'wharf-response-validation-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('the descriptions responses are checked against', () => {
  it('are Wharf’s OpenAPI description always, and Harbor’s swagger only when the file is there', async () => {
    expect(responseChecks('/nonexistent/harbor-v2.15.2-swagger.yaml')).toEqual([WHARF_CHECK]);
    const present = path.join(scratch, 'harbor-v2.15.2-swagger.yaml');
    await writeFile(present, 'swagger: "2.0"\n');
    expect(responseChecks(present)).toEqual([HARBOR_CHECK, WHARF_CHECK]);
  });

  it('without Harbor’s swagger, still fail a request whose body contradicts Wharf’s description', async () => {
    const app = Fastify();
    checkApiResponses(app, responseChecks('/nonexistent/harbor-v2.15.2-swagger.yaml'));
    app.get('/api/v2.0/users/:user_id', () => ({ user_id: '3', username: 'alice' }));
    app.get('/api/v2.0/projects', () => [{ project_id: 1, name: 'library' }]);
    // Harbor has this operation, Wharf's description does not: without Harbor's swagger nothing checks it here.
    app.get('/api/v2.0/replication/policies', () => []);
    await app.ready();
    try {
      const wrongType = app.inject({ url: '/api/v2.0/users/3' });
      await expect(wrongType).rejects.toThrow(ResponseConformanceError);
      await expect(wrongType).rejects.toThrow(
        /Wharf's OpenAPI description \(operation GET \/users\/\{user_id\}\)[\s\S]*\/user_id must be integer/,
      );
      await expect(app.inject({ url: '/api/v2.0/projects' })).rejects.toThrow(
        /Wharf's OpenAPI description \(operation GET \/projects\)[\s\S]*must have required property 'metadata'/,
      );
      await expect(app.inject({ url: '/api/v2.0/projects' })).rejects.not.toThrow(/Harbor's swagger/);
      expect((await app.inject({ url: '/api/v2.0/replication/policies' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('let an API test pass with Harbor’s swagger hidden, recording what Wharf’s description checked', async () => {
    const coverage = path.join(scratch, 'coverage');
    const vitest = path.join(REPOSITORY_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    const run = await node(
      [vitest, 'run', '--project', 'server', 'packages/server/test/api/system.test.ts', '--reporter', 'dot'],
      { HARBOR_SWAGGER: '/nonexistent/harbor-v2.15.2-swagger.yaml', WHARF_API_COVERAGE_DIR: coverage },
    );
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    const lines = (
      await Promise.all((await readdir(coverage)).map((f) => readFile(path.join(coverage, f), 'utf8')))
    ).join('');
    expect(lines).toContain(JSON.stringify({ validated: 'GET /api/v2.0/systeminfo', against: 'wharf' }));
    expect(lines).not.toContain('"against":"harbor"');
  });
});

describe('npm run check:harbor (scripts/check-harbor.mjs)', () => {
  const script = path.join(REPOSITORY_ROOT, 'scripts', 'check-harbor.mjs');

  it('fails, saying where it looked and how to provide the file, when Harbor’s swagger is missing', async () => {
    const run = await node([script], { HARBOR_SWAGGER: '/nonexistent/harbor-v2.15.2-swagger.yaml' });
    expect(run.code).toBe(1);
    expect(run.err).toContain("Harbor's swagger (harbor-v2.15.2-swagger.yaml) is not at /nonexistent/harbor-v2.15.2");
    expect(run.err).toContain('../shared/reference/harbor-v2.15.2-swagger.yaml');
    expect(run.err).toContain('HARBOR_SWAGGER=');
  });

  it('with --locate, says whether the swagger is there, and succeeds either way', async () => {
    const missing = await node([script, '--locate'], { HARBOR_SWAGGER: '/nonexistent/harbor.yaml' });
    expect(missing).toMatchObject({ code: 0 });
    expect(missing.out).toMatch(/not found at \/nonexistent\/harbor\.yaml; .*Wharf's OpenAPI description only/);
    const present = path.join(scratch, 'present.yaml');
    await writeFile(present, 'swagger: "2.0"\n');
    const found = await node([script, '--locate'], { HARBOR_SWAGGER: present });
    expect(found.out).toContain(`Harbor's swagger: ${present}; every /api/v2.0 response is also checked against it`);
  });
});

describe('scripts/check-api-coverage.js', () => {
  const script = path.join(REPOSITORY_ROOT, 'scripts', 'check-api-coverage.js');
  let n = 0;
  const run = async (records: object[], ...args: string[]) => {
    const dir = path.join(scratch, `records-${++n}`);
    await mkdir(dir);
    await writeFile(path.join(dir, 'worker-1.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const res = await node([script, dir, ...args]);
    return { code: res.code, out: res.code === 0 ? res.out : res.err };
  };
  const ping = 'GET /api/v2.0/ping';
  const user = 'GET /api/v2.0/users/:user_id';

  it('passes when every registered operation was checked, and names the ones that were not', async () => {
    expect(await run([{ registered: ping }, { validated: ping, against: 'wharf' }])).toMatchObject({ code: 0 });
    const missing = await run([{ registered: ping }, { registered: user }, { validated: ping, against: 'wharf' }]);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain(user);
    expect(missing.out).not.toContain(ping);
    const empty = await run([]);
    expect(empty.code).toBe(1);
    expect(empty.out).toMatch(/no records/);
  });

  it('counts, with --against harbor, only the responses checked against Harbor’s swagger', async () => {
    const both = [{ registered: ping }, { validated: ping, against: 'wharf' }, { validated: ping, against: 'harbor' }];
    expect(await run(both, '--against', 'harbor')).toMatchObject({ code: 0 });
    const wharfOnly = await run([{ registered: ping }, { validated: ping, against: 'wharf' }], '--against', 'harbor');
    expect(wharfOnly.code).toBe(1);
    expect(wharfOnly.out).toContain(`never answered a 2xx response that a test checked against Harbor's swagger`);
    expect(wharfOnly.out).toMatch(/was Harbor's swagger missing when the tests ran\?/);
    expect(await run([{ registered: ping }, { validated: ping, against: 'harbor' }])).toMatchObject({ code: 1 });
  });

  it('is fed by the test registries: this file’s registry recorded its routes and the checked responses', async () => {
    const { id } = await createUser(reg.app, 'coverage-user');
    expect((await api(reg.app, 'GET', `/users/${id}`, ADMIN)).statusCode).toBe(200);
    const lines = (await readFile(path.join(API_COVERAGE_DIR, `worker-${process.pid}.jsonl`), 'utf8')).split('\n');
    const harbor = JSON.stringify({ validated: 'GET /api/v2.0/users/:user_id', against: 'harbor' });
    expect(lines).toEqual(
      expect.arrayContaining([
        JSON.stringify({ registered: 'GET /api/v2.0/users/:user_id' }),
        JSON.stringify({ validated: 'GET /api/v2.0/users/:user_id', against: 'wharf' }),
        ...(harborSwaggerPresent() ? [harbor] : []),
      ]),
    );
    if (!harborSwaggerPresent()) expect(lines).not.toContain(harbor);
    expect(lines).not.toContain(JSON.stringify({ registered: 'GET /api/v2.0/openapi.json' }));
  });
});

describe('the routes the test registries collect', () => {
  it('leave out the HEAD routes Fastify adds for GET routes, and keep the ones registered explicitly', async () => {
    // The registry's only HEAD route is the one project-routes.ts registers (Harbor's headProject); none of the
    // HEAD routes Fastify adds for its GET routes is listed.
    expect(reg.apiRoutes().filter((r) => r.method === 'HEAD')).toEqual([{ method: 'HEAD', url: '/api/v2.0/projects' }]);
    const app = Fastify();
    const routes = collectRoutes(app);
    await app.register(
      (api, _opts, done) => {
        api.head('/projects', (_req, reply) => reply.send());
        api.get('/projects', () => []);
        api.get('/ping', () => 'Pong');
        done();
      },
      { prefix: '/api/v2.0' },
    );
    app.get('/v2/', () => ({}));
    await app.ready();
    expect(routes()).toEqual([
      { method: 'HEAD', url: '/api/v2.0/projects' },
      { method: 'GET', url: '/api/v2.0/projects' },
      { method: 'GET', url: '/api/v2.0/ping' },
    ]);
    await app.close();
  });
});
