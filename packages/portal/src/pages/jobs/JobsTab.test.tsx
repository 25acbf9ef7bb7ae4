import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ADMIN_PATH, adminPage, fakeAdminApi, lastJson } from '../../test/admin-page';
import { changeLanguage } from '../../i18n/i18n';
import { renderPage } from '../../test/render';

const QUEUES = [
  { job_type: 'GARBAGE_COLLECTION', count: 2, latency: 30, paused: false },
  { job_type: 'REPLICATION', count: 0, latency: 0, paused: true },
];
const POOLS = [
  {
    pid: 4242,
    worker_pool_id: 'node-a',
    start_at: '2026-01-01T00:00:00Z',
    heartbeat_at: '2026-01-01T00:01:00Z',
    concurrency: 4,
    host: 'wharf-1',
  },
];
const SCHEDULES = [
  { id: 3, vendor_type: 'GARBAGE_COLLECTION', vendor_id: -1, cron: '0 0 0 * * *', update_time: '2026-01-01T00:00:00Z' },
];

function jobsApi(extra: Parameters<typeof fakeAdminApi>[0] = {}) {
  return fakeAdminApi({
    'GET /api/v2.0/jobservice/queues': { json: QUEUES },
    'GET /api/v2.0/jobservice/pools': { json: POOLS },
    'GET /api/v2.0/schedules': { json: SCHEDULES, headers: { 'X-Total-Count': '1' } },
    ...extra,
  });
}

const rowOf = (text: string) => screen.getAllByText(text)[0]?.closest('tr') as HTMLElement;

describe('the job service tab', () => {
  it('shows the queues, the worker pools and the schedules', async () => {
    jobsApi();
    renderPage(adminPage, { route: '/admin/jobs', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: 'Job service', selected: true })).toBeInTheDocument();
    await screen.findByText('REPLICATION');
    const gc = rowOf('30 s');
    expect(within(gc).getByText('GARBAGE_COLLECTION')).toBeInTheDocument();
    expect(within(gc).getByText('Running')).toBeInTheDocument();
    expect(within(gc).getByRole('button', { name: 'Pause' })).toBeInTheDocument();
    const replication = rowOf('REPLICATION');
    expect(within(replication).getByText('Paused')).toBeInTheDocument();
    expect(within(replication).getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(within(replication).getByRole('button', { name: 'Stop' })).toBeDisabled();
    const pool = (await screen.findByText('wharf-1')).closest('tr') as HTMLElement;
    expect(within(pool).getByText('4242')).toBeInTheDocument();
    expect(within(pool).getByText('node-a')).toBeInTheDocument();
    const schedule = (await screen.findByText('0 0 0 * * *')).closest('tr') as HTMLElement;
    expect(within(schedule).getByText('System')).toBeInTheDocument();
  });

  it('pauses and resumes a queue, and stops every pending job after a confirmation', async () => {
    const received = jobsApi({
      'PUT /api/v2.0/jobservice/queues/GARBAGE_COLLECTION': { status: 200 },
      'PUT /api/v2.0/jobservice/queues/REPLICATION': { status: 200 },
      'PUT /api/v2.0/jobservice/queues/all': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/jobs', path: ADMIN_PATH });
    const user = userEvent.setup();
    await screen.findByText('REPLICATION');
    await user.click(within(rowOf('GARBAGE_COLLECTION')).getByRole('button', { name: 'Pause' }));
    await waitFor(() =>
      expect(lastJson(received, 'PUT', '/api/v2.0/jobservice/queues/GARBAGE_COLLECTION')).toEqual({ action: 'pause' }),
    );
    await user.click(within(rowOf('REPLICATION')).getByRole('button', { name: 'Resume' }));
    await waitFor(() =>
      expect(lastJson(received, 'PUT', '/api/v2.0/jobservice/queues/REPLICATION')).toEqual({ action: 'resume' }),
    );
    await user.click(screen.getByRole('button', { name: 'Stop all pending' }));
    expect(lastJson(received, 'PUT', '/api/v2.0/jobservice/queues/all')).toBeUndefined();
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Pending jobs stopped')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/jobservice/queues/all')).toEqual({ action: 'stop' });
  });

  it("shows the API's refusal of an action", async () => {
    jobsApi({
      'PUT /api/v2.0/jobservice/queues/all': {
        status: 403,
        json: { errors: [{ code: 'FORBIDDEN', message: 'not allowed' }] },
      },
    });
    renderPage(adminPage, { route: '/admin/jobs', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Pause all' }));
    expect(await screen.findByText('You are not allowed to do this: not allowed')).toBeInTheDocument();
  });
});

describe('the storage governance tabs of the administration', () => {
  it.each([
    ['gc', 'Garbage collection', '垃圾回收'],
    ['quotas', 'Project quotas', '项目定额'],
    ['labels', 'Labels', '标签管理'],
    ['jobs', 'Job service', '任务服务'],
  ])('/admin/%s is named in the page title, in English and in Chinese', async (tab, english, chinese) => {
    jobsApi({
      'GET /api/v2.0/system/gc/schedule': { json: {} },
      'GET /api/v2.0/system/gc': { json: [] },
      'GET /api/v2.0/quotas': { json: [] },
      'GET /api/v2.0/labels': { json: [] },
    });
    renderPage(adminPage, { route: `/admin/${tab}`, path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: english, selected: true })).toBeInTheDocument();
    expect(document.title).toBe(`${english} – Administration – Wharf`);
    await changeLanguage('zh-CN');
    try {
      await waitFor(() => expect(document.title).toBe(`${chinese} – 系统管理 – Wharf`));
      expect(screen.getByRole('tab', { name: chinese, selected: true })).toBeInTheDocument();
    } finally {
      await changeLanguage('en');
    }
  });
});
