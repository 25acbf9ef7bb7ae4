import { describe, expect, it } from 'vitest';
import { can, type ProjectRef, type RobotPermission, type UserSubject } from './evaluator.js';

const team: ProjectRef = { id: 1, name: 'team', public: false };
const other: ProjectRef = { id: 2, name: 'other', public: false };
const library: ProjectRef = { id: 3, name: 'library', public: true };

function user(permissions: readonly RobotPermission[] | undefined, sysadmin = false): UserSubject {
  return {
    kind: 'user',
    id: 10,
    username: 'u',
    sysadmin,
    projectRoles: new Map([
      [team.id, ['developer']],
      [other.id, ['guest']],
    ]),
    ...(permissions && { scope: { tokenId: 7, permissions } }),
  };
}

describe('a personal access token’s scope on the user subject', () => {
  it('allows only what both the scope and the user’s roles allow', () => {
    const pullTeam = user([
      { kind: 'project', namespace: 'team', projectId: team.id, access: [{ resource: 'repository', action: 'pull' }] },
    ]);
    expect(can(pullTeam, team, 'repository', 'pull')).toBe(true);
    expect(can(pullTeam, team, 'repository', 'push')).toBe(false); // the developer may; the scope does not
    expect(can(pullTeam, other, 'repository', 'pull')).toBe(false); // the guest may; the scope does not
    expect(can(user(undefined), team, 'repository', 'push')).toBe(true);

    const pushEverywhere = user([
      { kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'push' }] },
    ]);
    expect(can(pushEverywhere, team, 'repository', 'push')).toBe(true);
    expect(can(pushEverywhere, team, 'repository', 'pull')).toBe(true); // push implies pull, as for robots
    expect(can(pushEverywhere, other, 'repository', 'push')).toBe(false); // a guest there
  });

  it('binds project blocks to the project id they were written for', () => {
    const stale = user([
      { kind: 'project', namespace: 'team', projectId: 99, access: [{ resource: 'repository', action: 'pull' }] },
    ]);
    expect(can(stale, team, 'repository', 'pull')).toBe(false);
  });

  it('narrows a system administrator too, at system and project scope', () => {
    const auditor = user(
      [{ kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] }],
      true,
    );
    expect(can(auditor, undefined, 'audit-log', 'list')).toBe(true);
    expect(can(auditor, undefined, 'user', 'list')).toBe(false);
    expect(can(auditor, team, 'repository', 'pull')).toBe(false);
    expect(can(user(undefined, true), undefined, 'user', 'list')).toBe(true);
  });

  it('keeps what anonymous callers may do in a public project', () => {
    const none = user([{ kind: 'system', namespace: '/', access: [{ resource: 'audit-log', action: 'list' }] }]);
    expect(can(none, library, 'repository', 'pull')).toBe(true);
    expect(can(none, library, 'repository', 'push')).toBe(false);
  });

  it('refuses what a deny entry names', () => {
    const denied = user([
      {
        kind: 'project',
        namespace: '*',
        access: [
          { resource: 'repository', action: 'pull' },
          { resource: 'repository', action: 'pull', effect: 'deny' },
        ],
      },
    ]);
    expect(can(denied, library, 'repository', 'pull')).toBe(false);
    expect(can(denied, team, 'repository', 'pull')).toBe(false);
  });
});
