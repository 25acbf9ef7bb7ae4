import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RobotRecord } from '../../ports/identity-store.js';
import { ROBOT_PREFIX } from '../../services/authenticator.js';
import type { RobotListQuery, RobotService } from '../../services/robots.js';
import { HarborError } from '../error-handler.js';
import { idParam, jsonBody } from './request-parts.js';
import { pageOf, setPagingHeaders } from './paging.js';
import { robotChangeRequestOf, robotCreationRequestOf, robotSecretOf } from './robot-body.js';
import { exactValueOf, parseQuery, parseSingleSort, textMatchOf, type QueryValue } from './query.js';
import { securityOf } from './security.js';

type Query = Readonly<Record<string, string | undefined>>;

/** Unix seconds, Harbor's `expires_at`; -1 never expires. */
function unixSeconds(date: Date | null): number {
  return date === null ? -1 : Math.floor(date.getTime() / 1000);
}

/** Harbor's Robot model; never the secret or its hash. */
export function toRobot(robot: RobotRecord) {
  return {
    id: robot.id,
    name: robot.name,
    description: robot.description,
    level: robot.level,
    duration: robot.durationDays ?? -1,
    editable: true,
    disable: robot.disabled,
    expires_at: unixSeconds(robot.expiresAt),
    permissions: robot.permissions.map((p) => ({
      kind: p.kind,
      namespace: p.namespace,
      access: p.access.map((a) => ({
        resource: a.resource,
        action: a.action,
        ...(a.effect === undefined ? {} : { effect: a.effect }),
      })),
    })),
    ...(robot.creator !== null && { creator_type: robot.creator.startsWith(ROBOT_PREFIX) ? 'robot' : 'local' }),
    creation_time: robot.createdAt.toISOString(),
    update_time: robot.updatedAt.toISOString(),
  };
}

const robotIdOf = (req: FastifyRequest): number => idParam(req, 'robot_id');
const bodyOf = jsonBody;

const SORT_KEYS: Readonly<Record<string, NonNullable<RobotListQuery['sort']>['by']>> = {
  id: 'id',
  name: 'name',
  creation_time: 'createdAt',
  update_time: 'updatedAt',
};

/** Robot query keys as Harbor's portal writes them (`Level`, `ProjectID`), in lower case or with underscores too. */
const ROBOT_KEYS: Readonly<Record<string, 'level' | 'projectid' | 'name'>> = {
  level: 'level',
  projectid: 'projectid',
  name: 'name',
};

/**
 * Harbor's `q` for robots, as its portal sends it: `Level=project,ProjectID=3` (keys also in lower case), plus
 * `name=x` (the full name, `robot$` optional) or `name=~x` (a substring). Without a level, system robots.
 */
export function robotQueryOf(query: Query): Omit<RobotListQuery, 'page' | 'pageSize'> {
  const terms = new Map<'level' | 'projectid' | 'name', QueryValue>();
  for (const [key, value] of parseQuery(query.q)) {
    const known = ROBOT_KEYS[key.toLowerCase().replace(/_/g, '')];
    if (!known)
      throw new HarborError(
        'BAD_REQUEST',
        `unsupported query key ${JSON.stringify(key)}; supported: Level, ProjectID, name`,
      );
    terms.set(known, value);
  }
  const levelTerm = terms.get('level');
  const level = levelTerm ? exactValueOf('Level', levelTerm) : 'system';
  if (level !== 'system' && level !== 'project') {
    throw new HarborError('BAD_REQUEST', 'Level must be "system" or "project"');
  }
  const projectTerm = terms.get('projectid');
  const projectId = projectTerm ? exactValueOf('ProjectID', projectTerm) : undefined;
  if (projectId !== undefined && !/^\d{1,15}$/.test(projectId)) {
    throw new HarborError('BAD_REQUEST', 'ProjectID must be an integer');
  }
  const nameTerm = terms.get('name');
  const sort = parseSingleSort(query.sort, SORT_KEYS);
  return {
    level,
    ...(projectId !== undefined && { projectId: Number(projectId) }),
    ...(nameTerm && { name: textMatchOf('name', nameTerm) }),
    ...(sort && { sort }),
  };
}

/** /robots: Harbor's robot accounts (swagger tag `robot`). */
export function registerRobotRoutes(api: FastifyInstance, robots: RobotService): void {
  api.get('/robots', async (req, reply) => {
    const query = req.query as Query;
    const page = pageOf(query);
    const { items, total } = await robots.list(securityOf(req), { ...page, ...robotQueryOf(query) });
    setPagingHeaders(req, reply, page, total);
    return items.map(toRobot);
  });

  api.post('/robots', async (req, reply) => {
    const { robot, secret } = await robots.create(securityOf(req), robotCreationRequestOf(bodyOf(req)));
    return reply
      .code(201)
      .header('Location', `/api/v2.0/robots/${robot.id}`)
      .send({
        id: robot.id,
        name: robot.name,
        secret,
        creation_time: robot.createdAt.toISOString(),
        expires_at: unixSeconds(robot.expiresAt),
      });
  });

  api.get('/robots/:robot_id', async (req) => toRobot(await robots.get(securityOf(req), robotIdOf(req))));

  api.put('/robots/:robot_id', async (req, reply) => {
    await robots.update(securityOf(req), robotIdOf(req), robotChangeRequestOf(bodyOf(req)));
    return reply.code(200).send();
  });

  // Harbor's RobotSec: a generated secret is returned; a chosen one is not echoed. No body generates one too.
  api.patch('/robots/:robot_id', async (req) => {
    const chosen = robotSecretOf(req.body === undefined ? undefined : bodyOf(req));
    const secret = await robots.refreshSecret(securityOf(req), robotIdOf(req), chosen);
    return secret === undefined ? {} : { secret };
  });

  api.delete('/robots/:robot_id', async (req, reply) => {
    await robots.delete(securityOf(req), robotIdOf(req));
    return reply.code(200).send();
  });
}
