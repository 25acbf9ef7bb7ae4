import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ADMIN, api, createUser } from '../helpers/api-client.js';
import { harborSwagger, isWharfExtension, loadHarborSwagger } from '../helpers/harbor-swagger.js';
import { checkApiResponses, RESPONSE_CHECKS, ResponseConformanceError } from '../helpers/response-validation.js';
import type { CheckedResponse } from '../helpers/response-schemas.js';
import { useTestRegistry } from '../helpers/test-registry.js';

/**
 * The comparison with Harbor's swagger. It needs the swagger (../shared/reference/ beside the repository, or
 * HARBOR_SWAGGER), so it is not part of `npm test`: `npm run check:harbor` runs it (vitest.harbor.config.ts).
 */

const reg = useTestRegistry();

function json(method: string, url: string, status: number, body: unknown): CheckedResponse {
  return {
    method,
    url: `/api/v2.0${url}`,
    status,
    contentType: 'application/json; charset=utf-8',
    body: JSON.stringify(body),
  };
}

const USER = {
  user_id: 3,
  username: 'alice',
  email: 'alice@example.com',
  realname: 'Alice',
  comment: '',
  sysadmin_flag: false,
  admin_role_in_auth: false,
  creation_time: '2024-05-01T10:00:00.000Z',
  update_time: '2024-05-01T10:00:00.000Z',
};

describe('Wharf routes under /api/v2.0', () => {
  it('are all operations of Harbor’s swagger, or one of the few Wharf extensions', () => {
    const routes = reg.apiRoutes();
    expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /api/v2.0/ping', 'GET /api/v2.0/users/:user_id', 'GET /api/v2.0/openapi.json']),
    );
    const unknown = routes.filter(
      (r) => !isWharfExtension(r.method, r.url) && !harborSwagger().findRouteOperation(r.method, r.url),
    );
    expect(unknown, 'routes that Harbor’s swagger does not have').toEqual([]);
  });
});

describe('responses of the implemented operations', () => {
  it('conform to Harbor’s swagger (every request below is checked as it is made)', async () => {
    expect(RESPONSE_CHECKS.map((check) => check.id)).toEqual(['harbor', 'wharf']);
    const { id, credentials } = await createUser(reg.app, 'swagger-user');
    const calls = [
      await api(reg.app, 'GET', '/ping'),
      await api(reg.app, 'GET', '/health'),
      await api(reg.app, 'GET', '/systeminfo'),
      await api(reg.app, 'GET', '/systeminfo', ADMIN),
      await api(reg.app, 'GET', '/users?page_size=1', ADMIN),
      await api(reg.app, 'GET', '/users/current', credentials),
      await api(reg.app, 'GET', '/users/search?username=swagger', credentials),
      await api(reg.app, 'GET', `/users/${id}`, ADMIN),
      await api(reg.app, 'PUT', `/users/${id}`, credentials, { realname: 'Swagger' }),
      await api(reg.app, 'PUT', `/users/${id}/password`, ADMIN, { new_password: 'An0therPassword' }),
      await api(reg.app, 'PUT', `/users/${id}/sysadmin`, ADMIN, { sysadmin_flag: true }),
      await api(reg.app, 'DELETE', `/users/${id}`, ADMIN),
      await api(reg.app, 'GET', `/users/${id}`, ADMIN),
      await api(reg.app, 'GET', '/quotas?reference=project&sort=-used.storage', ADMIN),
      await api(reg.app, 'GET', '/quotas/1', ADMIN),
      await api(reg.app, 'PUT', '/quotas/1', ADMIN, { hard: { storage: -1 } }),
      await api(reg.app, 'GET', '/projects/library/summary', ADMIN),
      await api(reg.app, 'GET', '/nowhere'),
      await api(reg.app, 'GET', '/users', { username: 'admin', password: 'wrong' }),
    ];
    expect(calls.map((res) => res.statusCode)).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 404, 200, 200, 200, 200, 404, 401,
    ]);
  });

  it('of garbage collection conform too (history, one run, its log, stop, the schedule)', async () => {
    const run = await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, {
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: false, dry_run: true, workers: 1, time_window: 0 },
    });
    const id = Number((run.headers.location as string).split('/').at(-1));
    await reg.wharf.jobs.tick();
    await reg.wharf.jobs.idle();
    const calls = [
      run,
      await api(reg.app, 'GET', '/system/gc', ADMIN),
      await api(reg.app, 'GET', `/system/gc/${id}`, ADMIN),
      await api(reg.app, 'GET', `/system/gc/${id}/log`, ADMIN),
      await api(reg.app, 'PUT', `/system/gc/${id}`, ADMIN),
      await api(reg.app, 'PUT', '/system/gc/schedule', ADMIN, { schedule: { type: 'Weekly' } }),
      await api(reg.app, 'GET', '/system/gc/schedule', ADMIN),
      await api(reg.app, 'POST', '/system/gc/schedule', ADMIN, { schedule: { type: 'None' } }),
      await api(reg.app, 'GET', '/system/gc/0', ADMIN),
    ];
    expect(calls.map((res) => res.statusCode)).toEqual([201, 200, 200, 200, 200, 200, 200, 201, 404]);
  });

  it('fail the request when a body does not match, naming the operation, the status and the problem', async () => {
    const app = Fastify();
    checkApiResponses(app);
    app.get('/api/v2.0/users/:user_id', () => ({ ...USER, user_id: '3' }));
    app.get('/api/v2.0/users/current', () => ({ ...USER, creation_time: 'yesterday' }));
    app.get('/api/v2.0/systeminfo', (_req, reply) => reply.code(404).send({ errors: [{ code: 404 }] }));
    app.get('/api/v2.0/unheard-of', () => ({}));
    app.get('/api/v2.0/projects', () => [{ project_id: 1, name: 'library' }]);
    app.get('/api/v2.0/replication/policies', () => []);
    await app.ready();
    try {
      const wrongType = app.inject({ url: '/api/v2.0/users/3' });
      await expect(wrongType).rejects.toThrow(ResponseConformanceError);
      await expect(wrongType).rejects.toThrow(
        /GET \/api\/v2\.0\/users\/3 answered 200[\s\S]*GET \/users\/\{user_id\}[\s\S]*\/user_id must be integer/,
      );
      await expect(app.inject({ url: '/api/v2.0/users/current' })).rejects.toThrow(
        /GET \/users\/current[\s\S]*\/creation_time must match format "date-time"/,
      );
      await expect(app.inject({ url: '/api/v2.0/systeminfo' })).rejects.toThrow(/\/errors\/0\/code must be string/);
      await expect(app.inject({ url: '/api/v2.0/unheard-of' })).rejects.toThrow(/has no operation for GET/);
      // Harbor's Project requires nothing; Wharf's own description requires what Wharf always sends.
      await expect(app.inject({ url: '/api/v2.0/projects' })).rejects.toThrow(
        /Wharf's OpenAPI description \(operation GET \/projects\)[\s\S]*must have required property 'metadata'/,
      );
      // A Harbor operation that Wharf's own description lacks is reported by openapi.test.ts, not here.
      expect((await app.inject({ url: '/api/v2.0/replication/policies' })).statusCode).toBe(200);
      // Outside /api/v2.0 nothing is checked.
      expect((await app.inject({ url: '/v2/' })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});

describe('the Harbor swagger checker', () => {
  const swagger = () => harborSwagger();

  it('prefers literal path segments to templates, and matches encoded repository names as one segment', () => {
    expect(swagger().findOperation('GET', '/api/v2.0/users/current')?.template).toBe('/users/current');
    expect(swagger().findOperation('GET', '/api/v2.0/users/42')?.template).toBe('/users/{user_id}');
    expect(swagger().findOperation('GET', '/api/v2.0/users/current/permissions?scope=x')?.template).toBe(
      '/users/current/permissions',
    );
    expect(
      swagger().findOperation('GET', '/api/v2.0/projects/library/repositories/a%252Fb/artifacts/latest/tags')?.template,
    ).toBe('/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags');
    expect(swagger().findOperation('GET', '/api/v2.0/projects/1/metadatas/')?.template).toBe(
      '/projects/{project_name_or_id}/metadatas/',
    );
    expect(swagger().findOperation('GET', '/v2/_catalog')).toBeUndefined();
  });

  it('maps Fastify routes onto operations, literal to literal and parameter to parameter', () => {
    expect(swagger().findRouteOperation('GET', '/api/v2.0/users/:id')?.operationId).toBe('getUser');
    expect(swagger().findRouteOperation('GET', '/api/v2.0/users/current')?.operationId).toBe('getCurrentUserInfo');
    expect(swagger().findRouteOperation('HEAD', '/api/v2.0/projects')?.operationId).toBe('headProject');
    expect(swagger().findRouteOperation('GET', '/api/v2.0/users/:id/current')).toBeUndefined();
    expect(swagger().findRouteOperation('PATCH', '/api/v2.0/users/:user_id')).toBeUndefined();
  });

  it('finds Harbor’s immutable tag rule and label operations behind Wharf’s routes', () => {
    const artifactLabels = '/api/v2.0/projects/:project_name/repositories/:repository_name/artifacts/:reference/labels';
    const rules = '/api/v2.0/projects/:project_name_or_id/immutabletagrules';
    const operations = [
      ['GET', rules, 'ListImmuRules'],
      ['POST', rules, 'CreateImmuRule'],
      ['PUT', `${rules}/:immutable_rule_id`, 'UpdateImmuRule'],
      ['DELETE', `${rules}/:immutable_rule_id`, 'DeleteImmuRule'],
      ['GET', '/api/v2.0/labels', 'ListLabels'],
      ['POST', '/api/v2.0/labels', 'CreateLabel'],
      ['GET', '/api/v2.0/labels/:label_id', 'GetLabelByID'],
      ['PUT', '/api/v2.0/labels/:label_id', 'UpdateLabel'],
      ['DELETE', '/api/v2.0/labels/:label_id', 'DeleteLabel'],
      ['POST', artifactLabels, 'addLabel'],
      ['DELETE', `${artifactLabels}/:label_id`, 'removeLabel'],
    ] as const;
    for (const [method, route, operationId] of operations) {
      expect(swagger().findRouteOperation(method, route)?.operationId, `${method} ${route}`).toBe(operationId);
    }
  });

  it('finds Harbor’s garbage collection operations behind Wharf’s routes', () => {
    const operations = [
      ['GET', '/api/v2.0/system/gc', 'getGCHistory'],
      ['GET', '/api/v2.0/system/gc/:gc_id', 'getGC'],
      ['PUT', '/api/v2.0/system/gc/:gc_id', 'stopGC'],
      ['GET', '/api/v2.0/system/gc/:gc_id/log', 'getGCLog'],
      ['GET', '/api/v2.0/system/gc/schedule', 'getGCSchedule'],
      ['POST', '/api/v2.0/system/gc/schedule', 'createGCSchedule'],
      ['PUT', '/api/v2.0/system/gc/schedule', 'updateGCSchedule'],
    ] as const;
    for (const [method, route, operationId] of operations) {
      expect(swagger().findRouteOperation(method, route)?.operationId, `${method} ${route}`).toBe(operationId);
    }
  });

  it('is strict about types and date-times, and allows fields the swagger does not name', () => {
    expect(swagger().check(json('GET', '/users/3', 200, USER)).violations).toEqual([]);
    expect(swagger().check(json('GET', '/users/3', 200, { ...USER, extra: [1] })).covered).toBe(true);
    expect(swagger().check(json('GET', '/users/3', 200, { ...USER, sysadmin_flag: 'false' })).violations).toEqual([
      expect.stringMatching(/\/sysadmin_flag must be boolean/),
    ]);
    expect(swagger().check(json('GET', '/users/3', 200, { ...USER, user_id: 1.5 })).violations).toHaveLength(1);
    expect(swagger().check(json('GET', '/users/3', 200, { ...USER, update_time: 1714557600 })).violations).toHaveLength(
      1,
    );
    expect(swagger().check(json('GET', '/users', 200, [USER, { ...USER, username: 7 }])).violations).toEqual([
      expect.stringMatching(/\/1\/username must be string/),
    ]);
  });

  it('admits null only where the swagger marks a field x-nullable', () => {
    expect(
      swagger().check(json('GET', '/systeminfo', 200, { auth_mode: null, harbor_version: 'v' })).violations,
    ).toEqual([]);
    expect(swagger().check(json('GET', '/users/3', 200, { ...USER, username: null })).violations).toHaveLength(1);
  });

  it('checks error bodies against Harbor’s Errors envelope, declared or not', () => {
    const envelope = { errors: [{ code: 'NOT_FOUND', message: 'no such user' }] };
    expect(swagger().check(json('GET', '/users/3', 404, envelope))).toMatchObject({ violations: [], covered: false });
    expect(swagger().check(json('GET', '/systeminfo', 401, envelope)).violations).toEqual([]);
    expect(swagger().check(json('GET', '/nowhere', 404, envelope)).violations).toEqual([]);
    expect(swagger().check(json('GET', '/users/3', 404, { errors: 'no' })).violations).toHaveLength(1);
    expect(swagger().check({ ...json('GET', '/users/3', 404, {}), body: '' }).violations).toEqual([
      'a body is declared, but the response is empty',
    ]);
  });

  it('refuses undeclared success statuses, bodies where none is declared, and foreign content types', () => {
    expect(swagger().check(json('GET', '/users/3', 201, USER)).violations).toEqual([
      expect.stringMatching(/status 201 is not among the declared responses/),
    ]);
    expect(swagger().check(json('PUT', '/users/3', 200, USER)).violations).toEqual([
      expect.stringMatching(/no body is declared/),
    ]);
    expect(swagger().check({ ...json('PUT', '/users/3', 200, {}), body: '' })).toMatchObject({ covered: true });
    expect(
      swagger().check({ ...json('GET', '/health', 200, {}), contentType: 'text/html', body: '<p>' }).violations,
    ).toEqual([expect.stringMatching(/content type text\/html is not one the operation produces/)]);
    expect(swagger().check({ ...json('GET', '/ping', 200, {}), contentType: 'text/plain', body: 'Pong' }).covered).toBe(
      true,
    );
    expect(swagger().check({ ...json('GET', '/openapi.json', 200, {}) }, isWharfExtension).violations).toEqual([]);
  });

  it('fails loudly, saying where it looked, when the swagger file is missing', () => {
    expect(() => loadHarborSwagger('/nonexistent/harbor-swagger.yaml')).toThrow(
      /expected at \/nonexistent\/harbor-swagger\.yaml[\s\S]*\.\.\/shared\/reference\/[\s\S]*HARBOR_SWAGGER\./,
    );
  });
});
