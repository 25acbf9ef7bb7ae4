import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { textColourOn } from '../../components/LabelTag';
import { ADMIN_PATH, adminPage, countOf, fakeAdminApi, lastJson } from '../../test/admin-page';
import { fakeApi } from '../../test/fake-api';
import { renderPage } from '../../test/render';
import { ProjectPage } from '../project/ProjectPage';

const LABELS = [
  {
    id: 1,
    name: 'prod',
    description: 'Released',
    color: '#cf1322',
    scope: 'g',
    project_id: 0,
    creation_time: '2026-01-01T00:00:00Z',
    update_time: '2026-01-01T00:00:00Z',
  },
  {
    id: 2,
    name: 'beta',
    description: '',
    color: '#fadb14',
    scope: 'g',
    project_id: 0,
    creation_time: '2026-01-01T00:00:00Z',
    update_time: '2026-01-01T00:00:00Z',
  },
];

describe('label colours', () => {
  it('take black or white text, whichever reads better', () => {
    expect(textColourOn('#fadb14')).toBe('#000000');
    expect(textColourOn('#0065ab')).toBe('#ffffff');
    expect(textColourOn('#ffffff')).toBe('#000000');
    expect(textColourOn('not a colour')).toBe('#000000');
  });
});

describe('the global labels tab', () => {
  it('lists the global labels in their colours, searching by name on the server', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/labels': (req) => ({
        json: req.url.searchParams.get('name') === 'pro' ? [LABELS[0]] : LABELS,
        headers: { 'X-Total-Count': '2' },
      }),
    });
    renderPage(adminPage, { route: '/admin/labels', path: ADMIN_PATH });
    expect(await screen.findByRole('tab', { name: 'Labels', selected: true })).toBeInTheDocument();
    const prod = await screen.findByText('prod');
    expect(prod).toHaveStyle({ color: '#ffffff' });
    expect(screen.getByText('beta')).toHaveStyle({ color: '#000000' });
    expect(screen.getByText('Released')).toBeInTheDocument();
    const list = received.find((r) => r.url.pathname === '/api/v2.0/labels');
    expect(Object.fromEntries(list?.url.searchParams ?? [])).toEqual({
      page: '1',
      page_size: '25',
      sort: 'name',
      scope: 'g',
    });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Search labels by name'), 'pro{Enter}');
    await waitFor(() => expect(screen.queryByText('beta')).not.toBeInTheDocument());
    expect(received.at(-1)?.url.searchParams.get('name')).toBe('pro');
  });

  it('creates, changes and deletes a label', async () => {
    const received = fakeAdminApi({
      'GET /api/v2.0/labels': { json: LABELS },
      'POST /api/v2.0/labels': { status: 201 },
      'PUT /api/v2.0/labels/2': { status: 200 },
      'DELETE /api/v2.0/labels/1': { status: 200 },
    });
    renderPage(adminPage, { route: '/admin/labels', path: ADMIN_PATH });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: /New label/ }));
    let dialog = await screen.findByRole('dialog', { name: 'New label' });
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await within(dialog).findByText('Enter a name of at most 128 characters')).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Label name'), ' qa ');
    fireEvent.input(within(dialog).getByLabelText(/^Colour/), { target: { value: '#00ff00' } });
    await user.type(within(dialog).getByLabelText(/^Description/), 'Tested');
    await user.click(within(dialog).getByRole('button', { name: 'OK' }));
    expect(await screen.findByText('Label qa created')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/labels')).toEqual({
      name: 'qa',
      color: '#00ff00',
      description: 'Tested',
      scope: 'g',
    });

    await user.click(
      within(screen.getByText('beta').closest('tr') as HTMLElement).getByRole('button', { name: /Edit/ }),
    );
    dialog = await screen.findByRole('dialog', { name: 'Edit label beta' });
    const name = within(dialog).getByLabelText('Label name');
    expect(name).toHaveValue('beta');
    await user.clear(name);
    await user.type(name, 'gamma{Enter}');
    expect(await screen.findByText('Label gamma changed')).toBeInTheDocument();
    expect(lastJson(received, 'PUT', '/api/v2.0/labels/2')).toEqual({
      name: 'gamma',
      color: '#fadb14',
      description: '',
    });

    await user.click(
      within(screen.getByText('prod').closest('tr') as HTMLElement).getByRole('button', { name: /Delete/ }),
    );
    await user.click(await screen.findByRole('button', { name: 'Yes' }));
    expect(await screen.findByText('Label deleted')).toBeInTheDocument();
    expect(countOf(received, 'DELETE', '/api/v2.0/labels/1')).toBe(1);
  });
});

const path = '/projects/:project/:tab?';
const project = (role: number) => ({
  project_id: 7,
  name: 'library',
  metadata: { public: 'false' },
  current_user_role_id: role,
});
const PROJECT_LABEL = { ...LABELS[0], id: 5, name: 'team', scope: 'p', project_id: 7 };

describe('the labels tab of a project', () => {
  it('lets a maintainer create the project’s labels', async () => {
    const received = fakeApi({
      'GET /api/v2.0/users/current': { json: { user_id: 3, username: 'mia', sysadmin_flag: false } },
      'GET /api/v2.0/projects/library': { json: project(4) },
      'GET /api/v2.0/labels': { json: [PROJECT_LABEL] },
      'POST /api/v2.0/labels': { status: 201 },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/labels', path });
    expect(await screen.findByText('team')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Labels', selected: true })).toBeInTheDocument();
    const list = received.find((r) => r.url.pathname === '/api/v2.0/labels');
    expect(list?.url.searchParams.get('scope')).toBe('p');
    expect(list?.url.searchParams.get('project_id')).toBe('7');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /New label/ }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Label name'), 'nightly{Enter}');
    expect(await screen.findByText('Label nightly created')).toBeInTheDocument();
    expect(lastJson(received, 'POST', '/api/v2.0/labels')).toEqual({
      name: 'nightly',
      color: '#0065ab',
      description: '',
      scope: 'p',
      project_id: 7,
    });
  });

  it('only shows them to a guest, and hides the tab from a limited guest', async () => {
    fakeApi({
      'GET /api/v2.0/users/current': { json: { user_id: 3, username: 'gus', sysadmin_flag: false } },
      'GET /api/v2.0/projects/library': { json: project(3) },
      'GET /api/v2.0/labels': { json: [PROJECT_LABEL] },
    });
    const view = renderPage(<ProjectPage />, { route: '/projects/library/labels', path });
    expect(await screen.findByText('team')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /New label/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument();
    view.unmount();

    fakeApi({
      'GET /api/v2.0/users/current': { json: { user_id: 3, username: 'lim', sysadmin_flag: false } },
      'GET /api/v2.0/projects/library': { json: project(5) },
      'GET /api/v2.0/projects/library/repositories': { json: [] },
    });
    renderPage(<ProjectPage />, { route: '/projects/library/labels', path });
    expect(await screen.findByRole('tab', { name: 'Repositories', selected: true })).toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Labels' })).not.toBeInTheDocument();
  });
});
