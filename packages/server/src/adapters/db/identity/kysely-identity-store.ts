import type { Kysely } from 'kysely';
import type { IdentityRepositories, IdentityStore } from '../../../ports/identity-store.js';
import type { Database } from '../database.js';
import { KyselyAuthEventRecords } from './auth-event-records.js';
import { KyselyLoginFailureRecords } from './login-failure-records.js';
import { KyselyMemberRecords } from './member-records.js';
import { KyselyProjectRecords } from './project-records.js';
import { KyselyRobotRecords } from './robot-records.js';
import { KyselySessionRecords } from './session-records.js';
import { KyselySettingRecords } from './setting-records.js';
import { KyselyUserRecords } from './user-records.js';

/** The record objects of one aggregate each, all bound to the same Kysely instance or transaction. */
class KyselyIdentityRepositories implements IdentityRepositories {
  readonly users: KyselyUserRecords;
  readonly projects: KyselyProjectRecords;
  readonly members: KyselyMemberRecords;
  readonly robots: KyselyRobotRecords;
  readonly settings: KyselySettingRecords;
  readonly authEvents: KyselyAuthEventRecords;
  readonly loginFailures: KyselyLoginFailureRecords;
  readonly sessions: KyselySessionRecords;

  constructor(db: Kysely<Database>) {
    this.users = new KyselyUserRecords(db);
    this.projects = new KyselyProjectRecords(db);
    this.members = new KyselyMemberRecords(db);
    this.robots = new KyselyRobotRecords(db);
    this.settings = new KyselySettingRecords(db);
    this.authEvents = new KyselyAuthEventRecords(db);
    this.loginFailures = new KyselyLoginFailureRecords(db);
    this.sessions = new KyselySessionRecords(db);
  }
}

/**
 * The identity store over Kysely, one implementation for SQLite and PostgreSQL. It borrows `db` (normally the
 * metadata store's instance, so both share one pool and one SQLite connection) and never closes it.
 * Inside transaction(work), use only the records handed to `work`.
 */
export class KyselyIdentityStore extends KyselyIdentityRepositories implements IdentityStore {
  constructor(private readonly db: Kysely<Database>) {
    super(db);
  }

  async transaction<T>(work: (tx: IdentityRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => work(new KyselyIdentityRepositories(tx)));
  }
}

/** Opens the identity store on an open, migrated database; the caller keeps `db`. */
export function createIdentityStore(db: Kysely<Database>): IdentityStore {
  return new KyselyIdentityStore(db);
}
