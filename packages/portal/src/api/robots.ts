import { apiCall, apiJson } from './http';
import type { Access, Robot, RobotCreate, RobotCreated, RobotSec } from './models';
import { apiPage, type ListQuery, type Page } from './paging';

/** Which robots a list shows: the system-level ones, or those of one project. */
export type RobotScope = { level: 'system' } | { level: 'project'; projectId: number; projectName: string };

function scopeQuery(scope: RobotScope): string {
  return scope.level === 'system' ? 'Level=system' : `Level=project,ProjectID=${scope.projectId}`;
}

export function listRobots(scope: RobotScope, query: ListQuery): Promise<Page<Robot>> {
  const q = [scopeQuery(scope), query.q].filter(Boolean).join(',');
  return apiPage<Robot>('/robots', { ...query, q });
}

export interface NewRobot {
  readonly name: string;
  readonly description: string;
  /** Days until it expires; -1 never. */
  readonly duration: number;
  readonly access: readonly Access[];
}

/** Creates a robot; system robots get their access on every project (`*`). The secret is in the answer, once. */
export function createRobot(scope: RobotScope, robot: NewRobot): Promise<RobotCreated> {
  const req: RobotCreate = {
    name: robot.name,
    description: robot.description,
    duration: robot.duration,
    level: scope.level,
    disable: false,
    permissions: [
      { kind: 'project', namespace: scope.level === 'system' ? '*' : scope.projectName, access: [...robot.access] },
    ],
  };
  return apiJson<RobotCreated>('/robots', { method: 'POST', json: req });
}

export function setRobotDisabled(robot: Robot, disable: boolean): Promise<void> {
  return apiCall(`/robots/${robot.id ?? 0}`, { method: 'PUT', json: { ...robot, disable } });
}

/** Generates a new secret, shown once. */
export function refreshRobotSecret(robotId: number): Promise<RobotSec> {
  return apiJson<RobotSec>(`/robots/${robotId}`, { method: 'PATCH', json: {} });
}

export function deleteRobot(robotId: number): Promise<void> {
  return apiCall(`/robots/${robotId}`, { method: 'DELETE' });
}
