import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { quotaLevel } from '../../components/QuotaBar';
import { ADMIN_PATH, adminPage, fakeAdminApi, lastJson } from '../../test/admin-page';
import { renderPage } from '../../test/render';
import { bytesOf, limitInUnits } from './quota-units';

const GiB = 1024 ** 3;
const QUOTAS = [
  {
    id: 1,
    ref: { id: 1, name: 'library', owner_name: 'admin' },
    hard: { storage: -1 },
    used: { storage: 5 * 1024 * 1024 },
    creation_time: '2026-01-01T00:00:00Z',
    update_time: '2026-01-01T00:00:00Z',
  },
  {
    id: 2,
    ref: { id: 2, name: 'team-a', owner_name: 'bob' },
    hard: { storage: 10 * GiB },
    used: { storage: 9 * GiB },
    creation_time: '2026-01-01T00:00:00Z',
    update_time: '2026-01-01T00:00:00Z',
  },
  {
    id: 3,
    ref: { id: 3, name: 'small' },
    hard: { storage: 2 * GiB },
    used: { storage: GiB },
    creation_time: '2026-01-01T00:00:00Z',
    update_time: '2026-01-01T00:00:00Z',
  },
];

const rowOf = (name: string) => screen.getByRole('link', { name }).closest('tr') as HTMLElement;

describe('the quota levels and units', () => {
  it('warn from 85 % of the limit and mark it reached at 100 %', () => {
    expect(quotaLevel(10, -1)).toBe('unlimited');
    expect(quotaLevel(84, 100)).toBe('normal');
    expect(quotaLevel(85, 100)).toBe('warning');
    expect(quotaLevel(100, 100)).toBe('exceeded');
    expect(quotaLevel(0, 0)).toBe('exceeded');
  });

  it('show a limit in the largest whole unit, and turn units into bytes', () => {
    expect(limitInUnits(2 * 1024 ** 4)).toEqual({ amount: 2, unit: 'TiB' });
    expect(limitInUnits(1536 * 1024 ** 3)).toEqual({ amount: 1536, unit: 'GiB' });
    expect(limitInUnits(1536 * 1024 ** 2)).toEqual({ amount: 1536, unit: 'MiB' });
    expect(bytesOf(1.5, 'GiB')).toBe(1536 * 1024 ** 2);
  });
});

/** Whether the element or one of its ancestors has `pointer-events: none` (user-event refuses to click it). */
function blocksPointer(element: Element): boolean {
  for (let at: Element | null = element; at; at = at.parentElement) {
    if (getComputedStyle(at).pointerEvents === 'none') return true;
  }
  return false;
}

describe('the project quotas tab', () => {
  it('lists every quota with its usage bar, sorted by usage on the server', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/quotas': { json: QUOTAS, headers: { 'X-Total-Count': '3' } },
    });
    renderPage(adminPage, { route: '/admin/quotas', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: 'Project quotas', selected: true })).toBeInTheDocument();
    await screen.findByRole('link', { name: 'library' });
    expect(within(rowOf('library')).getByText('5.00 MiB used, no limit')).toBeInTheDocument();
    expect(within(rowOf('library')).getAllByText('No limit')).toHaveLength(1);
    expect(within(rowOf('library')).queryByRole('progressbar')).not.toBeInTheDocument();
    const team = rowOf('team-a');
    expect(within(team).getByRole('progressbar', { name: 'Storage used by team-a' })).toHaveAttribute(
      'aria-valuenow',
      '90',
    );
    expect(within(team).getByText('9.00 GiB of 10.0 GiB · near the limit')).toBeInTheDocument();
    expect(within(team).getByText('bob')).toBeInTheDocument();
    expect(within(rowOf('small')).getByText('1.00 GiB of 2.00 GiB')).toBeInTheDocument();
    const list = received.find((r) => r.url.pathname === '/api/v2.0/quotas');
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({
      page: '1',
      page_size: '25',
      sort: '-used.storage',
      reference: 'project',
    });

    const user = userEvent.setup();
    const limit = screen.getByText('Limit');
    // The table's header takes clicks once any transition over it (pointer-events: none) has ended.
    await waitFor(() => expect(blocksPointer(limit)).toBe(false));
    await user.click(limit);
    await waitFor(() => expect(received.at(-1)?.url.searchParams.get('sort')).toBe('hard.storage'));
  });

  it('changes a limit in GiB, and to no limit', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/quotas': { json: QUOTAS },
      'PUT /api/v2.0/quotas/2': { status: 200 },
      'PUT /api/v2.0/quotas/1': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/quotas', path: ADMIN_PATH });
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'team-a' });
    await user.click(within(rowOf('team-a')).getByRole('button', { name: /Edit/ }));
    let dialog = await screen.findByRole('dialog', { name: 'Storage quota of team-a' });
    const amount = within(dialog).getByLabelText(/^Limit/);
    expect(amount).toHaveValue('10');
    expect(within(dialog).getByTitle('GiB')).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, '20{Enter}');
    expect(await screen.findByText('Quota of team-a changed')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/quotas/2')).toEqual({ hard: { storage: 20 * GiB } });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await user.click(within(rowOf('team-a')).getByRole('button', { name: /Edit/ }));
    dialog = await screen.findByRole('dialog', { name: 'Storage quota of team-a' });
    await user.click(within(dialog).getByRole('checkbox', { name: 'No limit' }));
    expect(within(dialog).queryByLabelText(/^Limit/)).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    await waitFor(() => expect(lastJson(received, 'PUT', '/api/v2.0/quotas/2')).toEqual({ hard: { storage: -1 } }));
  });

  it('asks for a limit unless there is none, and shows the API’s refusal', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/quotas': { json: QUOTAS },
      'PUT /api/v2.0/quotas/1': {
        status: 400,
        json: { errors: [{ code: 'BAD_REQUEST', message: 'hard.storage must be -1 or positive' }] },
      },
    });
    renderPage(adminPage, { route: '/admin/quotas', path: ADMIN_PATH });
    const user = userEvent.setup();
    await screen.findByRole('link', { name: 'library' });
    await user.click(within(rowOf('library')).getByRole('button', { name: /Edit/ }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('checkbox', { name: 'No limit' })).toBeChecked();
    await user.click(within(dialog).getByRole('checkbox', { name: 'No limit' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter a limit, or choose no limit')).toBeInTheDocument();
    expect(received.some((r) => r.method === 'PUT')).toBe(false);
    await user.type(within(dialog).getByLabelText(/^Limit/), '512');
    await user.click(within(dialog).getByTitle('GiB'));
    await user.click(await screen.findByText('MiB', { selector: '.ant-select-item-option-content' }));
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('hard.storage must be -1 or positive');
    expect(lastJson(received, 'PUT', '/api/v2.0/quotas/1')).toEqual({ hard: { storage: 512 * 1024 * 1024 } });
  });
});
