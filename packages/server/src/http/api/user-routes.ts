import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UserQuery, UserRecord } from '../../ports/identity-store.js';
import type { UserService } from '../../services/users.js';
import type { SecurityContext } from '../../services/authenticator.js';
import { HarborError } from '../error-handler.js';
import { idParam, jsonBody } from './request-parts.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { expectKeys, parseQuery, parseSingleSort, textMatchOf } from './query.js';
import { securityOf } from './security.js';
import { passwordChangeOf, profileChangeOf, sysadminFlagOf, userCreationOf } from './user-body.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Harbor's UserResp; never the password hash. */
export function toUserResp(user: UserRecord) {
  return {
    user_id: user.id,
    username: user.username,
    email: user.email ?? '',
    realname: user.realname,
    comment: user.comment,
    sysadmin_flag: user.sysadmin,
    admin_role_in_auth: user.adminRoleInAuth,
    creation_time: user.createdAt.toISOString(),
    update_time: user.updatedAt.toISOString(),
  };
}

const userIdOf = (req: FastifyRequest): number => idParam(req, 'user_id');
const bodyOf = jsonBody;

const SORT_KEYS: Readonly<Record<string, NonNullable<UserQuery['sort']>['by']>> = {
  user_id: 'id',
  username: 'username',
  email: 'email',
  creation_time: 'createdAt',
};

/** Harbor's `q` (`username=~ali,email=~corp`; `=` is exact, `=~` a substring) and `sort` (`-creation_time`). */
export function userQueryOf(query: Query): Omit<UserQuery, 'page' | 'pageSize'> {
  const terms = parseQuery(query.q);
  expectKeys(terms, ['username', 'email']);
  const username = terms.get('username');
  const email = terms.get('email');
  const sort = parseSingleSort(query.sort, SORT_KEYS);
  return {
    ...(username && { username: textMatchOf('username', username) }),
    ...(email && { email: textMatchOf('email', email) }),
    ...(sort && { sort }),
  };
}

/** /users: Harbor's user management (swagger tag `user`). */
export function registerUserRoutes(
  api: FastifyInstance,
  users: UserService,
  additions: (ctx: SecurityContext, userId: number) => Promise<Record<string, unknown>> = () => Promise.resolve({}),
): void {
  const withAdditions = async (ctx: SecurityContext, user: UserRecord) => ({
    ...toUserResp(user),
    ...(await additions(ctx, user.id)),
  });
  api.get('/users', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    const { items, total } = await users.list(securityOf(req), { ...page, ...userQueryOf(query) });
    setPagingHeaders(req, reply, page, total);
    return items.map(toUserResp);
  });

  api.post('/users', async (req, reply) => {
    const body = bodyOf(req);
    const user = await users.create(securityOf(req), userCreationOf(body));
    return reply.code(201).header('Location', `/api/v2.0/users/${user.id}`).send();
  });

  api.get('/users/current', async (req) => withAdditions(securityOf(req), await users.current(securityOf(req))));

  api.get('/users/search', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    if (!query.username) throw new HarborError('BAD_REQUEST', 'username is required');
    const { items, total } = await users.search(securityOf(req), query.username, page);
    setPagingHeaders(req, reply, page, total);
    return items.map((u) => ({ user_id: u.id, username: u.username }));
  });

  api.get('/users/:user_id', async (req) =>
    withAdditions(securityOf(req), await users.get(securityOf(req), userIdOf(req))),
  );

  api.put('/users/:user_id', async (req, reply) => {
    await users.updateProfile(securityOf(req), userIdOf(req), profileChangeOf(bodyOf(req)));
    return reply.code(200).send();
  });

  api.delete('/users/:user_id', async (req, reply) => {
    await users.delete(securityOf(req), userIdOf(req));
    return reply.code(200).send();
  });

  api.put('/users/:user_id/password', async (req, reply) => {
    const { oldPassword, newPassword } = passwordChangeOf(bodyOf(req));
    await users.changePassword(securityOf(req), userIdOf(req), oldPassword, newPassword);
    return reply.code(200).send();
  });

  api.put('/users/:user_id/sysadmin', async (req, reply) => {
    await users.setSysadmin(securityOf(req), userIdOf(req), sysadminFlagOf(bodyOf(req)));
    return reply.code(200).send();
  });
}
