import type { AuthEventRecords } from './identity/auth-event-records.js';
import type { LoginFailureRecords } from './identity/login-failure-records.js';
import type { MemberRecords } from './identity/member-records.js';
import type { ProjectRecords } from './identity/project-records.js';
import type { RobotRecords } from './identity/robot-records.js';
import type { SessionRecords } from './identity/session-records.js';
import type { SettingRecords } from './identity/setting-records.js';
import type { UserGroupRecords } from './identity/user-group-records.js';
import type { UserRecords } from './identity/user-records.js';

export type * from './identity/auth-event-records.js';
export type * from './identity/login-failure-records.js';
export type * from './identity/member-records.js';
export type * from './identity/paging.js';
export type * from './identity/project-records.js';
export type * from './identity/robot-records.js';
export type * from './identity/session-records.js';
export type * from './identity/setting-records.js';
export type * from './identity/user-group-records.js';
export type * from './identity/user-records.js';

/**
 * The identity records in the database port (ports/store.ts): users, projects and their members, robot accounts,
 * system settings, and what authentication records (auth events, failed-login counters, browser sessions).
 */
export interface IdentityRepositories {
  readonly users: UserRecords;
  readonly projects: ProjectRecords;
  readonly members: MemberRecords;
  readonly userGroups: UserGroupRecords;
  readonly robots: RobotRecords;
  readonly settings: SettingRecords;
  readonly authEvents: AuthEventRecords;
  readonly loginFailures: LoginFailureRecords;
  readonly sessions: SessionRecords;
}
