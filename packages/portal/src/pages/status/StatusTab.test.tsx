import { screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { changeLanguage } from '../../i18n/i18n';
import { ADMIN_PATH, adminPage, fakeAdminApi } from '../../test/admin-page';
import { renderPage } from '../../test/render';

const HEALTH = {
  status: 'unhealthy',
  components: [
    { name: 'database', status: 'healthy' },
    { name: 'jobservice', status: 'healthy' },
    { name: 'storage', status: 'unhealthy', error: 'storage check failed' },
  ],
};
const INFO = {
  auth_mode: 'db_auth',
  primary_auth_mode: false,
  self_registration: false,
  harbor_version: '0.1.0',
  current_time: '2026-01-01T00:00:00Z',
  registry_url: 'registry.example.com',
  registry_storage_provider_name: 'filesystem',
  read_only: false,
};
const STATS = {
  private_project_count: 2,
  private_repo_count: 3,
  public_project_count: 1,
  public_repo_count: 4,
  total_project_count: 3,
  total_repo_count: 7,
  total_storage_consumption: 3 * 1024 * 1024,
};
const QUEUES = [{ job_type: 'GARBAGE_COLLECTION', count: 2, latency: 30, paused: false }];
const ENDPOINTS = {
  endpoints: [
    {
      name: 'listener',
      url: 'https://hooks.example.com/events',
      disabled: false,
      pending: 5,
      events: 40,
      successes: 35,
      failures: 12,
      errors: 2,
      dropped: 0,
      statuses: { '200': 35, '500': 10 },
      consecutive_failures: 3,
      last_error: 'HTTP 500',
      last_success_time: '2026-01-01T00:00:00Z',
    },
    {
      name: 'archive',
      url: 'http://archive.internal/notify',
      disabled: true,
      pending: 0,
      events: 0,
      successes: 0,
      failures: 0,
      errors: 0,
      dropped: 0,
      statuses: {},
      consecutive_failures: 0,
    },
  ],
};

function statusApi(extra: Parameters<typeof fakeAdminApi>[0] = {}) {
  return fakeAdminApi({
    'GET /api/v2.0/health': { json: HEALTH },
    'GET /api/v2.0/systeminfo': { json: INFO },
    'GET /api/v2.0/statistics': { json: STATS },
    'GET /api/v2.0/jobservice/queues': { json: QUEUES },
    'GET /api/v2.0/system/notifications': { json: ENDPOINTS },
    ...extra,
  });
}

/** The table row showing `text` (the same text may also name a tab). */
const rowOf = (text: string) =>
  screen
    .getAllByText(text)
    .map((e) => e.closest('tr'))
    .find((row) => row !== null) as HTMLElement;

afterEach(async () => {
  await changeLanguage('en');
});

describe('the system status tab', () => {
  it('shows the components’ health, the system, the job queues and the notification endpoints', async () => {
    statusApi();
    renderPage(adminPage, { route: '/admin/status', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: 'System status', selected: true })).toBeInTheDocument();
    const storage = (await screen.findByText('storage check failed')).closest('tr') as HTMLElement;
    expect(within(storage).getByText('Storage')).toBeInTheDocument();
    expect(within(storage).getByText('Unhealthy')).toBeInTheDocument();
    expect(within(rowOf('Database')).getByText('Healthy')).toBeInTheDocument();
    expect(within(rowOf('Job service')).getByText('Healthy')).toBeInTheDocument();
    expect(await screen.findByText('0.1.0')).toBeInTheDocument();
    expect(screen.getByText('registry.example.com')).toBeInTheDocument();
    expect(await screen.findByText('3.00 MiB')).toBeInTheDocument();
    expect(
      within(await screen.findByText('GARBAGE_COLLECTION').then((e) => e.closest('tr') as HTMLElement)).getByText('2'),
    );
    const listener = (await screen.findByText('listener')).closest('tr') as HTMLElement;
    expect(within(listener).getByText('Failing')).toBeInTheDocument();
    expect(within(listener).getByText('HTTP 500')).toBeInTheDocument();
    expect(within(listener).getByText('5')).toBeInTheDocument();
    expect(within(listener).getByText('35')).toBeInTheDocument();
    expect(within(rowOf('archive')).getByText('Disabled')).toBeInTheDocument();
  });

  it('says when no endpoint is configured, and shows an error it could not read', async () => {
    statusApi({
      'GET /api/v2.0/system/notifications': { json: { endpoints: [] } },
      'GET /api/v2.0/statistics': {
        status: 500,
        json: { errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'statistics broke' }] },
      },
    });
    renderPage(adminPage, { route: '/admin/status', path: ADMIN_PATH });
    expect(await screen.findByText(/No notification endpoints are configured/)).toBeInTheDocument();
    expect(await screen.findByText(/statistics broke/)).toBeInTheDocument();
  });

  it('speaks Chinese', async () => {
    await changeLanguage('zh-CN');
    statusApi();
    renderPage(adminPage, { route: '/admin/status', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: '系统状态', selected: true })).toBeInTheDocument();
    expect(await screen.findByText('仓库通知端点')).toBeInTheDocument();
    await screen.findByText('storage check failed');
    expect(within(rowOf('storage check failed')).getByText('不健康')).toBeInTheDocument();
  });
});
