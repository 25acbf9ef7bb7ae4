import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_PATH, adminPage, countOf, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';
import { GC_REFRESH_MS } from './gc-status';

const DONE = {
  id: 4,
  job_name: 'GARBAGE_COLLECTION',
  job_kind: 'MANUAL',
  job_status: 'Success',
  job_parameters: JSON.stringify({
    dry_run: true,
    delete_untagged: false,
    workers: 1,
    freed_space: 3 * 1024 * 1024,
    purged_blobs: 7,
    purged_artifacts: 0,
  }),
  creation_time: '2026-01-02T03:00:00Z',
  update_time: '2026-01-02T03:01:00Z',
};
const RUNNING = {
  id: 5,
  job_name: 'GARBAGE_COLLECTION',
  job_kind: 'SCHEDULE',
  job_status: 'Running',
  job_parameters: JSON.stringify({ dry_run: false, workers: 2 }),
  creation_time: '2026-01-03T03:00:00Z',
  update_time: '2026-01-03T03:00:05Z',
};
const SCHEDULE = {
  id: 9,
  job_kind: 'Daily',
  job_parameters: JSON.stringify({ delete_untagged: true, workers: 2 }),
  schedule: { type: 'Daily', cron: '0 0 0 * * *', next_scheduled_time: '2026-01-04T00:00:00Z' },
};

const HISTORY = '/api/v2.0/system/gc';

function gcApi(history: object[], extra: Parameters<typeof fakeAdminApi>[0] = {}) {
  return fakeAdminApi({
    'GET /api/v2.0/system/gc/schedule': { json: SCHEDULE },
    'GET /api/v2.0/system/gc': { json: history, headers: { 'X-Total-Count': String(history.length) } },
    ...extra,
  });
}

/** The history's row of run `id` (its first cell). */
const rowOf = (id: number) =>
  screen.getAllByRole('row').find((row) => row.querySelector('td')?.textContent === String(id)) as HTMLElement;
const runRow = async (id: number) => {
  await waitFor(() => expect(rowOf(id)).toBeDefined());
  return rowOf(id);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the garbage collection tab', () => {
  it('lists the runs: trigger, dry run, status, what was freed; a log opens in a dialog', async () => {
    const received = gcApi([RUNNING, DONE], {
      'GET /api/v2.0/system/gc/4/log': { text: 'deleted blob sha256:aa\nfreed 3 MiB\n' },
    });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: 'Garbage collection', selected: true })).toBeInTheDocument();
    const done = await runRow(4);
    expect(within(done).getByText('Manual')).toBeInTheDocument();
    expect(within(done).getByText('Yes')).toBeInTheDocument();
    expect(within(done).getByText('Succeeded')).toBeInTheDocument();
    expect(within(done).getByText('3.00 MiB (7 blobs)')).toBeInTheDocument();
    expect(within(done).queryByRole('button', { name: 'Stop' })).not.toBeInTheDocument();
    const running = rowOf(5);
    expect(within(running).getByText('Schedule')).toBeInTheDocument();
    expect(within(running).getByText('Running')).toBeInTheDocument();
    expect(within(running).getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('A run is in progress');
    expect(Object.fromEntries(received.find((r) => r.url.pathname === HISTORY)?.url.searchParams ?? [])).toEqual({
      page: '1',
      page_size: '10',
    });

    const user = userEvent.setup();
    await user.click(within(done).getByRole('button', { name: 'Log' }));
    const dialog = await screen.findByRole('dialog', { name: 'Log of run 4' });
    expect(await within(dialog).findByTestId('gc-log')).toHaveTextContent('deleted blob sha256:aa freed 3 MiB');
    await user.click(within(dialog).getAllByRole('button', { name: 'Close' }).at(-1) as HTMLElement);
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('stops a running run after a confirmation', async () => {
    const received = gcApi([RUNNING], { 'PUT /api/v2.0/system/gc/5': { status: 200 } });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(within(await runRow(5)).getByRole('button', { name: 'Stop' }));
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Stop requested')).toBeInTheDocument();
    expect(countOf(received, 'PUT', '/api/v2.0/system/gc/5')).toBe(1);
  });

  it('reads the history again every few seconds while a run goes on, and only then', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const received = gcApi([RUNNING]);
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    await runRow(5);
    expect(countOf(received, 'GET', HISTORY)).toBe(1);
    await act(() => vi.advanceTimersByTimeAsync(GC_REFRESH_MS + 100));
    await waitFor(() => expect(countOf(received, 'GET', HISTORY)).toBe(2));
  });

  it('does not read the history again when nothing runs', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const received = gcApi([DONE]);
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    await runRow(4);
    await act(() => vi.advanceTimersByTimeAsync(GC_REFRESH_MS * 3));
    expect(countOf(received, 'GET', HISTORY)).toBe(1);
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('runs now and as a dry run with the options, which start as the schedule has them', async () => {
    const received = gcApi([], { 'POST /api/v2.0/system/gc/schedule': { status: 201 } });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    const untagged = await screen.findByRole('checkbox', { name: 'Delete untagged artifacts' });
    expect(untagged).toBeChecked();
    const workers = screen.getByLabelText('Workers');
    expect(workers).toHaveValue('2');
    const user = userEvent.setup();
    await user.click(untagged);
    await user.clear(workers);
    await user.type(workers, '3');
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    expect(await screen.findByText('Dry run started')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/system/gc/schedule')).toEqual({
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: false, workers: 3, dry_run: true },
    });
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Garbage collection started')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/system/gc/schedule')).toEqual({
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: false, workers: 3, dry_run: false },
    });
  });

  it("sends Harbor's time_window in hours only when one is entered", async () => {
    const received = gcApi([], { 'POST /api/v2.0/system/gc/schedule': { status: 201 } });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    const window = await screen.findByLabelText('Time window (hours)');
    expect(window).toHaveValue('');
    const user = userEvent.setup();
    await user.type(window, '0');
    await user.click(screen.getByRole('button', { name: 'Run now' }));
    expect(await screen.findByText('Garbage collection started')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/system/gc/schedule')).toEqual({
      schedule: { type: 'Manual' },
      parameters: { delete_untagged: true, workers: 2, dry_run: false, time_window: 0 },
    });
  });

  it("says why a run could not start (one is running: the API's 409)", async () => {
    gcApi([], {
      'POST /api/v2.0/system/gc/schedule': {
        status: 409,
        json: { errors: [{ code: 'CONFLICT', message: 'a GC run is already pending or running' }] },
      },
    });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Run now' }));
    expect(await screen.findByText(/a GC run is already pending or running/)).toBeInTheDocument();
  });

  it('shows the schedule and changes it to a custom cron, which must have six fields', async () => {
    const received = gcApi([], { 'PUT /api/v2.0/system/gc/schedule': { status: 200 } });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    expect(await screen.findByText(/Current schedule: 0 0 0 \* \* \*/)).toBeInTheDocument();
    const runs = screen.getByRole('combobox', { name: 'Runs' });
    expect(screen.getByTitle('Daily')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(runs);
    await user.click(await screen.findByText('Custom (cron)', { selector: '.ant-select-item-option-content' }));
    const cron = await screen.findByLabelText('Cron expression');
    await user.clear(cron);
    await user.type(cron, '0 0 3 * *');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Enter six fields separated by spaces')).toBeInTheDocument();
    expect(countOf(received, 'PUT', '/api/v2.0/system/gc/schedule')).toBe(0);
    await user.type(cron, ' 6');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Schedule saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/system/gc/schedule')).toEqual({
      schedule: { type: 'Custom', cron: '0 0 3 * * 6' },
      parameters: { delete_untagged: true, workers: 2 },
    });
  });

  it('removes the schedule with "Never" (type None, no cron)', async () => {
    const received = gcApi([], { 'PUT /api/v2.0/system/gc/schedule': { status: 200 } });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('combobox', { name: 'Runs' }));
    await user.click(await screen.findByText('Never', { selector: '.ant-select-item-option-content' }));
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    expect(await screen.findByText('Schedule saved')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/system/gc/schedule')).toMatchObject({ schedule: { type: 'None' } });
  });

  it('shows that there is no schedule', async () => {
    fakeAdminApi({
      'GET /api/v2.0/system/gc/schedule': { json: {} },
      'GET /api/v2.0/system/gc': { json: [] },
    });
    renderPage(adminPage, { route: '/admin/gc', path: ADMIN_PATH });
    expect(await screen.findByText('No schedule')).toBeInTheDocument();
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(screen.getByTitle('Never')).toBeInTheDocument();
  });
});
