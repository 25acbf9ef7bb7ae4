import type { FastifyInstance, InjectOptions, LightMyRequestCallback, LightMyRequestResponse } from 'fastify';
import { recordRegistered, recordValidated, type ApiDescriptionId } from './api-coverage.js';
import type { RegisteredRoute } from './api-routes.js';
import { harborSwagger, harborSwaggerPresent, HARBOR_SWAGGER_FILE, isWharfExtension } from './harbor-swagger.js';
import type { ResponseChecker } from './response-schemas.js';
import { wharfOpenApi } from './wharf-openapi.js';

/**
 * Checks every /api/v2.0 response of an in-process test registry against Wharf's own OpenAPI description, and
 * against Harbor's swagger when it is present (beside the repository, or `HARBOR_SWAGGER`): the request that caused
 * a violation fails with the operation, the status and ajv's errors.
 */

/** Where the route that served a request is noted on the raw request (read back from the injected response). */
const SERVED_BY = Symbol('wharf.test.servedBy');
type Noted = { [SERVED_BY]?: string };

const API_PREFIX = '/api/v2.0';

/** A description to check responses against, and which requests it may not know without that being a violation. */
export interface ResponseCheck {
  /** Names the description in the coverage records. */
  readonly id: ApiDescriptionId;
  readonly checker: () => ResponseChecker;
  readonly mayNotKnow: (method: string, path: string) => boolean;
}

/** Harbor's swagger: a route Harbor does not have is a violation, unless it is one of the Wharf extensions. */
export const HARBOR_CHECK: ResponseCheck = { id: 'harbor', checker: harborSwagger, mayNotKnow: isWharfExtension };

/**
 * Wharf's own description: a route missing from it is reported once, by test/api/openapi.test.ts, rather than by
 * every request to it.
 */
export const WHARF_CHECK: ResponseCheck = { id: 'wharf', checker: wharfOpenApi, mayNotKnow: () => true };

/** The descriptions responses are checked against: Wharf's always, Harbor's when its swagger is present. */
export function responseChecks(harborSwaggerFile = HARBOR_SWAGGER_FILE): readonly ResponseCheck[] {
  return harborSwaggerPresent(harborSwaggerFile) ? [HARBOR_CHECK, WHARF_CHECK] : [WHARF_CHECK];
}

/** The checks of this test worker (decided once, when the module loads). */
export const RESPONSE_CHECKS: readonly ResponseCheck[] = responseChecks();

/** Raised (by the injected request's promise) when a response does not conform. */
export class ResponseConformanceError extends Error {
  override readonly name = 'ResponseConformanceError';
}

function headerText(value: string | number | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.join(', ');
  return value === undefined ? undefined : String(value);
}

/** Checks one injected response; throws a ResponseConformanceError listing every violation. */
export function assertConforms(res: LightMyRequestResponse, checks = RESPONSE_CHECKS) {
  const req = res.raw.req as typeof res.raw.req & Noted;
  const method = (req.method ?? 'GET').toUpperCase();
  const url = req.url ?? '';
  if (url !== API_PREFIX && !url.startsWith(`${API_PREFIX}/`) && !url.startsWith(`${API_PREFIX}?`)) return;
  const response = {
    method,
    url,
    status: res.statusCode,
    contentType: headerText(res.headers['content-type']),
    body: res.body,
  };
  const problems: string[] = [];
  // Covered, per description: it knows the operation and found a conforming 2xx response.
  const covered: ApiDescriptionId[] = [];
  for (const check of checks) {
    const checker = check.checker();
    const verdict = checker.check(response, check.mayNotKnow);
    if (verdict.operation && verdict.covered) covered.push(check.id);
    if (verdict.violations.length > 0) {
      const where = verdict.operation ? `operation ${verdict.operation}` : 'no matching operation';
      problems.push(`${checker.description.name} (${where}):\n${verdict.violations.map((v) => `  - ${v}`).join('\n')}`);
    }
  }
  if (problems.length > 0) {
    throw new ResponseConformanceError(
      `${method} ${url} answered ${res.statusCode} with a response that does not conform to\n${problems.join('\n')}\n` +
        `body: ${res.body.slice(0, 1000)}`,
    );
  }
  const route = req[SERVED_BY];
  if (route) for (const id of covered) recordValidated(`${method} ${route}`, id);
}

/**
 * Wraps `app.inject` (the promise form every test uses) so that each /api/v2.0 response is checked before the
 * test sees it, and notes which route served each request (for the coverage records). Call before `ready()`.
 */
export function checkApiResponses(app: FastifyInstance, checks = RESPONSE_CHECKS): void {
  app.addHook('onRequest', (req, _reply, done) => {
    (req.raw as Noted)[SERVED_BY] = req.routeOptions.url;
    done();
  });
  type Inject = (opts?: InjectOptions | string, callback?: LightMyRequestCallback) => unknown;
  const inject = app.inject.bind(app) as unknown as Inject;
  const checked: Inject = (opts, callback) => {
    // The chain (no options) and callback forms pass unchecked; the tests use the promise form.
    if (opts === undefined || callback) return inject(opts, callback);
    return (inject(opts) as Promise<LightMyRequestResponse>).then((res) => {
      assertConforms(res, checks);
      return res;
    });
  };
  app.inject = checked as unknown as typeof app.inject;
}

/** Records the registered routes that implement Harbor operations, for the suite-wide coverage check. */
export function recordRegisteredRoutes(routes: readonly RegisteredRoute[]): void {
  for (const { method, url } of routes) if (!isWharfExtension(method, url)) recordRegistered(`${method} ${url}`);
}
