import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { auditQuery } from '../../api/audit';
import { ADMIN_PATH, adminPage, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';

const RECORDS = [
  {
    id: 2,
    username: 'alice',
    resource: 'library/app:v1',
    resource_type: 'artifact',
    operation: 'create',
    operation_description: 'push artifact sha256:abc with tag v1',
    operation_result: true,
    op_time: '2026-01-02T03:04:05Z',
  },
  {
    id: 1,
    username: 'mallory',
    resource: 'mallory',
    resource_type: 'user',
    operation: 'login',
    operation_description: 'login failed',
    operation_result: false,
    op_time: '2026-01-02T03:00:00Z',
  },
];

describe('the audit log tab', () => {
  it('lists the records with their result, and filters by user on the server', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/auditlog-exts/events': { json: [{ event_type: 'create_artifact' }, { event_type: 'login_user' }] },
      'GET /api/v2.0/auditlog-exts': { json: RECORDS, headers: { 'X-Total-Count': '2' } },
    });
    renderPage(adminPage, { route: '/admin/audit', path: ADMIN_PATH });
    expect(await screen.findByText('library/app:v1')).toBeDefined();
    expect(screen.getByText('login failed')).toBeDefined();
    expect(screen.getByText('Failure')).toBeDefined();
    expect(screen.getByText('Success')).toBeDefined();

    await userEvent.type(screen.getByRole('searchbox', { name: 'User' }), 'alice{Enter}');
    await waitFor(() => {
      const last = received.filter((r) => r.url.pathname === '/api/v2.0/auditlog-exts').at(-1);
      expect(last?.url.searchParams.get('q')).toBe('username=~alice');
      expect(last?.url.searchParams.get('sort')).toBe('-op_time');
    });
  });

  it('builds Harbor q terms from the filters', () => {
    expect(auditQuery({})).toBeUndefined();
    expect(
      auditQuery({
        username: ' bob ',
        eventType: 'pull_artifact',
        resource: 'lib/',
        from: '2026-01-01T00:00:00.000Z',
        to: '2026-01-02T12:30:00.000Z',
      }),
    ).toBe('username=~bob,event_type=pull_artifact,resource=~lib/,op_time=[2026-01-01 00:00:00~2026-01-02 12:30:00]');
  });
});

describe('the audit log purge', () => {
  it('shows the runs and purges now with the retention given', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/auditlog-exts/events': { json: [] },
      'GET /api/v2.0/auditlog-exts': { json: [], headers: { 'X-Total-Count': '0' } },
      'GET /api/v2.0/system/purgeaudit/schedule': { json: {} },
      'GET /api/v2.0/system/purgeaudit': {
        json: [
          {
            id: 7,
            job_name: 'PURGE_AUDIT_LOG',
            job_kind: 'MANUAL',
            job_status: 'Success',
            job_parameters: JSON.stringify({ audit_retention_hour: 24, purged: 42 }),
            creation_time: '2026-01-02T03:00:00Z',
          },
        ],
        headers: { 'X-Total-Count': '1' },
      },
      'POST /api/v2.0/system/purgeaudit/schedule': { status: 201 },
    });
    renderPage(adminPage, { route: '/admin/audit', path: ADMIN_PATH });
    expect(await screen.findByText('42')).toBeDefined();
    const hours = screen.getByRole('spinbutton', { name: 'Keep records of the last (hours)' });
    await userEvent.clear(hours);
    await userEvent.type(hours, '48');
    await userEvent.click(screen.getByRole('button', { name: 'Purge now' }));
    await waitFor(() =>
      expect(lastJson(received, 'POST', '/api/v2.0/system/purgeaudit/schedule')).toEqual({
        schedule: { type: 'Manual' },
        parameters: { audit_retention_hour: 48, dry_run: false },
      }),
    );
  });
});
