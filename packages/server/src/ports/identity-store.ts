import type { AuthEventRecords } from './identity/auth-event-records.js';
import type { LoginFailureRecords } from './identity/login-failure-records.js';
import type { MemberRecords } from './identity/member-records.js';
import type { ProjectRecords } from './identity/project-records.js';
import type { RobotRecords } from './identity/robot-records.js';
import type { SessionRecords } from './identity/session-records.js';
import type { SettingRecords } from './identity/setting-records.js';
import type { UserRecords } from './identity/user-records.js';

export type * from './identity/auth-event-records.js';
export type * from './identity/login-failure-records.js';
export type * from './identity/member-records.js';
export type * from './identity/paging.js';
export type * from './identity/project-records.js';
export type * from './identity/robot-records.js';
export type * from './identity/session-records.js';
export type * from './identity/setting-records.js';
export type * from './identity/user-records.js';

/**
 * The identity port: users, projects and their members, robot accounts, system settings, and what
 * authentication records (auth events, failed-login counters, browser sessions). One Kysely implementation serves
 * SQLite and PostgreSQL (adapters/db/identity); every implementation passes adapters/db/identity/identity-store.suite.ts.
 *
 * Unique violations throw ConflictError and references to a missing project NotFoundError (domain/errors.ts).
 * Timestamps are Dates with millisecond precision; ids are numbers; names compare byte-wise.
 */
export interface IdentityStore extends IdentityRepositories {
  /** Runs `work` in one transaction: all of it commits, or none. Inside, use only the records handed to `work`. */
  transaction<T>(work: (tx: IdentityRepositories) => Promise<T>): Promise<T>;
}

export interface IdentityRepositories {
  readonly users: UserRecords;
  readonly projects: ProjectRecords;
  readonly members: MemberRecords;
  readonly robots: RobotRecords;
  readonly settings: SettingRecords;
  readonly authEvents: AuthEventRecords;
  readonly loginFailures: LoginFailureRecords;
  readonly sessions: SessionRecords;
}
