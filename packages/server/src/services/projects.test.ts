import { describe, expect, it } from 'vitest';
import { ConflictError, PreconditionFailedError } from '../domain/errors.js';
import type { ProjectRecord, UserRecord } from '../ports/identity-store.js';
import type { Store } from '../ports/store.js';
import type { SecurityContext } from './authenticator.js';
import { UnitOfWork } from '../events/unit-of-work.js';
import { systemClock } from '../ports/clock.js';
import { ProjectService } from './projects.js';

const project: ProjectRecord = {
  id: 7,
  name: 'team',
  ownerId: null,
  public: false,
  metadata: {},
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

const admin: SecurityContext = {
  kind: 'user',
  subject: { kind: 'user', id: 1, username: 'admin', sysadmin: true, projectRoles: new Map() },
  user: { id: 1, username: 'admin' } as UserRecord,
};

describe('ProjectService.delete', () => {
  it('answers PreconditionFailed when a repository appears between the check and the delete', async () => {
    const identity: Store = {
      transaction: (work: (tx: Store) => Promise<unknown>) => work(identity),
      projects: {
        getByName: () => Promise.resolve(project),
        delete: () => Promise.reject(new ConflictError('project 7 is not empty')),
      },
      repositories: { count: () => Promise.resolve(0) },
    } as unknown as Store;
    await expect(
      new ProjectService(identity, new UnitOfWork(identity, systemClock)).delete(admin, {
        nameOrId: 'team',
        isResourceName: true,
      }),
    ).rejects.toThrow(new PreconditionFailedError('the project contains repositories and cannot be deleted'));
  });
});
