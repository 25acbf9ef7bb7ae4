import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TokenVerificationError } from '../../auth/token/token-signer.js';
import type { RepositoryMatch } from '../../services/search.js';
import { ANONYMOUS, type SecurityContext } from '../../services/authenticator.js';
import { credentialsOf } from '../credentials.js';
import { HarborError, sendHarborError } from '../error-handler.js';
import type { OciAuthorizationOptions } from './authorization.js';
import { queryParam, sendJson } from './context.js';

export interface DockerV1RoutesOptions {
  /** Repositories whose names contain the text, among those the caller sees (SearchService.repositories). */
  readonly search: (ctx: SecurityContext, text: string) => Promise<readonly RepositoryMatch[]>;
  /** How /v2 checks Basic credentials and Bearer tokens. */
  readonly authorization: Pick<OciAuthorizationOptions, 'login' | 'tokens' | 'contextOfAccount'>;
}

/** Docker's page size for `docker search` (its default `--limit`), and the largest page it may ask for. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

/**
 * The two endpoints of Docker's v1 registry API that today's clients still call: `docker search` and `podman search`
 * ask `GET /v1/search?q=&n=&page=` (docker after `GET /v1/_ping`). The search is Harbor's repository search (name
 * contains `q`, ASCII case-insensitively) with its visibility rule: anonymous callers see the repositories of
 * public projects, signed-in ones also those of their projects, administrators all. Docker sends Basic credentials
 * when logged in; podman never sends any, so it finds public repositories only. Every other /v1 path is a JSON 404.
 */
export function registerDockerV1Routes(app: FastifyInstance, opts: DockerV1RoutesOptions): void {
  void app.register(
    (v1, _opts, done) => {
      v1.setErrorHandler((err, req, reply) => sendHarborError(reply, err, req.log));
      // Not standalone: docker then sends Basic credentials with a search only when logged in (X-Docker-Token).
      v1.get('/_ping', (_req, reply) =>
        sendJson(reply.header('X-Docker-Registry-Standalone', 'false'), { standalone: false }),
      );
      v1.get('/search', async (req, reply) => {
        const query = queryParam(req, 'q') ?? '';
        const pageSize = count(req, 'n', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
        const page = count(req, 'page', 1, Number.MAX_SAFE_INTEGER);
        const caller = await callerOf(req, opts.authorization);
        // No repository name holds a control character (and PostgreSQL cannot even compare with NUL).
        const matches = [...query].some((c) => c < ' ') ? [] : await opts.search(caller, query);
        const results = matches.slice((page - 1) * pageSize, page * pageSize).map((repository) => ({
          name: repository.name,
          description: repository.description,
          star_count: 0,
          is_official: false,
          is_automated: false,
        }));
        return sendJson(reply, {
          num_results: matches.length,
          num_pages: Math.ceil(matches.length / pageSize),
          page,
          page_size: pageSize,
          query,
          results,
        });
      });
      done();
    },
    { prefix: '/v1' },
  );
}

/** A positive integer query parameter, `fallback` when absent; 400 when malformed or above `max`. */
function count(req: FastifyRequest, key: string, fallback: number, max: number): number {
  const text = queryParam(req, key);
  if (text === undefined || text === '') return fallback;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= max)) {
    throw new HarborError('BAD_REQUEST', `${key} must be an integer from 1 to ${max}, not ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Who is searching: anonymous without credentials (or with the empty Basic credentials docker sends when not logged
 * in), otherwise the user or robot of valid Basic credentials (through the login guard) or of a token from
 * /service/token. Credentials that do not verify are refused (401), never searched with as anonymous.
 */
async function callerOf(req: FastifyRequest, auth: DockerV1RoutesOptions['authorization']): Promise<SecurityContext> {
  const credentials = credentialsOf(req);
  if (credentials.kind === 'none') return ANONYMOUS;
  if (credentials.kind === 'bearer') {
    let subject: string;
    try {
      subject = auth.tokens.verify(credentials.token).sub;
    } catch (error) {
      if (error instanceof TokenVerificationError) throw new HarborError('UNAUTHORIZED', 'invalid token');
      throw error;
    }
    if (subject === '') return ANONYMOUS;
    const ctx = await auth.contextOfAccount(subject);
    if (!ctx) throw new HarborError('UNAUTHORIZED', 'the account of this token no longer exists');
    return ctx;
  }
  if (credentials.kind !== 'basic') throw new HarborError('UNAUTHORIZED', 'invalid username or password');
  if (credentials.username === '' && credentials.password === '') return ANONYMOUS;
  const result = await auth.login(credentials.username, credentials.password, req, 'registry');
  if (!result.ok) throw new HarborError('UNAUTHORIZED', 'invalid username or password');
  return result.ctx;
}
